import sys

from django.core.management.base import BaseCommand

from ingest.extract import cli


class Command(BaseCommand):
    help = "从文章中抽取巡察数据：每个输入文件写一个同名 JSON（gold 格式）到 --out 目录。"

    def run_from_argv(self, argv):
        # The engine's own command line, unchanged, so both entry points behave the same.
        sys.exit(cli.main(argv[2:]))
