from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from rectification.rates import rates_recompute_all


class Command(BaseCommand):
    help = ("重算整改率快照（全部统计范围）：默认今天；--day 指定日期。升级后（如快照新增统计项）或直接修改数据库后运行，"
            "不必等夜间任务。")

    def add_arguments(self, parser):
        parser.add_argument("--day", help="统计日期，如 2026-06-30（默认今天）")

    def handle(self, *args, day=None, **options):
        try:
            day = date.fromisoformat(day) if day else timezone.localdate()
        except ValueError:
            raise CommandError(f"日期格式不正确：{day}（应为 YYYY-MM-DD）") from None
        rows = rates_recompute_all(day)
        self.stdout.write(f"{day}：已写入 {rows:,} 个统计范围的快照。")
