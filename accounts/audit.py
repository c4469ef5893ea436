"""The audit log: `audit_record` writes one `AuditEvent`; the receivers below call it.

Changes to every model with a django-simple-history `history` (findings, leads, tasks,
extensions, warnings) are recorded from simple-history's `post_create_historical_record`,
so whatever saves them (admin, pages, API, services, Celery) is covered; who did it is the
history user (the request's user via `HistoryRequestMiddleware`, or `obj._history_user`).
Logins, logouts, failed logins and lockouts come from the auth and axes signals.
Bulk queryset writes (`update()`, `bulk_create`) send no signals and are not recorded.
"""
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist

from accounts.choices import AuditAction
from accounts.models import AuditEvent
from core.scoping import ScopedQuerySet

HISTORY_ACTIONS = {"+": AuditAction.CREATE, "~": AuditAction.UPDATE, "-": AuditAction.DELETE}
VALUE_LIMIT = 200


def audit_record(*, user, action, obj=None, details=None, request=None, username: str = "") -> AuditEvent:
    """Record that `user` did `action` (an `AuditAction`) to `obj`, with `details` (JSON-able dict).

    Call it for every export (`AuditAction.EXPORT`, details: format, filters, row count) and
    every API request authenticated by a token (`AuditAction.API_TOKEN`, details: method, path).
    `user` may be None or anonymous (then `username` names who tried); `request` supplies the
    client IP (and the user when `user` is None). The event's region is `obj`'s region, else
    the user's, so a region admin sees exactly their region's events.
    """
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and not user.is_authenticated:
        user = None
    region_id = region_id_of(obj) if obj is not None else None
    if region_id is None and user is not None:
        region_id = user.region_id
    return AuditEvent.objects.create(
        user=user,
        username=(user.get_username() if user else username)[:150],
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        region_id=region_id,
        details=details or {},
        ip=client_ip(request),
    )


def region_id_of(obj):
    """The id of the Region a scoped object belongs to, following its queryset's `region_path`."""
    queryset = type(obj)._default_manager.all()
    if not isinstance(queryset, ScopedQuerySet):
        return None
    if not queryset.region_path:  # a Region itself
        return obj.pk
    *parents, last = queryset.region_path.split("__")
    try:
        for name in parents:
            obj = getattr(obj, name)
        return getattr(obj, f"{last}_id")
    except (AttributeError, ObjectDoesNotExist):
        return None


def client_ip(request):
    if request is None:
        return None
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or None


def record_history(sender, instance, history_instance, history_user, **kwargs):
    from simple_history.models import HistoricalRecords

    action = HISTORY_ACTIONS[history_instance.history_type]
    details = {"history_id": history_instance.history_id}
    if action == AuditAction.UPDATE and (previous := history_instance.prev_record) is not None:
        delta = history_instance.diff_against(previous)
        details["changes"] = {
            change.field: [_short(change.old), _short(change.new)] for change in delta.changes
        }
    request = getattr(HistoricalRecords.context, "request", None)
    audit_record(user=history_user, action=action, obj=instance, details=details, request=request)


def _short(value):
    text = "" if value is None else str(value)
    return text if len(text) <= VALUE_LIMIT else text[:VALUE_LIMIT] + "…"


def record_login(sender, request, user, **kwargs):
    audit_record(user=user, action=AuditAction.LOGIN, request=request)


def record_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(user=user, action=AuditAction.LOGOUT, request=request)


def record_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))
    _audit_attempt(AuditAction.LOGIN_FAILED, username, request)


def record_locked_out(sender, request, username, ip_address, **kwargs):
    _audit_attempt(AuditAction.LOCKED_OUT, username or "", request)


def _audit_attempt(action, username, request):
    """A failed or locked-out attempt; filed under the region of the account it named, if any."""
    account = get_user_model().objects.filter(username=username).only("region_id").first() if username else None
    AuditEvent.objects.create(
        username=username[:150], action=action, region_id=account.region_id if account else None, ip=client_ip(request)
    )
