"""API tokens: one per client, acting as one user; only the SHA-256 of the key is stored."""
from django.conf import settings
from django.db import models

from core.scoping import ScopedQuerySet


class ApiTokenQuerySet(ScopedQuerySet):
    region_path = "user__region"
    organization_path = "user__organization"
    visible_to_units = False

    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A client's key for `Authorization: Token <key>`; the client sees exactly what `user` sees."""

    name = models.CharField("客户端名称", max_length=100, help_text="使用该令牌的系统或客户端，例如“市大数据平台”")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="代表用户", on_delete=models.CASCADE, related_name="api_tokens",
        help_text="令牌以该用户的身份和权限范围访问接口（一般为“API客户端”角色的账号）",
    )
    # The lookup on every request goes through this unique index; the key itself is never stored.
    key_hash = models.CharField("令牌摘要（SHA-256）", max_length=64, unique=True, editable=False)
    key_prefix = models.CharField("令牌前缀", max_length=8, editable=False, help_text="令牌的前 8 位，便于辨认")
    created_at = models.DateTimeField("签发时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="签发人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )
    last_used_at = models.DateTimeField("最近使用时间", null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="吊销人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "API令牌"
        verbose_name_plural = "API令牌"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name}（{self.key_prefix}…）"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
