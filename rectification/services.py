"""Operations that change rectification data. Views, admin and imports call these."""
from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from inspection.models import Finding
from rectification import rules
from rectification.choices import ExtensionStatus
from rectification.models import DeadlineExtension, RectificationTask


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
    """Approve a 延期: the task's deadline moves and the stage dates follow; both are recorded in history."""
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
