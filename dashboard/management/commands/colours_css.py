from django.core.management.base import BaseCommand

from dashboard.colours import COLOURS_CSS, colours_css


class Command(BaseCommand):
    help = "由 rectification/choices.py 中的颜色生成 static/dashboard/colours.css"

    def handle(self, *args, **options):
        COLOURS_CSS.write_text(colours_css(), encoding="utf-8")
        self.stdout.write(f"已写入 {COLOURS_CSS}")
