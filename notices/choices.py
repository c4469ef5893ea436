"""Kinds of notices and how each user wants them by email, with their Chinese labels."""
from django.db import models


class NoticeKind(models.TextChoices):
    WARNING_ISSUED = "warning_issued", "预警发出"
    WARNING_LIFTED = "warning_lifted", "预警解除"
    TASK_DUE_SOON = "task_due_soon", "整改即将到期"
    EXTENSION_REQUESTED = "extension_requested", "延期申请"
    EXTENSION_DECIDED = "extension_decided", "延期审批结果"
    TASK_SENT_BACK = "task_sent_back", "整改退回"
    TASK_CLOSED = "task_closed", "整改销号"
    LEDGER_IMPORT = "ledger_import", "台账导入结果"
    ARTICLE_PARSED = "article_parsed", "文章解析结果"


class EmailMode(models.TextChoices):
    IMMEDIATE = "immediate", "逐条即时发送"
    DIGEST = "digest", "每日汇总一封"
    NONE = "none", "不发送邮件"


class DocumentKind(models.TextChoices):
    SUPERVISION = "supervision", "督办通知书"
    REMINDER = "reminder", "整改提醒函"
    FEEDBACK = "feedback", "巡察反馈意见"
