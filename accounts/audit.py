"""The audit log: `audit_record` writes one `AuditEvent`; the receivers below call it.

Changes to every model with a django-simple-history `history` (findings, leads, tasks,
extensions, warnings) are recorded from simple-history's `post_create_historical_record`,
so whatever saves them (admin, pages, API, services, Celery) is covered; who did it is the
history user (the request's user via `HistoryRequestMiddleware`, or `obj._history_user`).
Logins, logouts, failed logins and lockouts come from the auth and axes signals.
Bulk queryset writes (`update()`, `bulk_create`) send no signals and are not recorded.

API token use is frequent (one row per request) and is written off the request path: `audit_record_later`
builds the row in the request (its time, user, region, IP) and `token_use_log` writes what gathered in one
INSERT every `AUDIT_FLUSH_SECONDS` from a thread of the process, and at the process's exit (gunicorn's
`worker_exit`, `atexit`). A crash of the process loses at most the rows of the last interval; a failed INSERT
(the database away) keeps the rows for the next one.
"""
import atexit
import logging
import os
import threading
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist

from accounts.choices import AuditAction
from accounts.models import AuditEvent
from core.scoping import ScopedQuerySet

logger = logging.getLogger(__name__)

HISTORY_ACTIONS = {"+": AuditAction.CREATE, "~": AuditAction.UPDATE, "-": AuditAction.DELETE}
VALUE_LIMIT = 200


def audit_record(*, user, action, obj=None, details=None, request=None, username: str = "") -> AuditEvent:
    """Record that `user` did `action` (an `AuditAction`) to `obj`, with `details` (JSON-able dict).

    Call it for every export (`AuditAction.EXPORT`, details: format, filters, row count); every API request
    authenticated by a token (`AuditAction.API_TOKEN`, details: method, path) calls `audit_record_later`.
    `user` may be None or anonymous (then `username` names who tried); `request` supplies the
    client IP (and the user when `user` is None). The event's region is `obj`'s region, else
    the user's, so a region admin sees exactly their region's events.
    """
    event = audit_event(user=user, action=action, obj=obj, details=details, request=request, username=username)
    event.save(force_insert=True)
    return event


def audit_record_later(*, user, action, details=None, request=None) -> AuditEvent:
    """`audit_record` for frequent events (API token use): the row is built now and written by
    `token_use_log` within AUDIT_FLUSH_SECONDS (at once when it is 0)."""
    event = audit_event(user=user, action=action, details=details, request=request)
    if settings.AUDIT_FLUSH_SECONDS <= 0:
        event.save(force_insert=True)
    else:
        token_use_log.add(event)
    return event


def audit_event(*, user, action, obj=None, details=None, request=None, username: str = "") -> AuditEvent:
    """The row `audit_record` writes, unsaved."""
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and not user.is_authenticated:
        user = None
    region_id = region_id_of(obj) if obj is not None else None
    if region_id is None and user is not None:
        region_id = user.region_id
    return AuditEvent(
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


class AuditBuffer:
    """Audit rows gathered in memory and written in batches by a thread of the process, started by the first
    row. A forked child (a gunicorn worker) starts empty, with its own thread: the parent writes its own rows."""

    MAX_ROWS = 100_000  # kept while the database is away; beyond it the oldest are dropped, and logged

    def __init__(self):
        self._reset()
        os.register_at_fork(after_in_child=self._reset)

    def _reset(self):
        self._rows: list[AuditEvent] = []
        self._lock, self._flushing, self._thread = threading.Lock(), threading.Lock(), None

    def add(self, event: AuditEvent) -> None:
        with self._lock:
            self._rows.append(event)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="audit-flush", daemon=True)
                self._thread.start()

    def flush(self) -> int:
        """Write every row gathered so far, in one INSERT; returns how many. On failure they wait for the next."""
        with self._flushing:
            with self._lock:
                rows, self._rows = self._rows, []
            if not rows:
                return 0
            try:
                AuditEvent.objects.bulk_create(rows)
            except Exception:
                from django.db import connection

                connection.close()  # a fresh connection next time
                with self._lock:
                    self._rows[:0] = rows
                    dropped = len(self._rows) - self.MAX_ROWS
                    if dropped > 0:
                        del self._rows[:dropped]
                logger.exception("audit rows not written (%d waiting%s)", len(self._rows),
                                 f", {dropped} oldest dropped" if dropped > 0 else "")
                return 0
            return len(rows)

    def _run(self):
        while True:
            time.sleep(settings.AUDIT_FLUSH_SECONDS)
            self.flush()


token_use_log = AuditBuffer()
atexit.register(token_use_log.flush)


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
