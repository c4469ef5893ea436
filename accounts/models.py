from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from accounts.choices import AuditAction
from accounts.roles import Role, user_role
from core.scoping import NO_SCOPE, ScopedQuerySet, UserScope, region_prefix


class UserQuerySet(ScopedQuerySet):
    region_path = "region"
    organization_path = "organization"


class ScopedUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A staff member. Everything a user sees is scoped by `region` (and `organization` for unit users)."""

    region = models.ForeignKey(
        "inspection.Region",
        verbose_name="所属地区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text="用户只能看到本地区及下辖地区的数据；为空表示不限地区（仅限超级管理员）。",
    )
    organization = models.ForeignKey(
        "inspection.Organization",
        verbose_name="所属单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text="被巡察单位的用户只能看到本单位的整改任务。",
    )

    objects = ScopedUserManager()

    class Meta(AbstractUser.Meta):
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def clean(self):
        super().clean()
        if (self.organization_id and self.region_id
                and not self.organization.region.code.startswith(region_prefix(self.region))):
            raise ValidationError({"organization": "所属单位必须位于用户所属地区之内。"})

    @property
    def scope(self) -> UserScope:
        """What this account sees (`core.scoping.user_scope` adds the checks of an active, signed-in user)."""
        if self.is_superuser:
            return UserScope(UserScope.EVERYTHING) if self.region_id is None else UserScope(UserScope.REGION, self.region)
        role = user_role(self)
        if role is None or self.region_id is None:
            return NO_SCOPE
        if role == Role.UNIT:
            return UserScope(UserScope.ORGANIZATION, organization_id=self.organization_id) if self.organization_id \
                else NO_SCOPE
        if role == Role.GROUP_MEMBER:
            return UserScope(UserScope.ROUNDS, self.region, member_id=self.pk)
        return UserScope(UserScope.REGION, self.region)

    def __str__(self):
        full_name = self.get_full_name()
        return f"{full_name}（{self.username}）" if full_name else self.username


class RoleGroup(models.Model):
    """Which Django group holds a role: the role is keyed by its code, the group's name (the Chinese label when
    `roles_setup` creates it) is only what people read, so renaming a group never strips anyone's role."""

    group = models.OneToOneField("auth.Group", verbose_name="用户组", on_delete=models.CASCADE, related_name="role")
    code = models.CharField("角色", max_length=32, choices=Role.choices, unique=True)

    class Meta:
        verbose_name = "角色用户组"
        verbose_name_plural = "角色用户组"

    def __str__(self):
        return f"{self.get_code_display()}（{self.group}）"


class AuditEventQuerySet(ScopedQuerySet):
    region_path = "region"
    visible_to_units = False


class AuditEvent(models.Model):
    """审计日志: who did what, when, to which record, from where. Written by `accounts.audit`, never edited."""

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="audit_events",
    )
    username = models.CharField("用户名", max_length=150, blank=True, help_text="登录失败时为所填用户名")
    action = models.CharField("操作", max_length=16, choices=AuditAction.choices, db_index=True)
    content_type = models.ForeignKey(
        "contenttypes.ContentType", verbose_name="对象类型", null=True, blank=True, on_delete=models.PROTECT,
    )
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    region = models.ForeignKey(
        "inspection.Region", verbose_name="地区", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", help_text="对象（或用户）所在地区；管理员只能看到本地区的日志",
    )
    details = models.JSONField("详情", default=dict, blank=True, encoder=DjangoJSONEncoder)
    ip = models.GenericIPAddressField("IP 地址", null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["region", "at"], name="audit_region_at_idx"),
            models.Index(fields=["content_type", "object_id"], name="audit_object_idx"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()} {self.object_repr}".strip()
