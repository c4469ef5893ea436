"""Kinds of audit events, with their Chinese labels."""
from django.db import models


class AuditAction(models.TextChoices):
    LOGIN = "login", "登录"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOCKED_OUT = "locked_out", "登录被锁定"
    LOGOUT = "logout", "退出登录"
    CREATE = "create", "新增"
    UPDATE = "update", "修改"
    DELETE = "delete", "删除"
    TASK_REPORT = "task_report", "填报整改进展"
    TASK_CLOSE = "task_close", "验收销号"
    EXPORT = "export", "导出"
    API_TOKEN = "api_token", "API令牌访问"
