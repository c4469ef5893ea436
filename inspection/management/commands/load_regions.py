from django.core.management.base import BaseCommand

from inspection.services import regions_load


class Command(BaseCommand):
    help = "载入全国省、市、县三级行政区划（数据来自 cpca），可重复运行。"

    def handle(self, *args, **options):
        result = regions_load()
        self.stdout.write(f"行政区划：共 {result['total']} 个，新建 {result['created']} 个，更新 {result['updated']} 个。")
