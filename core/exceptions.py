"""One JSON error shape for every API error: {"error": {"code", "message", "fields"}}.

`message` is Chinese and meant for people; `fields` maps a field (or query parameter) to
its messages. Bad input is never a 500: a refused service (`DomainError`), a model
`ValidationError` and a database constraint violation are 400 (403 for `permission_denied`). A database rule's
message is declared with the rule (`violation_error_message`), so `full_clean` and a race past it read the same.
"""
import functools
import re

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, JsonResponse
from django.utils import translation
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from core.errors import DomainError

MESSAGES = {
    "invalid": "请求参数有误，请检查后重试。",
    "parse_error": "请求内容无法解析。",
    "not_authenticated": "需要登录或提供API令牌。",
    "authentication_failed": "身份验证失败。",
    "permission_denied": "您没有执行该操作的权限。",
    "not_found": "对象不存在或不在您的权限范围内。",
    "method_not_allowed": "不支持该请求方法。",
    "not_acceptable": "无法提供所请求的格式。",
    "unsupported_media_type": "不支持该请求内容类型。",
    "throttled": "请求过于频繁，请稍后再试。",
    "constraint": "数据不符合约束（可能与已有记录重复或日期先后不符），未作任何修改。",
}


def constraint_message(error: IntegrityError) -> str | None:
    """The `violation_error_message` declared with the database rule that `error` broke, or None: PostgreSQL names
    the constraint (psycopg2's `diag.constraint_name`); SQLite names a CHECK constraint in its message."""
    diag = getattr(error.__cause__, "diag", None)
    name = getattr(diag, "constraint_name", None)
    if name is None:
        match = re.search(r"CHECK constraint failed: (\w+)", str(error))
        name = match and match.group(1)
    return _constraint_messages().get(name)


@functools.cache
def _constraint_messages() -> dict[str, str]:
    return {constraint.name: constraint.violation_error_message
            for model in apps.get_models() for constraint in model._meta.constraints
            if constraint.violation_error_message != constraint.default_violation_error_message}


def error_response(code: str, message: str, status_code: int, fields=None, headers=None) -> Response:
    return Response({"error": {"code": code, "message": message, "fields": fields or {}}},
                    status=status_code, headers=headers)


def not_found(request, exception=None):
    """The site's 404 (`handler404`): a path under /api/ that no endpoint matches answers in the API's shape."""
    if request.path.startswith("/api/"):
        body = {"error": {"code": "not_found", "message": MESSAGES["not_found"], "fields": {}}}
        return JsonResponse(body, status=status.HTTP_404_NOT_FOUND, json_dumps_params={"ensure_ascii": False})
    return defaults.page_not_found(request, exception)


def api_exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, DomainError):
        set_rollback()
        if exc.is_permission_denied:
            return error_response("permission_denied", exc.message, status.HTTP_403_FORBIDDEN)
        return error_response(exc.code, exc.message, status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        # A model's full_clean() in a service: field errors by field, rules (constraints) in the message.
        set_rollback()
        fields = {name: texts for name, texts in (exc.message_dict if hasattr(exc, "error_dict") else {}).items()
                  if name != "__all__"}
        general = exc.message_dict.get("__all__", []) if hasattr(exc, "error_dict") else exc.messages
        message = "；".join(general) or MESSAGES["invalid"]
        return error_response("invalid", message, status.HTTP_400_BAD_REQUEST, fields=fields)
    if isinstance(exc, IntegrityError):
        # A race past full_clean(): the transaction is rolled back, nothing was written.
        set_rollback()
        message = constraint_message(exc) or MESSAGES["constraint"]
        return error_response("constraint", message, status.HTTP_400_BAD_REQUEST)
    if not isinstance(exc, exceptions.APIException):
        return None  # a real bug: Django's 500 handling and logging

    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    set_rollback()
    if isinstance(exc, exceptions.ValidationError):
        fields, messages = _split(exc.detail)
        message = "；".join(messages) if messages else MESSAGES["invalid"]
        return error_response("invalid", message, exc.status_code, fields=fields, headers=headers)
    code = exc.default_code if isinstance(exc.detail, (list, dict)) else (exc.detail.code or exc.default_code)
    message = str(exc.detail) if not isinstance(exc.detail, (list, dict)) else MESSAGES.get(code, MESSAGES["invalid"])
    if message.startswith("CSRF"):
        message = "CSRF 校验失败：请刷新页面后重试（使用API令牌的请求不需要 CSRF）。"
    elif exc.detail == exc.default_detail or not message.strip() or _untranslated(message):
        message = MESSAGES.get(code, message)
    return error_response(code, message, exc.status_code, headers=headers)


def _untranslated(message: str) -> bool:
    """An English text from DRF (a parser's or a library's) while the interface speaks Chinese."""
    return (translation.get_language() or "").startswith("zh") and not any("\u4e00" <= char <= "\u9fff" for char in message)


def _split(detail):
    """(field → messages, general messages) from a DRF ValidationError detail."""
    if isinstance(detail, dict):
        fields = {}
        general = []
        for name, value in detail.items():
            texts = _flatten(value)
            if name in ("non_field_errors", "__all__"):
                general.extend(texts)
            else:
                fields[name] = texts
        return fields, general
    return {}, _flatten(detail)


def _flatten(value) -> list[str]:
    if isinstance(value, dict):
        return [f"{key}：{text}" for key, item in value.items() for text in _flatten(item)]
    if isinstance(value, (list, tuple)):
        return [text for item in value for text in _flatten(item)]
    return [str(value)]
