"""Operations that change rectification data. Views, admin and imports call these."""
import functools
import logging
import operator
import threading
from datetime import date, timedelta

import redis
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Case, CharField, Exists, F, OuterRef, Q, Subquery, Value, When
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from accounts.audit import audit_record
from accounts.choices import AuditAction
from accounts.roles import CLOSE_TASK, REPORT_TASK, is_inspecting_side, is_unit_user
from config.errors import DomainError
from inspection.models import Finding, Lead, Region
from rectification import rates, rules
from rectification.choices import ExtensionStatus, RateScope, TaskStatus, WarningLevel
from rectification.models import DeadlineExtension, PendingRateScope, RectificationTask, Warning
from rectification.selectors import scope_key

logger = logging.getLogger(__name__)


def task_schedule(*, assigned_on: date, deadline: date | None = None) -> dict:
    """Deadline and stage dates for a task assigned on `assigned_on` (feedback + 2 months by default)."""
    months = getattr(settings, "RECTIFICATION_WINDOW_MONTHS", rules.DEFAULT_WINDOW_MONTHS)
    deadline = deadline or rules.default_deadline(assigned_on, months)
    stages = rules.stage_dates(assigned_on, deadline)
    return {"deadline": deadline, "start_due": stages.start_due, "progress_due": stages.progress_due}


def task_apply_schedule(task: RectificationTask) -> RectificationTask:
    """Fill what a new task leaves blank: assigned_on (the feedback date), deadline, stage dates."""
    if task.assigned_on is None:
        inspection = task.finding.inspection
        task.assigned_on = inspection.feedback_date or inspection.entry_date or timezone.localdate()
    schedule = task_schedule(assigned_on=task.assigned_on, deadline=task.deadline)
    task.deadline = schedule["deadline"]
    if task.original_deadline is None:
        task.original_deadline = task.deadline
    task.start_due, task.progress_due = schedule["start_due"], schedule["progress_due"]
    return task


@transaction.atomic
def task_create(*, finding: Finding, responsible_unit: str, **fields) -> RectificationTask:
    task = RectificationTask(finding=finding, responsible_unit=responsible_unit, **fields)
    task_apply_schedule(task)
    task.copy_place_from_finding()
    task.full_clean()
    task.save()
    return task


@transaction.atomic
def extension_approve(*, extension: DeadlineExtension, approver) -> DeadlineExtension:
    """Approve a 延期: the task's deadline moves and the stage dates follow; both are recorded in history.

    The task's save touches its rates and refreshes its warnings (rectification.signals), so a
    warning the old deadline deserved is lifted with the new deadline as its reason.
    """
    task = RectificationTask.objects.select_for_update().get(pk=extension.task_id)
    extension.status = ExtensionStatus.APPROVED
    extension.decided_by = approver
    extension.decided_at = timezone.now()
    extension.save()
    schedule = task_schedule(assigned_on=task.assigned_on, deadline=extension.new_deadline)
    for field, value in schedule.items():
        setattr(task, field, value)
    task.save()
    return extension


# Progress and closing (销号): double review. The unit reports its task done (已完成待验收);
# a reviewer of the inspecting side accepts it and closes it. Both raise `DomainError`.
UNIT_SETTABLE_STATUSES = (TaskStatus.IN_PROGRESS, TaskStatus.REPORTED)


@transaction.atomic
def task_report_progress(
    *, task: RectificationTask, user, status: str, evidence: str, progress_note: str
) -> RectificationTask:
    """The unit (or an admin for it) records progress; the status may go up to 已完成待验收, never 已销号."""
    task = _task_locked_in_scope(task, user)
    if not user.has_perm(f"rectification.{REPORT_TASK}"):
        raise DomainError("您没有填报整改进展的权限。", code=DomainError.PERMISSION_DENIED)
    if task.status == TaskStatus.CLOSED:
        raise DomainError("该整改任务已销号，不能再修改进展。")
    if status not in UNIT_SETTABLE_STATUSES:
        raise DomainError("整改单位只能将状态填报为“整改中”或“已完成待验收”，销号须由巡察方验收。")
    if status == TaskStatus.REPORTED and not evidence.strip():
        raise DomainError("填报“已完成待验收”时须提供整改佐证材料。")
    previous = task.status
    task.status, task.evidence, task.progress_note = status, evidence, progress_note
    _save_as(task, user)
    audit_record(user=user, action=AuditAction.TASK_REPORT, obj=task,
                 details={"status": [previous, status]})
    return task


def task_close_check(*, task: RectificationTask, reviewer, previous_status: str | None) -> None:
    """Whether `reviewer` may close `task` now (it was `previous_status`, None for a new task)."""
    if is_unit_user(reviewer) or not is_inspecting_side(reviewer) or not reviewer.has_perm(f"rectification.{CLOSE_TASK}"):
        raise DomainError("只有巡察办或巡察组的审核人员可以验收销号，整改单位不能自行销号。",
                          code=DomainError.PERMISSION_DENIED)
    if previous_status == TaskStatus.CLOSED:
        raise DomainError("该整改任务已经销号。")
    if previous_status is not None and previous_status != TaskStatus.REPORTED:
        raise DomainError("整改单位填报“已完成待验收”后才能验收销号。")


@transaction.atomic
def task_close(*, task: RectificationTask, reviewer, closed_on: date) -> RectificationTask:
    """销号: a reviewer of the inspecting side accepts a reported task. Recorded in history and the audit log."""
    task = _task_locked_in_scope(task, reviewer)
    task_close_check(task=task, reviewer=reviewer, previous_status=task.status)
    task.status, task.closed_on = TaskStatus.CLOSED, closed_on
    _save_as(task, reviewer)
    audit_record(user=reviewer, action=AuditAction.TASK_CLOSE, obj=task, details={"closed_on": closed_on})
    return task


def _task_locked_in_scope(task, user) -> RectificationTask:
    locked = RectificationTask.objects.visible_to(user).select_for_update().filter(pk=task.pk).first()
    if locked is None:
        raise DomainError("整改任务不存在或不在您的权限范围内。", code=DomainError.PERMISSION_DENIED)
    return locked


def _save_as(task, user):
    try:
        task.full_clean()
    except ValidationError as error:
        raise DomainError("；".join(error.messages)) from error
    task._history_user = user  # the history (and so the audit log) names who did it, in or out of a request
    task.save()


# --- Rates (整改率) -------------------------------------------------------------------------------------
# Snapshots are written only here. A change to tasks or leads *touches* the scope keys it affects:
# after the transaction commits the keys go into a pending set (Redis when REDIS_URL is set, else
# this process) and one Celery task (`rectification.tasks.rates_drain`) is scheduled a few seconds
# later; it takes the whole set and recomputes those scopes for today. A burst of changes therefore
# costs one recompute per scope.

def rates_recompute_all(day: date | None = None) -> int:
    """Every scope's snapshot for `day` (today by default); returns the rows written."""
    return rates.rates_write(day=day or timezone.localdate())


def rates_recompute_history(*, today: date, months: int = 12) -> int:
    """Snapshots as of the same day of each of the last `months` months, and of `today` (seed_demo)."""
    if connection.vendor == "postgresql":  # after a bulk load (maybe in this transaction): plans from real counts
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {RectificationTask._meta.db_table}, {Lead._meta.db_table}")
    days = [today - relativedelta(months=back) for back in range(months, 0, -1)] + [today]
    return sum(rates_recompute_all(day) for day in days)


def rates_recompute_keys(keys, day: date | None = None) -> int:
    """Only the scopes in `keys` (scope_key strings) for `day` (today by default).

    `keys` are whole sets from `rates_place_keys` (a region's figure is summed from its
    organisations' rows, so a changed place's organisation key comes with its region keys).
    """
    keys = set(keys)
    return rates.rates_write(day=day or timezone.localdate(), keys=keys) if keys else 0


def rates_place_keys(places) -> set[str]:
    """Scope keys touched by tasks or leads at `places`: (region_id, round_id, organization_id, category)."""
    places = set(places)
    chains = {
        pk: [code for code in codes if code]
        for pk, *codes in Region.objects.filter(pk__in={p[0] for p in places})
        .values_list("pk", "code", "parent__code", "parent__parent__code")
    }
    keys = {RateScope.OVERALL.value} if places else set()
    for region_id, round_id, organization_id, category in places:
        for code in chains.get(region_id, []):
            keys.add(scope_key(RateScope.REGION, code))
            if category:
                keys.add(scope_key(RateScope.CATEGORY, code, category))
        keys.add(scope_key(RateScope.ROUND, round_id))
        keys.add(scope_key(RateScope.ORGANIZATION, organization_id))
        keys.add(scope_key(RateScope.ROUND_ORGANIZATION, round_id, organization_id))
    return keys


def rates_task_places(tasks) -> set[tuple]:
    """The distinct places of `tasks` (a queryset or task ids), one aggregate query."""
    if not hasattr(tasks, "values_list"):
        tasks = RectificationTask.objects.filter(pk__in=list(tasks))
    return set(tasks.order_by().values_list("region_id", "round_id", "organization_id", "category").distinct())


def rates_lead_places(leads) -> set[tuple]:
    return _inspection_places(leads, "finding__category")  # '' for a lead without a finding


def rates_finding_places(findings) -> set[tuple]:
    return _inspection_places(findings, "category")


def rates_inspection_places(inspections) -> set[tuple]:
    """The places of inspections (no category: they count for whole places) and of their findings and leads,
    which move with them (to another round, or with their organisation to another region)."""
    return (_inspection_places(inspections, None, inspection="")
            | rates_finding_places(Finding.objects.filter(inspection__in=inspections))
            | rates_lead_places(Lead.objects.filter(inspection__in=inspections)))


def _inspection_places(rows, category_path: str | None, inspection: str = "inspection__") -> set[tuple]:
    """The distinct places of inspections, or of leads or findings (`inspection`: the path to theirs), one query."""
    paths = [f"{inspection}organization__region_id", f"{inspection}round_id", f"{inspection}organization_id"]
    return {
        (*place[:3], (place[3] if category_path else "") or "")
        for place in rows.order_by().values_list(*paths, *([category_path] if category_path else [])).distinct()
    }


def rates_touch_tasks(tasks) -> None:
    """Recompute, after commit, the scopes of `tasks` (a queryset or ids) as they are now."""
    rates_touch(rates_place_keys(rates_task_places(tasks)))


def rates_touch(keys) -> None:
    """Have `keys` recomputed: they are recorded now, in the current transaction (so a committed change never
    loses them, whatever Redis or the workers do), and one drain is scheduled once it commits."""
    keys = set(keys)
    if keys:
        rates_pending.add(keys)
        on_commit_gathered("rates", keys, _rates_drain_schedule)


def _rates_drain_schedule(keys):
    # Best effort: when Redis is down or hung the change is still committed and its keys recorded;
    # `rates_sweep` schedules the drain once the broker is back.
    if rates_pending.mark_scheduled():
        from config.celery import enqueue
        from rectification.tasks import rates_drain

        enqueue(rates_drain, countdown=settings.RATES_DEBOUNCE_SECONDS)


def warnings_touch(task_ids) -> None:
    """Refresh the warnings of these tasks once the current transaction commits (one refresh for all the
    tasks a transaction saved)."""
    on_commit_gathered("warnings", set(task_ids), lambda ids: warnings_refresh(
        tasks=RectificationTask.objects.filter(pk__in=ids)))


def on_commit_gathered(name: str, items: set, flush) -> None:
    """Hand `items` to `flush` once the current transaction commits (at once outside a transaction), together
    with all other items gathered under `name` in that transaction: one callback per transaction, not per call.
    A batch whose callback was dropped by a rollback is replaced, so rolled-back work is never flushed."""
    if not items:
        return
    connection = transaction.get_connection()
    batches = connection.__dict__.setdefault("_gathered_on_commit", {})
    batch = batches.get(name)
    # Django replaces its list of on-commit callbacks whenever it drops some (rollback, savepoint rollback) or
    # runs them (commit), so while the list is the one the batch was registered in, its callback is still there.
    # (Searching the list instead cost a scan per call: quadratic in a transaction that saves many tasks.)
    if batch is not None and not batch.flushed and batch.callbacks is connection.run_on_commit:
        batch.items.update(items)
        return
    batch = batches[name] = _Gathered(items, flush)
    transaction.on_commit(batch.run)
    batch.callbacks = connection.run_on_commit


class _Gathered:
    def __init__(self, items: set, flush):
        self.items, self.flush, self.flushed, self.callbacks = items, flush, False, None

    def run(self):
        # Items gathered by a later on-commit callback (warnings_refresh touching rates) start a new batch.
        self.flushed = True
        self.flush(self.items)


class RatesPending:
    """The scope keys waiting for a recompute (`PendingRateScope`, in the database) and whether a drain is
    already scheduled (a flag in Redis when REDIS_URL is set, else in this process)."""

    SCHEDULED = "xuncha:rates:scheduled"

    def __init__(self):
        self._lock, self._scheduled = threading.Lock(), False

    def add(self, keys) -> None:
        """Record `keys`, in the caller's transaction."""
        PendingRateScope.objects.bulk_create([PendingRateScope(scope_key=key) for key in keys])

    def take(self) -> set[str]:
        """Every pending key, removed in the caller's transaction (a rollback puts them back). Rows written by
        transactions that commit meanwhile stay for the next drain."""
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {PendingRateScope._meta.db_table} RETURNING scope_key")
            return {key for (key,) in cursor.fetchall()}

    def oldest(self):
        """When the longest-waiting key was recorded (None: nothing waits)."""
        return PendingRateScope.objects.order_by("pk").values_list("created_at", flat=True).first()

    def mark_scheduled(self) -> bool:
        """True when the caller must schedule a drain (none is scheduled yet); False too when Redis fails."""
        if not settings.REDIS_URL:
            with self._lock:
                first, self._scheduled = not self._scheduled, True
                return first
        try:
            # Expires in case the scheduled drain is lost, so a later change schedules another.
            return bool(_redis_client(settings.REDIS_URL).set(
                self.SCHEDULED, 1, nx=True, ex=max(60, 10 * settings.RATES_DEBOUNCE_SECONDS)))
        except redis.RedisError as exc:
            logger.warning("rates: drain not scheduled, Redis unavailable (rates_sweep will): %s", exc)
            return False

    def clear_scheduled(self) -> None:
        """A drain starts: a key added from now on schedules the next one."""
        if not settings.REDIS_URL:
            with self._lock:
                self._scheduled = False
            return
        _redis_client(settings.REDIS_URL).delete(self.SCHEDULED)


@functools.lru_cache(maxsize=4)
def _redis_client(url: str) -> redis.Redis:
    # One connection pool per process; a Redis that hangs fails the call in seconds instead of blocking it.
    return redis.Redis.from_url(url, socket_connect_timeout=settings.REDIS_CONNECT_TIMEOUT,
                                socket_timeout=settings.REDIS_SOCKET_TIMEOUT)


rates_pending = RatesPending()


def rates_drain_pending(day: date | None = None) -> set[str]:
    """Recompute every pending scope (the Celery task `rates_drain`); returns the keys recomputed. The keys are
    taken and recomputed in one transaction: a drain that fails leaves them pending for its retry."""
    rates_pending.clear_scheduled()
    with transaction.atomic():
        keys = rates_pending.take()
        rates_recompute_keys(keys, day=day)
    return keys


def rates_sweep(now=None) -> bool:
    """The beat job's work: schedule a drain when keys have waited past the debounce (a drain lost with Redis,
    or never scheduled because Redis was down when the change committed). True when one was sent."""
    from config.celery import enqueue
    from rectification.tasks import rates_drain

    oldest = rates_pending.oldest()
    now = now or timezone.now()
    if oldest is None or oldest > now - timedelta(seconds=settings.RATES_DEBOUNCE_SECONDS + 30):
        return False
    return enqueue(rates_drain)


def tasks_place_sync(tasks) -> int:
    """Copy each task's place from its finding where it differs, in one UPDATE: edits of findings,
    inspections and organisations (a category changed in the admin or by an import, an inspection moved
    to another round, an organisation moved to another region) change places without saving tasks, and
    tasks are scoped and counted by their own copy. Touches the rates of the old and the new places."""
    place = RectificationTask.PLACE_FROM_FINDING
    differs = functools.reduce(operator.or_, (~Q(**{field: F(f"finding__{path}")}) for field, path in place.items()))
    ids = list(tasks.filter(differs).values_list("pk", flat=True))
    if not ids:
        return 0
    before = rates_task_places(ids)
    finding = Finding.objects.filter(pk=OuterRef("finding_id"))
    count = RectificationTask.objects.filter(pk__in=ids).update(
        **{field: Subquery(finding.values(path)[:1]) for field, path in place.items()}
    )
    rates_touch(rates_place_keys(before | rates_task_places(ids)))
    return count


# --- Overdue marking and warnings (提醒 / 黄牌 / 红牌) -----------------------------------------------

def tasks_mark_overdue(today: date | None = None) -> int:
    """Set `is_overdue` where it changed (two UPDATEs); returns the rows changed."""
    today = today or timezone.localdate()
    overdue = Q(deadline__lt=today) & ~Q(status=TaskStatus.CLOSED)
    tasks = RectificationTask.objects.all()
    return tasks.filter(overdue, is_overdue=False).update(is_overdue=True) + tasks.filter(
        ~overdue, is_overdue=True
    ).update(is_overdue=False)


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
        Warning.objects.filter(lifted_at__isnull=True, task__in=tasks.values("pk"))
        .annotate(deserved=_deserved_level(today, thresholds, "task__"))
        .exclude(deserved=F("level"))
        .select_related("task")
    )
    lifted = []
    for warning in stale:
        warning.lifted_at, warning.lift_reason = now, _lift_reason(warning, warning.deserved)
        lifted.append(warning)
    bulk_update_with_history(lifted, Warning, ["lifted_at", "lift_reason"], default_change_reason="预警自动更新")

    active = Warning.objects.filter(task=OuterRef("pk"), lifted_at__isnull=True, level=OuterRef("deserved"))
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
        issued.append(Warning(task_id=pk, level=level, reason=reason, issued_at=now))
    # ignore_conflicts: a concurrent run that issued the same warning first wins (one active per level).
    # Such inserts return no ids, so the rows this run wrote are read back by their issue time (unique to
    # the run) for their history; simple-history's own fallback matches every field in one huge OR.
    Warning.objects.bulk_create(issued, batch_size=5000, ignore_conflicts=True)
    if issued:
        Warning.history.bulk_history_create(
            list(Warning.objects.filter(issued_at=now, lifted_at__isnull=True)), batch_size=5000,
            default_change_reason="预警自动更新", default_date=now,
        )
    # The snapshots count active warnings: recompute the scopes whose counts changed.
    rates_touch_tasks({warning.task_id for warning in lifted} | {warning.task_id for warning in issued})
    return {"issued": len(issued), "lifted": len(lifted)}


def _lift_reason(warning: Warning, deserved: str) -> str:
    task = warning.task
    if task.status == TaskStatus.CLOSED:
        return f"整改任务已于 {task.closed_on:%Y-%m-%d} 销号"
    if deserved and LEVEL_ORDER.index(deserved) > LEVEL_ORDER.index(warning.level):
        return f"已升级为{WarningLevel(deserved).label}"
    if task.deadline > task.original_deadline:
        return f"整改时限已延期至 {task.deadline:%Y-%m-%d}"
    return f"整改时限已调整为 {task.deadline:%Y-%m-%d}"
