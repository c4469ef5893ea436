import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ingest import services
from ingest.corpus import ENV, corpus_given
from ingest.demo import sample_articles
from ingest.management.commands.bench_extract import corpus_texts


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = ("采集流水线速度基准：逐篇读入、存储、抽取并写入数据库，输出每秒文章数（墙钟时间，含数据库）。"
            f"文章：给出语料（--corpus 或环境变量 {ENV}）时为语料文章互不相同的变体，否则为生成的演示文章"
            "（.txt、.html、.docx）。结束时回滚，不留数据。")

    def add_arguments(self, parser):
        parser.add_argument("--corpus", type=Path, default=corpus_given(),
                            help=f"语料目录（含 seeds/*.txt，或直接放 *.txt），默认取环境变量 {ENV}；都没有时用生成的演示文章")
        parser.add_argument("--articles", type=int, default=200, help="处理多少篇（默认 200）")
        parser.add_argument("--json", action="store_true", dest="as_json", help="以一个 JSON 对象输出")

    def handle(self, *args, corpus, articles, as_json, **options):
        if corpus is None:  # generated articles are distinct already, in every format the demo writes
            source = "generated"
            files = [(article.name, article.data()) for article in sample_articles(articles)]
        else:
            source, texts = f"corpus {corpus}", corpus_texts(corpus)
            # Variations: a numbered line keeps every copy distinct (else all but the first are duplicates);
            # every third copy is GB18030, so decoding is measured too.
            files = []
            for i in range(articles):
                text = f"{texts[i % len(texts)]}\n（基准副本 {i}）\n"
                files.append((f"bench-{i}.txt", text.encode("gb18030" if i % 3 == 2 else "utf-8")))
        total_bytes = sum(len(data) for _, data in files)
        facts = 0
        try:
            with transaction.atomic():
                started, cpu_started = time.perf_counter(), time.process_time()
                for name, data in files:
                    submitted = services.article_submit(name=name, data=data)
                    if submitted.error:
                        raise CommandError(f"{name}: {submitted.error}")
                    services.article_extract(submitted.article.pk)
                    facts += submitted.article.facts.count()
                seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
                raise _Rollback
        except _Rollback:
            pass
        mb = total_bytes / 1048576
        # cpu_seconds: this process only (decoding, engine, ORM); the rest of `seconds` is waiting on PostgreSQL.
        figures = {"source": source, "articles": articles, "mb": round(mb, 3), "facts": facts, "seconds": round(seconds, 3),
                   "cpu_seconds": round(cpu, 3),
                   "articles_per_s": round(articles / seconds, 1), "mb_per_s": round(mb / seconds, 3)}
        if as_json:
            self.stdout.write(json.dumps(figures, ensure_ascii=False))
        else:
            self.stdout.write(f"{articles} 篇 / {figures['mb']} MB（{source}），{facts} 条数据，用时 {figures['seconds']} s（墙钟；"
                              f"本进程 CPU {figures['cpu_seconds']} s）：{figures['articles_per_s']} 篇/秒，"
                              f"{figures['mb_per_s']} MB/s")
