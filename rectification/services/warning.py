"""Warnings (提醒 / 黄牌 / 红牌): each open task gets the one `rules.warning_for` gives it."""
import logging
from datetime import date, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, CharField, Exists, F, OuterRef, Value, When
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from core import events
from core.on_commit import on_commit_gathered
from rectification import rules
from rectification.choices import TaskStatus, WarningLevel
from rectification.models import PendingWarningRefresh, RectificationTask, TaskWarning
from rectification.rates import rates_touch_tasks

logger = logging.getLogger(__name__)
CHUNK = 900  # task ids per statement (SQLite takes at most 999 parameters)
SWEEP_AFTER_SECONDS = 30  # a record older than this was not refreshed by its own request


def warnings_touch(task_ids) -> None:
    """Have the warnings of these tasks refreshed: recorded now, in the current transaction (so a committed
    change never loses its refresh), and refreshed once it commits (one refresh for all the tasks a
    transaction saved), so the next page shows them."""
    ids = set(task_ids)
    if ids:
        PendingWarningRefresh.objects.bulk_create([PendingWarningRefresh(task_id=pk) for pk in ids], batch_size=CHUNK)
        on_commit_gathered("warnings", ids, _refresh_after_commit)


def _refresh_after_commit(task_ids) -> None:
    # The change is committed: whatever fails now (the database, Redis behind the notices) must not turn its
    # answer into an error. The records stay and `warnings_sweep` (beat, every minute) refreshes them.
    try:
        warnings_refresh_pending(task_ids)
    except Exception:
        logger.exception("warnings: refresh after commit failed for %d task(s), left for warnings_sweep", len(task_ids))


def warnings_refresh_pending(task_ids=None, *, older_than: int | None = None) -> set[int]:
    """Refresh the recorded tasks (those of `task_ids`, or every record older than `older_than` seconds) and
    remove their records, in one transaction: a failure leaves them recorded. Records are taken before the
    tasks are read, so a change committed meanwhile is either read here or keeps its record. Returns the
    task ids refreshed."""
    table = PendingWarningRefresh._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        if task_ids is None:
            since = timezone.now() - timedelta(seconds=older_than or 0)
            cursor.execute(f"DELETE FROM {table} WHERE created_at < %s RETURNING task_id", [since])
            taken = {pk for (pk,) in cursor.fetchall()}
        else:
            taken = set(task_ids)
            for chunk in _chunks(taken):
                PendingWarningRefresh.objects.filter(task_id__in=chunk).delete()
        for chunk in _chunks(taken):
            warnings_refresh(tasks=RectificationTask.objects.filter(pk__in=chunk))
    return taken


def _chunks(ids):
    ordered = sorted(ids)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start:start + CHUNK]


def warnings_sweep() -> int:
    """The beat job's work: refresh what a request recorded but could not refresh (it failed after its commit,
    or its process died). Returns how many tasks were refreshed."""
    return len(warnings_refresh_pending(older_than=SWEEP_AFTER_SECONDS))


def warning_thresholds() -> rules.WarningThresholds:
    return rules.WarningThresholds(
        notice_days=settings.RECTIFICATION_WARNING_NOTICE_DAYS, yellow_days=settings.RECTIFICATION_WARNING_YELLOW_DAYS
    )


LEVEL_ORDER = [WarningLevel.NOTICE, WarningLevel.YELLOW, WarningLevel.RED]


def _deserved_level(today: date, thresholds: rules.WarningThresholds, prefix: str = "") -> Case:
    """The level `rules.warning_for` gives, in SQL ("" for none)."""
    return Case(
        When(**{f"{prefix}status": TaskStatus.CLOSED}, then=Value("")),
        When(**{f"{prefix}deadline__lt": today}, then=Value(WarningLevel.RED.value)),
        When(**{f"{prefix}deadline__lte": today + timedelta(days=thresholds.yellow_days)}, then=Value(WarningLevel.YELLOW.value)),
        When(**{f"{prefix}deadline__lte": today + timedelta(days=thresholds.notice_days)}, then=Value(WarningLevel.NOTICE.value)),
        default=Value(""),
        output_field=CharField(),
    )


@transaction.atomic
def warnings_refresh(*, today: date | None = None, tasks=None) -> dict:
    """Issue, raise and lift warnings so each open task has the one `rules.warning_for` gives it.

    Idempotent: a second run the same day changes nothing. `tasks` limits the work to a queryset.
    """
    today, thresholds, now = today or timezone.localdate(), warning_thresholds(), timezone.now()
    tasks = RectificationTask.objects.all() if tasks is None else tasks
    stale = (
        TaskWarning.objects.filter(lifted_at__isnull=True, task__in=tasks.values("pk"))
        .annotate(deserved=_deserved_level(today, thresholds, "task__"))
        .exclude(deserved=F("level"))
        .select_related("task")
    )
    lifted = []
    for warning in stale:
        warning.lifted_at, warning.lift_reason = now, _lift_reason(warning, warning.deserved)
        lifted.append(warning)
    bulk_update_with_history(lifted, TaskWarning, ["lifted_at", "lift_reason"], default_change_reason="预警自动更新")

    active = TaskWarning.objects.filter(task=OuterRef("pk"), lifted_at__isnull=True, level=OuterRef("deserved"))
    due = (
        tasks.exclude(status=TaskStatus.CLOSED)
        .annotate(deserved=_deserved_level(today, thresholds))
        .exclude(deserved="")
        .exclude(Exists(active))
        .values_list("pk", "deadline")
    )
    issued = []
    for pk, deadline in due.iterator(chunk_size=5000):
        level, reason = rules.warning_for(today=today, deadline=deadline, closed=False, thresholds=thresholds)
        issued.append(TaskWarning(task_id=pk, level=level, reason=reason, issued_at=now))
    # ignore_conflicts: a concurrent run that issued the same warning first wins (one active per level).
    # Such inserts return no ids, so the rows this run wrote are read back by their issue time (unique to
    # the run) for their history; simple-history's own fallback matches every field in one huge OR.
    TaskWarning.objects.bulk_create(issued, batch_size=5000, ignore_conflicts=True)
    written = list(TaskWarning.objects.filter(issued_at=now, lifted_at__isnull=True)) if issued else []
    if written:
        TaskWarning.history.bulk_history_create(written, batch_size=5000, default_change_reason="预警自动更新",
                                                default_date=now)
    if written or lifted:
        events.emit(events.WARNINGS_CHANGED, issued_ids=[w.pk for w in written], lifted_ids=[w.pk for w in lifted])
    # The snapshots count active warnings: recompute the scopes whose counts changed.
    rates_touch_tasks({warning.task_id for warning in lifted} | {warning.task_id for warning in issued})
    return {"issued": len(issued), "lifted": len(lifted)}


def _lift_reason(warning: TaskWarning, deserved: str) -> str:
    task = warning.task
    if task.status == TaskStatus.CLOSED:
        return f"整改任务已于 {task.closed_on:%Y-%m-%d} 销号"
    if deserved and LEVEL_ORDER.index(deserved) > LEVEL_ORDER.index(warning.level):
        return f"已升级为{WarningLevel(deserved).label}"
    if task.deadline > task.original_deadline:
        return f"整改时限已延期至 {task.deadline:%Y-%m-%d}"
    return f"整改时限已调整为 {task.deadline:%Y-%m-%d}"
