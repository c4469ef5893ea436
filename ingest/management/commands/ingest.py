from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from ingest import services
from ingest.documents import SUFFIXES
from inspection.models import Region


def files_under(paths) -> list[Path]:
    """The article files named, and those in the folders named (recursively), in a stable order."""
    found = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
        else:
            found.append(path)
    return found


class Command(BaseCommand):
    help = "采集文章：读入文件和目录（.txt、.html、.docx、.pdf），存储并抽取数据；最后汇总新增、重复、失败。"

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="文件或目录")
        parser.add_argument("--region", metavar="CODE", help="文章所属地区的行政区划代码（默认按文章内容判断）")
        parser.add_argument("--reextract", action="store_true", help="已存储的文章也重新抽取（抽取引擎改进后使用）")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, *args, paths, region, reextract, no_progress, **options):
        region_obj = None
        if region:
            region_obj = Region.objects.filter(code=region).first()
            if region_obj is None:
                raise CommandError(f"未知的行政区划代码：{region}")
        files = files_under(paths)
        counts = {"stored": 0, "duplicate": 0, "failed": 0}
        failures = []
        for path in tqdm(files, desc="采集", unit="篇", disable=no_progress or None):
            submitted = self._one(path, region_obj, reextract)
            counts[submitted.outcome] += 1
            if submitted.error:
                failures.append(f"{path}: {submitted.error}")
        for line in failures:
            self.stderr.write(line)
        self.stdout.write(f"新增 {counts['stored']} 篇，重复 {counts['duplicate']} 篇，失败 {counts['failed']} 篇"
                          f"（共 {len(files)} 个文件）")

    @staticmethod
    def _one(path: Path, region, reextract) -> services.Submitted:
        try:
            data = path.read_bytes()
        except OSError as exc:
            return services.Submitted(str(path), error=f"无法读取文件：{exc.strerror or exc}")
        submitted = services.article_submit(name=path.name, data=data, region=region)
        if submitted.created or (reextract and submitted.article is not None):
            # The command is itself a batch job: it parses in-process (the same service the Celery task runs).
            article = services.article_extract(submitted.article.pk)
            if article.error:
                submitted.error = article.error
        return submitted
