"""The import history: one row per uploaded ledger file, who sent it, and how its import went."""
from django.conf import settings
from django.db import models

from core.scoping import ScopedQuerySet
from inspection.models import Inspection
from ledger.choices import ImportStatus


class LedgerImportQuerySet(ScopedQuerySet):
    region_path = "inspection__organization__region"
    organization_path = "inspection__organization"


class LedgerImport(models.Model):
    """整改台账导入记录: a file imported into one inspection's findings and tasks."""

    inspection = models.ForeignKey(Inspection, verbose_name="巡察", on_delete=models.CASCADE, related_name="ledger_imports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="导入人", null=True, blank=True, on_delete=models.SET_NULL, related_name="ledger_imports"
    )
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    file_name = models.CharField("文件名", max_length=255)
    file_size = models.PositiveBigIntegerField("文件大小（字节）")
    sha256 = models.CharField("文件 SHA-256", max_length=64, db_index=True)
    # The uploaded bytes, kept only until the import has run so that any worker can read them
    # (no shared file system needed); at most LEDGER_MAX_UPLOAD_BYTES.
    content = models.BinaryField("文件内容", null=True, editable=False)
    status = models.CharField("状态", max_length=16, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    # The worker job's bookkeeping (`services.ledger_import_run_queued`, `imports_sweep`): when it was last
    # handed to the broker, when a run last started, how many runs started.
    queued_at = models.DateTimeField("最近排队时间", null=True, blank=True)
    # Set by a retry: the queue's time limit counts from here, not from the upload (`created_at`).
    requeued_at = models.DateTimeField("重新排队时间", null=True, blank=True)
    started_at = models.DateTimeField("最近开始时间", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("运行次数", default=0)
    rows_total = models.PositiveIntegerField("数据行数", default=0)
    rows_processed = models.PositiveIntegerField("已校验行数", default=0)
    rows_created = models.PositiveIntegerField("新增", default=0)
    rows_updated = models.PositiveIntegerField("更新", default=0)
    rows_unchanged = models.PositiveIntegerField("未变", default=0)
    error_count = models.PositiveIntegerField("错误数", default=0)
    errors = models.JSONField("错误清单", default=list, blank=True, help_text="[{row, column, message}]，最多保留前 1000 条")

    objects = LedgerImportQuerySet.as_manager()

    class Meta:
        verbose_name = "台账导入记录"
        verbose_name_plural = "台账导入记录"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.file_name}（{self.get_status_display()}）"

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED)
