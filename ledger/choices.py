from django.db import models


class ImportStatus(models.TextChoices):
    PENDING = "pending", "排队中"
    RUNNING = "running", "导入中"
    SUCCEEDED = "succeeded", "导入成功"
    FAILED = "failed", "导入失败"
