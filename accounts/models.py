from django.contrib.auth.models import AbstractUser
from django.db import models


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

    class Meta(AbstractUser.Meta):
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self):
        full_name = self.get_full_name()
        return f"{full_name}（{self.username}）" if full_name else self.username
