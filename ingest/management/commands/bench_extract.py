import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ingest.corpus import ENV, corpus_given, seed_paths
from ingest.demo import sample_articles
from ingest.extract import benchmark


def corpus_texts(corpus: Path) -> list[str]:
    """The seed articles of a corpus folder (its seeds/*.txt, or *.txt directly in it)."""
    paths = seed_paths(corpus) or sorted(corpus.glob("*.txt"))
    if not paths:
        raise CommandError(f"{corpus} 中没有 .txt 文章（seeds/*.txt 或 *.txt）。")
    return [p.read_text(encoding="utf-8") for p in paths]


class Command(BaseCommand):
    help = ("抽取引擎速度基准：把文章重复到至少 5 MB，输出每秒文章数和 MB/s（单核，不含启动）。"
            f"文章：给出语料（--corpus 或环境变量 {ENV}）时为语料的 seeds/*.txt，否则为生成的演示文章。")

    def add_arguments(self, parser):
        parser.add_argument("--corpus", type=Path, default=corpus_given(),
                            help=f"语料目录（含 seeds/*.txt，或直接放 *.txt），默认取环境变量 {ENV}；都没有时用生成的演示文章")
        parser.add_argument("--min-mb", type=float, default=5.0, help="至少处理多少 MB（默认 5）")
        parser.add_argument("--json", action="store_true", dest="as_json", help="以一个 JSON 对象输出")

    def handle(self, *args, corpus, min_mb, as_json, **options):
        if corpus is None:
            source, texts = "generated", [article.text for article in sample_articles(60)]
        else:
            source, texts = f"corpus {corpus}", corpus_texts(corpus)
        figures = {"source": source, **benchmark(texts, min_bytes=int(min_mb * 1024 * 1024))}
        if as_json:
            self.stdout.write(json.dumps(figures, ensure_ascii=False))
        else:
            self.stdout.write(
                f"{figures['articles']} 篇 / {figures['mb']} MB（{source}），用时 {figures['seconds']} s（CPU）："
                f"{figures['articles_per_s']} 篇/秒，{figures['mb_per_s']} MB/s"
            )
