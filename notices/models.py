from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models

from core.scoping import ScopedQuerySet
from inspection.models import Region
from notices.choices import DocumentKind, EmailMode, NoticeKind


class Notice(models.Model):
    """站内消息: one per recipient and event. `event_key` names the event (e.g. `warning_issued:17`), so telling
    the same event twice (a retried job, a second scan on the same day) adds nothing."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE,
                                  related_name="notices")
    kind = models.CharField("类型", max_length=24, choices=NoticeKind.choices)
    event_key = models.CharField("事件标识", max_length=120)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    # The object the notice is about: listing checks it is still visible to the recipient.
    content_type = models.ForeignKey(ContentType, verbose_name="对象类型", null=True, blank=True,
                                     on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField("对象编号", null=True, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    emailed_at = models.DateTimeField("邮件发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "站内消息"
        verbose_name_plural = "站内消息"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["event_key", "recipient"], name="notice_once_per_event_and_recipient",
                                    violation_error_message="同一事件已通知过该用户。"),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notice_recipient_idx"),
            # The bell: the unread count of one user.
            models.Index(fields=["recipient"], condition=models.Q(read_at__isnull=True), name="notice_unread_idx"),
        ]

    def __str__(self):
        return self.title


class NoticePreference(models.Model):
    """How a user wants notices by email (without a row: each one at once)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE,
                                related_name="notice_preference")
    email_mode = models.CharField("邮件通知", max_length=16, choices=EmailMode.choices, default=EmailMode.IMMEDIATE)

    class Meta:
        verbose_name = "消息设置"
        verbose_name_plural = "消息设置"

    def __str__(self):
        return f"{self.user}：{self.get_email_mode_display()}"


class IssuedDocumentQuerySet(ScopedQuerySet):
    region_path = "region"
    visible_to_units = False


class IssuedDocument(models.Model):
    """A 督办通知书, 整改提醒函 or 巡察反馈意见 downloaded as .docx: its 文号 (numbered per issuing region, kind and
    year) and what it covered. Each download is one row (and one audit event)."""

    kind = models.CharField("文书类型", max_length=16, choices=DocumentKind.choices)
    region = models.ForeignKey(Region, verbose_name="发文地区", on_delete=models.PROTECT, related_name="issued_documents")
    year = models.PositiveSmallIntegerField("年度")
    serial = models.PositiveIntegerField("序号")
    number = models.CharField("文号", max_length=64)
    addressee = models.CharField("主送单位", max_length=300)
    subject = models.JSONField("涉及对象", default=dict, help_text="{tasks: [...], warning, inspection}")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="下载人", null=True, on_delete=models.SET_NULL,
                                  related_name="issued_documents")
    issued_at = models.DateTimeField("下载时间", auto_now_add=True)

    objects = IssuedDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = "督办文书"
        verbose_name_plural = "督办文书"
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(fields=["region", "kind", "year", "serial"], name="document_unique_number",
                                    violation_error_message="该文号已被使用。"),
        ]

    def __str__(self):
        return self.number
