import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ingest.extract import benchmark

DEFAULT_CORPUS = Path(settings.BASE_DIR).parent / "shared" / "corpus" / "seeds"


class Command(BaseCommand):
    help = "抽取引擎速度基准：把文章重复到至少 5 MB，输出每秒文章数和 MB/s（单核，不含启动）。"

    def add_arguments(self, parser):
        parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="文章目录（*.txt），默认 ../shared/corpus/seeds")
        parser.add_argument("--min-mb", type=float, default=5.0, help="至少处理多少 MB（默认 5）")
        parser.add_argument("--json", action="store_true", dest="as_json", help="以一个 JSON 对象输出")

    def handle(self, *args, corpus, min_mb, as_json, **options):
        paths = sorted(corpus.glob("*.txt"))
        if not paths:
            raise CommandError(f"{corpus} 中没有 .txt 文章。")
        figures = benchmark([p.read_text(encoding="utf-8") for p in paths], min_bytes=int(min_mb * 1024 * 1024))
        if as_json:
            self.stdout.write(json.dumps(figures))
        else:
            self.stdout.write(
                f"{figures['articles']} 篇 / {figures['mb']} MB，用时 {figures['seconds']} s（CPU）："
                f"{figures['articles_per_s']} 篇/秒，{figures['mb_per_s']} MB/s"
            )
