from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from ingest import services
from ingest.choices import ArticleStatus
from ingest.documents import SUFFIXES
from ingest.models import Article
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
        parser.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="文件或目录")
        parser.add_argument("--region", metavar="CODE", help="文章所属地区的行政区划代码（默认按文章内容判断）")
        parser.add_argument("--reextract", action="store_true",
                            help="已存储的文章也重新抽取（抽取引擎改进后使用）；不给 PATH 时重新抽取全部已存储文章")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, *args, paths, region, reextract, no_progress, **options):
        if not paths:
            if not reextract:
                raise CommandError("请给出文件或目录；或用 --reextract 重新抽取全部已存储文章。")
            return self._reextract_all(no_progress)
        region_obj = None
        if region:
            region_obj = Region.objects.filter(code=region).first()
            if region_obj is None:
                raise CommandError(f"未知的行政区划代码：{region}")
        files = files_under(paths)
        counts = {"stored": 0, "requeued": 0, "duplicate": 0, "failed": 0}
        failures = []
        for path in tqdm(files, desc="采集", unit="篇", disable=no_progress or None):
            submitted = self._one(path, region_obj, reextract)
            counts[submitted.outcome] += 1
            if submitted.error:
                failures.append(f"{path}: {submitted.error}")
        for line in failures:
            self.stderr.write(line)
        retried = f"重新解析 {counts['requeued']} 篇，" if counts["requeued"] else ""
        self.stdout.write(f"新增 {counts['stored']} 篇，{retried}重复 {counts['duplicate']} 篇，失败 {counts['failed']} 篇"
                          f"（共 {len(files)} 个文件）")

    def _reextract_all(self, no_progress):
        failed = 0
        ids = list(Article.objects.exclude(status=ArticleStatus.DUPLICATE).order_by("pk").values_list("pk", flat=True))
        for pk in tqdm(ids, desc="重新抽取", unit="篇", disable=no_progress or None):
            article = services.article_extract(pk)
            if article.error:
                failed += 1
                self.stderr.write(f"{article.file_name or article.title}: {article.error}")
        self.stdout.write(f"重新抽取 {len(ids) - failed} 篇，失败 {failed} 篇")

    @staticmethod
    def _one(path: Path, region, reextract) -> services.Submitted:
        try:
            data = path.read_bytes()
        except OSError as exc:
            return services.Submitted(str(path), error=f"无法读取文件：{exc.strerror or exc}")
        submitted = services.article_submit(name=path.name, data=data, region=region)
        if submitted.created or submitted.requeued or (reextract and submitted.article is not None):
            # The command is itself a batch job: it parses in-process (the same service the Celery task runs).
            article = services.article_extract(submitted.article.pk)
            duplicate = article.status == ArticleStatus.DUPLICATE
            if submitted.created and (duplicate or (article.status == ArticleStatus.FAILED and article.content is not None)):
                # A new file found a duplicate or unreadable once read: reported below, nothing of it kept.
                Article.objects.filter(pk=article.pk).delete()
            if duplicate:
                submitted.created = submitted.requeued = False
            elif article.error:
                submitted.error = article.error
        return submitted
