"""Reads of rectification figures that the pages, the API and ingest share.

Rates come from `RateSnapshot` rows (written only by the recompute jobs), never from
aggregating tasks per request. Every function takes a queryset the caller has already
scoped with `.visible_to(user)`, so the rule of who sees what stays in `core.scoping`.
"""
from dataclasses import dataclass, field
from datetime import date
from functools import reduce
from operator import or_

from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from accounts.roles import REPORT_TASK, is_unit_user
from rectification import rules
from rectification.choices import ExtensionStatus, ProgressKind, RateScope, TaskStatus, WarningLevel
from rectification.models import DeadlineExtension, ProgressRecord, RateSnapshot, RectificationTask
from rectification.services.task import may_review


def rates_latest(snapshots, *, as_of: date | None = None):
    """For every scope in `snapshots`, its newest row on or before `as_of` (today's newest when None).

    An incremental recompute writes only the scopes it touched, so scopes may have their newest rows
    on different days. The newest rows carry `is_latest` (kept by the recompute jobs), read from
    partial indexes; an `as_of` before the newest stored day (history) takes each scope's newest row
    up to it with a correlated subquery on the (scope_key, day) index.
    """
    if as_of is None or not _rows_after(as_of):
        return snapshots.filter(is_latest=True)
    newest = (RateSnapshot.objects.filter(scope_key=OuterRef("scope_key"), day__lte=as_of)
              .order_by("-day").values("day")[:1])
    return snapshots.filter(day__lte=as_of, day=Subquery(newest))


def _rows_after(day: date) -> bool:
    """Whether any snapshot is later than `day`: one probe of the (scope, day) index per scope, in one query."""
    later = reduce(or_, (Exists(RateSnapshot.objects.filter(scope=scope, day__gt=day)) for scope in RateScope.values))
    return RateSnapshot.objects.filter(later).exists()


def rate_trend(snapshots, key: str, *, date_from: date | None = None, date_to: date | None = None):
    """The history of one scope, oldest first, between `date_from` and `date_to` (both inclusive)."""
    rows = snapshots.filter(scope_key=key)
    if date_from is not None:
        rows = rows.filter(day__gte=date_from)
    if date_to is not None:
        rows = rows.filter(day__lte=date_to)
    return rows.order_by("day")


# The daily work (待办) and a task's timeline. Scoped here: each takes the user.
TODO_LIMIT = 50


@dataclass
class TodoSection:
    key: str
    title: str
    hint: str
    total: int
    rows: list = field(default_factory=list)  # tasks (or extensions), each with .days_left, .level, .warning


def todo_for(user, *, today: date | None = None, counts_only: bool = False) -> list[TodoSection]:
    """待办 per role, each list most urgent first: for reviewers of the inspecting side 待我验收, 待审批延期 and
    逾期督办; for a unit 被退回 and 待填报; nothing for read-only viewers."""
    today = today or timezone.localdate()
    tasks = RectificationTask.objects.visible_to(user).select_related("organization", "finding")
    sections = []
    if may_review(user):
        reported = tasks.filter(status=TaskStatus.REPORTED).order_by("deadline", "reported_on", "pk")
        pending = (DeadlineExtension.objects.visible_to(user).filter(status=ExtensionStatus.PENDING)
                   .select_related("task__organization", "task__finding").order_by("previous_deadline", "pk"))
        overdue = tasks.overdue_on(today).order_by("deadline", "pk")
        sections = [
            _section("review", "待我验收", "整改单位已填报完成，等待验收（通过或退回）", reported, today, counts_only),
            _section("extensions", "待审批延期", "整改单位提出的延期申请，等待审批", pending, today, counts_only,
                     task_of=lambda extension: extension.task),
            _section("overdue", "逾期督办", "已超过整改时限仍未销号，请督办", overdue, today, counts_only),
        ]
    elif is_unit_user(user) and user.has_perm(f"rectification.{REPORT_TASK}"):
        in_progress = tasks.filter(status=TaskStatus.IN_PROGRESS).annotate(last_kind=Subquery(
            ProgressRecord.objects.filter(task=OuterRef("pk")).order_by("-created_at", "-pk").values("kind")[:1]))
        sent_back = in_progress.filter(last_kind=ProgressKind.SENT_BACK).order_by("deadline", "pk")
        # a task without records has no last kind (NULL), which `exclude` would drop
        to_report = in_progress.filter(Q(last_kind__isnull=True) | ~Q(last_kind=ProgressKind.SENT_BACK)).order_by(
            "deadline", "pk")
        sections = [
            _section("sent_back", "被退回", "验收未通过，请按验收意见整改后重新填报", sent_back, today, counts_only),
            _section("to_report", "待填报", "整改中的任务，请按时填报进展，完成后附佐证材料报验收", to_report, today,
                     counts_only),
        ]
    return sections


def todo_count(user) -> int | None:
    """The number in the navigation bar; None where the user has no 待办 (read-only viewers)."""
    sections = todo_for(user, counts_only=True)
    return sum(section.total for section in sections) if sections else None


def _section(key, title, hint, queryset, today, counts_only, task_of=lambda task: task) -> TodoSection:
    section = TodoSection(key=key, title=title, hint=hint, total=queryset.count())
    if counts_only:
        return section
    for row in queryset[:TODO_LIMIT]:
        task = task_of(row)
        row.days_left = (task.deadline - today).days
        level = rules.warning_for(today=today, deadline=task.deadline, closed=task.status == TaskStatus.CLOSED)
        row.level = level[0] if level else ""  # the warning colour: CSS class level-<level> (dashboard/colours.css)
        row.warning = WarningLevel(level[0]).label if level else ""
        section.rows.append(row)
    return section


def task_timeline(task) -> list:
    """A task's progress records, oldest first, with their files and who wrote them."""
    return list(task.progress_records.select_related("created_by").prefetch_related("files"))


def extensions_pending(user):
    """延期 waiting for a decision in the user's scope, the deadline they extend soonest first."""
    return (DeadlineExtension.objects.visible_to(user).filter(status=ExtensionStatus.PENDING)
            .select_related("task__organization", "task__finding", "task__round", "requested_by")
            .order_by("previous_deadline", "pk"))
