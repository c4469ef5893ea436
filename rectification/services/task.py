"""A rectification task's life: schedule, creation, progress reports, 验收 (closing or sending back: double
review), its copy of the finding's place. Views, admin, the API and imports call these."""
import functools
import hashlib
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
from rectification.choices import ProgressKind, TaskStatus
from rectification.evidence import KINDS, evidence_problem
from rectification.models import EvidenceFile, ProgressRecord, RectificationTask
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


# Progress and closing (销号): double review. The unit reports its task done (已完成待验收);
# a reviewer of the inspecting side accepts it and closes it. Both raise `DomainError`.
UNIT_SETTABLE_STATUSES = (TaskStatus.IN_PROGRESS, TaskStatus.REPORTED)


@transaction.atomic
def task_report_progress(
    *, task: RectificationTask, user, status: str, evidence: str, progress_note: str, files=()
) -> RectificationTask:
    """The unit (or an admin for it) records progress; the status may go up to 已完成待验收, never 已销号.
    Each report is its own `ProgressRecord` with its evidence files (`files`: uploaded files, each checked by
    its content); the task keeps the latest text for lists and the ledger. All or nothing."""
    files = list(files)
    kinds = evidence_files_check(files)
    task = task_locked_in_scope(task, user)
    if not user.has_perm(f"rectification.{REPORT_TASK}"):
        raise DomainError("您没有填报整改进展的权限。", code=DomainError.PERMISSION_DENIED)
    if task.status == TaskStatus.CLOSED:
        raise DomainError("该整改任务已销号，不能再修改进展。")
    if status not in UNIT_SETTABLE_STATUSES:
        raise DomainError("整改单位只能将状态填报为“整改中”或“已完成待验收”，销号须由巡察方验收。")
    if status == TaskStatus.REPORTED and not evidence.strip() and not files:
        raise DomainError("填报“已完成待验收”时须提供整改佐证材料（文字说明或文件）。")
    previous = task.status
    task.status, task.evidence, task.progress_note = status, evidence, progress_note
    task.reported_on = timezone.localdate() if status == TaskStatus.REPORTED else None
    task_save_as(task, user)
    record = ProgressRecord.objects.create(task=task, kind=ProgressKind.REPORT, status=status, note=progress_note,
                                           evidence=evidence, created_by=user)
    _evidence_files_store(record, files, kinds)
    audit_record(user=user, action=AuditAction.TASK_REPORT, obj=task,
                 details={"status": [previous, status], "record": record.pk,
                          "files": [file.name for file in files]})
    return task


def evidence_files_check(files) -> list[str]:
    """The kind of each uploaded evidence file, or a DomainError naming the first refused one."""
    if len(files) > settings.EVIDENCE_MAX_FILES:
        raise DomainError(f"一次最多上传 {settings.EVIDENCE_MAX_FILES} 个佐证材料文件。")
    kinds = []
    for upload in files:
        kind, problem = evidence_problem(name=upload.name, size=upload.size, stream=upload,
                                         max_bytes=settings.EVIDENCE_MAX_BYTES)
        if problem:
            raise DomainError(problem)
        kinds.append(kind)
    return kinds


def _evidence_files_store(record: ProgressRecord, files, kinds) -> None:
    """Store the files through the default storage, last in the service's transaction; if storing one fails, the
    ones stored are deleted and the error rolls the report back. (An outer transaction rolled back later would
    leave stored files without rows: no caller wraps this service in one.)"""
    stored = []
    try:
        for upload, kind in zip(files, kinds, strict=True):
            digest = hashlib.sha256()
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
            evidence_file = EvidenceFile(record=record, name=upload.name[:200], kind=kind,
                                         content_type=KINDS[kind][2], size=upload.size, sha256=digest.hexdigest())
            evidence_file.file.save(upload.name, upload, save=False)
            stored.append(evidence_file.file)
            evidence_file.save()
    except Exception:
        for field_file in stored:
            field_file.storage.delete(field_file.name)
        raise


def task_close_check(*, task: RectificationTask, reviewer, previous_status: str | None,
                     closed_on: date | None = None) -> None:
    """Whether `reviewer` may close `task` now (it was `previous_status`, None for a new task) on `closed_on`."""
    task_review_check(reviewer=reviewer, previous_status=previous_status)
    if closed_on is not None:
        problem = rules.closing_date_problem(closed_on=closed_on, today=timezone.localdate(),
                                             reported_on=task.reported_on)
        if problem:
            raise DomainError(problem)


def may_review(user) -> bool:
    """验收 and 延期审批 are for reviewers of the inspecting side: a region admin or a member of the round's group
    (scope decides which tasks), never a unit."""
    return not is_unit_user(user) and is_inspecting_side(user) and user.has_perm(f"rectification.{CLOSE_TASK}")


def task_review_check(*, reviewer, previous_status: str | None) -> None:
    """验收 (通过 or 退回) is for reviewers of the inspecting side, of a task the unit reported done."""
    if not may_review(reviewer):
        raise DomainError("只有巡察办或巡察组的审核人员可以验收销号，整改单位不能自行销号。",
                          code=DomainError.PERMISSION_DENIED)
    if previous_status == TaskStatus.CLOSED:
        raise DomainError("该整改任务已经销号。")
    if previous_status is not None and previous_status != TaskStatus.REPORTED:
        raise DomainError("整改单位填报“已完成待验收”后才能验收。")


@transaction.atomic
def task_close(*, task: RectificationTask, reviewer, closed_on: date, opinion: str) -> RectificationTask:
    """验收通过，销号: a reviewer of the inspecting side accepts a reported task with a 验收意见.
    Recorded in the timeline, the history and the audit log."""
    task = task_locked_in_scope(task, reviewer)
    task_close_check(task=task, reviewer=reviewer, previous_status=task.status, closed_on=closed_on)
    opinion = _required_opinion(opinion)
    task.status, task.closed_on = TaskStatus.CLOSED, closed_on
    task_save_as(task, reviewer)
    record = ProgressRecord.objects.create(task=task, kind=ProgressKind.ACCEPTED, status=TaskStatus.CLOSED,
                                           note=opinion, created_by=reviewer)
    audit_record(user=reviewer, action=AuditAction.TASK_CLOSE, obj=task,
                 details={"closed_on": closed_on, "opinion": opinion, "record": record.pk})
    events.emit(events.TASK_CLOSED, task=task, by=reviewer)
    return task


@transaction.atomic
def task_send_back(*, task: RectificationTask, reviewer, opinion: str) -> ProgressRecord:
    """验收退回: the reviewer does not accept the report; the task goes back to 整改中 and the 验收意见 tells the
    unit why. Recorded in the timeline, the history and the audit log; the unit is told (events.TASK_SENT_BACK)."""
    task = task_locked_in_scope(task, reviewer)
    task_review_check(reviewer=reviewer, previous_status=task.status)
    opinion = _required_opinion(opinion)
    task.status, task.reported_on = TaskStatus.IN_PROGRESS, None
    task_save_as(task, reviewer)
    record = ProgressRecord.objects.create(task=task, kind=ProgressKind.SENT_BACK, status=TaskStatus.IN_PROGRESS,
                                           note=opinion, created_by=reviewer)
    audit_record(user=reviewer, action=AuditAction.TASK_SEND_BACK, obj=task,
                 details={"status": [TaskStatus.REPORTED, TaskStatus.IN_PROGRESS], "opinion": opinion,
                          "record": record.pk})
    events.emit(events.TASK_SENT_BACK, task=task, by=reviewer, opinion=opinion)
    return record


def _required_opinion(opinion: str) -> str:
    opinion = (opinion or "").strip()
    if not opinion:
        raise DomainError("请填写验收意见。")
    return opinion


def task_locked_in_scope(task, user) -> RectificationTask:
    locked = RectificationTask.objects.visible_to(user).select_for_update().filter(pk=task.pk).first()
    if locked is None:
        raise DomainError("整改任务不存在或不在您的权限范围内。", code=DomainError.PERMISSION_DENIED)
    return locked


def task_save_as(task, user):
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
