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
    TASK_SEND_BACK = "task_send_back", "验收退回"
    EXTENSION_REQUEST = "extension_ask", "申请延期"
    EXTENSION_DECIDE = "extension_decide", "审批延期"
    EVIDENCE_DOWNLOAD = "evidence_get", "下载佐证材料"
    LEDGER_IMPORT = "ledger_import", "台账导入"
    EXPORT = "export", "导出"
    API_TOKEN = "api_token", "API令牌访问"
