"""延期: a unit asks to move its task's deadline; a reviewer of the inspecting side decides once
(pending → approved | rejected, with who, when and an opinion). The rules are `rules.extension_*_problem`;
every door (pages, API, admin) calls these; requests and decisions are emitted as events (the notices tell people)."""
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.choices import AuditAction
from accounts.roles import REPORT_TASK
from core import events
from core.errors import DomainError
from rectification import rules
from rectification.choices import ExtensionStatus, TaskStatus
from rectification.models import DeadlineExtension, RectificationTask
from rectification.services.task import may_review, task_locked_in_scope, task_save_as, task_schedule


@transaction.atomic
def extension_request(*, task: RectificationTask, user, reason: str, new_deadline: date) -> DeadlineExtension:
    """申请延期: for an open task, before its deadline, one pending request at a time; the deadline it extends
    (`previous_deadline`) is the one in force, set here, never typed."""
    task = task_locked_in_scope(task, user)
    if not user.has_perm(f"rectification.{REPORT_TASK}"):
        raise DomainError("您没有申请延期的权限。", code=DomainError.PERMISSION_DENIED)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写延期理由。")
    problem = rules.extension_request_problem(
        today=timezone.localdate(), closed=task.status == TaskStatus.CLOSED, deadline=task.deadline,
        new_deadline=new_deadline, pending=task.extensions.filter(status=ExtensionStatus.PENDING).exists())
    if problem:
        raise DomainError(problem)
    extension = DeadlineExtension(task=task, requested_by=user, requested_on=timezone.localdate(), reason=reason,
                                  previous_deadline=task.deadline, new_deadline=new_deadline)
    extension._history_user = user
    try:
        with transaction.atomic():
            extension.save()
    except IntegrityError as error:  # a concurrent request won the one-pending-per-task constraint
        raise DomainError("该整改任务已有待审批的延期申请，请等待审批结果。") from error
    audit_record(user=user, action=AuditAction.EXTENSION_REQUEST, obj=extension,
                 details={"task": task.pk, "previous_deadline": task.deadline, "new_deadline": new_deadline})
    events.emit(events.EXTENSION_REQUESTED, extension=extension)
    return extension


def extension_approve(*, extension: DeadlineExtension, approver, opinion: str) -> DeadlineExtension:
    """批准延期: the task's deadline moves and the stage dates follow; both are recorded in history.
    The task's save touches its rates and refreshes its warnings (rectification.signals)."""
    return _extension_decide(extension=extension, decider=approver, opinion=opinion, approve=True)


def extension_reject(*, extension: DeadlineExtension, approver, opinion: str) -> DeadlineExtension:
    """不予延期: the request is closed with the decider's opinion; the deadline stays."""
    return _extension_decide(extension=extension, decider=approver, opinion=opinion, approve=False)


def extension_decide_check(decider) -> None:
    if not may_review(decider):
        raise DomainError("只有巡察办或巡察组的审核人员可以审批延期。", code=DomainError.PERMISSION_DENIED)


@transaction.atomic
def _extension_decide(*, extension, decider, opinion, approve: bool) -> DeadlineExtension:
    extension_decide_check(decider)
    task = task_locked_in_scope(extension.task, decider)
    extension = DeadlineExtension.objects.select_for_update().get(pk=extension.pk)
    opinion = (opinion or "").strip()
    if not opinion:
        raise DomainError("请填写审批意见。")
    problem = rules.extension_decision_problem(
        pending=extension.status == ExtensionStatus.PENDING, closed=task.status == TaskStatus.CLOSED,
        today=timezone.localdate(), previous_deadline=extension.previous_deadline, deadline=task.deadline,
        approve=approve)
    if problem:
        raise DomainError(problem)
    extension.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
    extension.decided_by, extension.decided_at, extension.decision_note = decider, timezone.now(), opinion
    extension._history_user = decider
    extension.save()
    if approve:
        for field, value in task_schedule(assigned_on=task.assigned_on, deadline=extension.new_deadline).items():
            setattr(task, field, value)
        task_save_as(task, decider)
    audit_record(user=decider, action=AuditAction.EXTENSION_DECIDE, obj=extension,
                 details={"task": task.pk, "status": extension.status, "opinion": opinion,
                          "new_deadline": extension.new_deadline})
    events.emit(events.EXTENSION_DECIDED, extension=extension)
    return extension
