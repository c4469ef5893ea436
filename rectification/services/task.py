"""A rectification task's life: schedule, creation, progress reports, closing (double review), deadline
extensions, its copy of the finding's place. Views, admin, the API and imports call these."""
import functools
import operator
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.audit import audit_record
from accounts.choices import AuditAction
from accounts.roles import CLOSE_TASK, REPORT_TASK, is_inspecting_side, is_unit_user
from core import events
from core.errors import DomainError
from inspection.models import Finding
from rectification import rules
from rectification.choices import ExtensionStatus, TaskStatus
from rectification.models import DeadlineExtension, RectificationTask
from rectification.rates import rates_place_keys, rates_task_places, rates_touch


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
def task_create(*, finding: Finding, responsible_unit: str, user=None, **fields) -> RectificationTask:
    return task_save(task=RectificationTask(finding=finding, responsible_unit=responsible_unit, **fields), user=user)


@transaction.atomic
def task_save(*, task: RectificationTask, user=None) -> RectificationTask:
    """Save a task as entered (API, admin): blanks filled by its schedule, its place copied from its finding."""
    task_apply_schedule(task)
    task.copy_place_from_finding()
    task.full_clean()
    if user is not None:
        task._history_user = user
    task.save()
    return task


def tasks_save_many(*, created: list[RectificationTask], changed: list[RectificationTask], fields: list[str], user,
                    reason: str, batch_size: int = 1000) -> None:
    """Many tasks at once (the ledger import, whose rows were validated and scheduled before): bulk writes with
    history. Bulk writes send no signals: the caller touches the rates and refreshes the warnings."""
    history = {"default_user": user, "default_change_reason": reason, "batch_size": batch_size}
    bulk_create_with_history(created, RectificationTask, **history)
    bulk_update_with_history(changed, RectificationTask, fields, **history)


@transaction.atomic
def extension_approve(*, extension: DeadlineExtension, approver) -> DeadlineExtension:
    """Approve a 延期: the task's deadline moves and the stage dates follow; both are recorded in history.

    The task's save touches its rates and refreshes its warnings (rectification.signals), so a
    warning the old deadline deserved is lifted with the new deadline as its reason.
    """
    task = RectificationTask.objects.select_for_update().get(pk=extension.task_id)
    stored = DeadlineExtension.objects.select_for_update().filter(pk=extension.pk).values_list("status", flat=True)
    if stored.first() != ExtensionStatus.PENDING:
        raise DomainError("只能批准待审批的延期申请。")
    extension.status = ExtensionStatus.APPROVED
    extension.decided_by = approver
    extension.decided_at = timezone.now()
    extension.save()
    schedule = task_schedule(assigned_on=task.assigned_on, deadline=extension.new_deadline)
    for field, value in schedule.items():
        setattr(task, field, value)
    task.save()
    events.emit(events.EXTENSION_DECIDED, extension=extension)
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
    events.emit(events.TASK_CLOSED, task=task, by=reviewer)
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
