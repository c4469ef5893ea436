"""Graded warnings (提醒/黄牌/红牌) issued, raised and lifted with reasons; overdue marking."""
import datetime as dt

import pytest
from django.utils import timezone

from accounts.roles import Role
from core.errors import DomainError
from rectification.models import DeadlineExtension, RectificationTask, TaskWarning
from rectification.services import extension_approve, extension_request, warnings_refresh
from tests.factories import make_finding, make_inspection, make_organization, make_round, make_task, make_user

pytestmark = pytest.mark.django_db

T = dt.date(2026, 6, 1)


@pytest.fixture
def inspection(xianan):
    return make_inspection(make_round(xianan), make_organization(xianan), feedback=dt.date(2026, 5, 10))


@pytest.fixture
def region_admin(xianan):
    return make_user("xianan-admin", role=Role.REGION_ADMIN, region=xianan)


def task_due(inspection, days, **fields):
    return make_task(make_finding(inspection), deadline=T + dt.timedelta(days=days), **fields)


def active(task):
    return {w.level: w.reason for w in TaskWarning.objects.filter(task=task, lifted_at__isnull=True)}


def test_levels_follow_the_default_thresholds(inspection):
    tasks = {days: task_due(inspection, days) for days in (25, 21, 20, 11, 10, 0, -1)}
    closed = task_due(inspection, -5, status="closed", closed_on=T - dt.timedelta(days=6))

    assert warnings_refresh(today=T) == {"issued": 5, "lifted": 0}
    levels = {days: list(active(task)) for days, task in tasks.items()}
    assert levels == {25: [], 21: [], 20: ["notice"], 11: ["notice"], 10: ["yellow"], 0: ["yellow"], -1: ["red"]}
    assert active(closed) == {}
    assert active(tasks[20]) == {"notice": "距整改时限（2026-06-21）还有 20 天"}
    assert active(tasks[0]) == {"yellow": "距整改时限（2026-06-01）仅剩 0 天，仍未完成整改"}
    assert active(tasks[-1]) == {"red": "已超过整改时限（2026-05-31）1 天仍未销号"}
    # Idempotent: the same day again changes nothing.
    assert warnings_refresh(today=T) == {"issued": 0, "lifted": 0}
    assert TaskWarning.objects.count() == 5
    # Each issued warning is in the history (and so the audit log), once.
    assert sorted(TaskWarning.history.values_list("task_id", "history_type", "history_change_reason")) == sorted(
        (w.task_id, "+", "预警自动更新") for w in TaskWarning.objects.all())


def test_thresholds_come_from_settings(inspection, settings):
    settings.RECTIFICATION_WARNING_NOTICE_DAYS, settings.RECTIFICATION_WARNING_YELLOW_DAYS = 30, 3
    early, middle = task_due(inspection, 25), task_due(inspection, 5)
    warnings_refresh(today=T)
    assert list(active(early)) == ["notice"] and list(active(middle)) == ["notice"]


def test_a_warning_is_raised_as_the_deadline_nears_and_passes(inspection):
    task = task_due(inspection, 15)
    warnings_refresh(today=T)
    warnings_refresh(today=T + dt.timedelta(days=6))
    notice = TaskWarning.objects.get(task=task, level="notice")
    assert notice.lift_reason == "已升级为黄牌预警" and notice.lifted_at is not None
    assert list(active(task)) == ["yellow"]
    warnings_refresh(today=T + dt.timedelta(days=16))
    assert TaskWarning.objects.get(task=task, level="yellow").lift_reason == "已升级为红牌预警"
    assert active(task) == {"red": "已超过整改时限（2026-06-16）1 天仍未销号"}


def test_closing_a_task_lifts_its_warning_when_the_change_commits(inspection, django_capture_on_commit_callbacks):
    task = task_due(inspection, -3)
    warnings_refresh(today=T)
    with django_capture_on_commit_callbacks(execute=True):
        task.status, task.closed_on = "closed", T
        task.save()
    warning = TaskWarning.objects.get(task=task)
    assert warning.lifted_at is not None and warning.lift_reason == "整改任务已于 2026-06-01 销号"
    assert active(task) == {}


def test_an_approved_extension_moves_the_deadline_and_lifts_the_warning(inspection, region_admin,
                                                                       django_capture_on_commit_callbacks):
    today = timezone.localdate()
    task = make_task(make_finding(inspection), deadline=today + dt.timedelta(days=5))
    warnings_refresh(today=today)
    new_deadline = dt.date(2099, 1, 31)  # far beyond today, whatever today is
    extension = extension_request(task=task, user=region_admin, reason="需协调多部门", new_deadline=new_deadline)
    with django_capture_on_commit_callbacks(execute=True):
        extension_approve(extension=extension, approver=region_admin, opinion="同意")
    task.refresh_from_db()
    assert (task.deadline, task.original_deadline) == (new_deadline, today + dt.timedelta(days=5))
    assert task.history.first().deadline == new_deadline  # recorded
    warning = TaskWarning.objects.get(task=task)
    assert warning.lift_reason == "整改时限已延期至 2099-01-31"
    assert active(task) == {}


def test_overdue_is_one_rule_in_python_and_sql(inspection):
    """The task, its stage, its warning and the queryset agree on 逾期 on any day (nothing stored to go stale)."""
    late, on_track = task_due(inspection, -1), task_due(inspection, 3)
    done = task_due(inspection, -2, status="closed", closed_on=T - dt.timedelta(days=3))
    tasks = RectificationTask.objects.filter(pk__in=[late.pk, on_track.pk, done.pk])
    for day, overdue in ((T, {late.pk}), (T + dt.timedelta(days=4), {late.pk, on_track.pk})):
        assert set(tasks.overdue_on(day).values_list("pk", flat=True)) == overdue
        assert set(tasks.not_overdue_on(day).values_list("pk", flat=True)) == {late.pk, on_track.pk, done.pk} - overdue
        assert {task.pk for task in tasks if task.overdue_on(day)} == overdue
        assert {task.pk for task in tasks if task.stage_on(day) == "overdue"} == overdue


def test_extension_approve_takes_only_a_pending_request(inspection, region_admin):
    """The state machine of an extension lives in the service: approving twice is refused and changes nothing."""
    task = make_task(make_finding(inspection), deadline=timezone.localdate() + dt.timedelta(days=3))
    extension = extension_request(task=task, user=region_admin, reason="协调",
                                  new_deadline=task.deadline + dt.timedelta(days=30))
    extension_approve(extension=extension, approver=region_admin, opinion="同意")
    task.refresh_from_db()
    deadline = task.deadline
    stale = DeadlineExtension.objects.get(pk=extension.pk)
    stale.new_deadline = deadline + dt.timedelta(days=60)
    with pytest.raises(DomainError, match="已经审批"):
        extension_approve(extension=stale, approver=region_admin, opinion="再次同意")
    task.refresh_from_db()
    assert task.deadline == deadline


def test_a_saved_task_records_its_refresh_and_the_sweep_does_it_when_the_request_could_not(inspection, monkeypatch,
                                                                                        django_capture_on_commit_callbacks):
    """The refresh after a commit is recorded in the commit's transaction: when it fails (or its process dies
    before it runs) the change still answers, the record stays, and the sweep refreshes the task."""
    from django.db import OperationalError

    from rectification.models import PendingWarningRefresh
    from rectification.services import warning

    today = timezone.localdate()
    failing = {"on": True}
    real_refresh = warning.warnings_refresh

    def refresh(**kwargs):
        if failing["on"]:
            raise OperationalError("server closed the connection unexpectedly")
        return real_refresh(**kwargs)

    monkeypatch.setattr(warning, "warnings_refresh", refresh)
    with django_capture_on_commit_callbacks(execute=True):
        task = make_task(make_finding(inspection), deadline=today - dt.timedelta(days=1))  # deserves a 红牌
    assert not active(task)
    assert list(PendingWarningRefresh.objects.values_list("task_id", flat=True)) == [task.pk]

    failing["on"] = False
    assert warning.warnings_sweep() == 0  # a fresh record is its own request's to refresh
    PendingWarningRefresh.objects.update(created_at=timezone.now() - dt.timedelta(seconds=warning.SWEEP_AFTER_SECONDS + 1))
    assert warning.warnings_sweep() == 1
    assert set(active(task)) == {"red"} and not PendingWarningRefresh.objects.exists()


def test_a_refresh_after_commit_removes_only_its_own_records(inspection, django_capture_on_commit_callbacks):
    from rectification.models import PendingWarningRefresh

    today = timezone.localdate()
    other = make_task(make_finding(inspection), deadline=today + dt.timedelta(days=60))
    PendingWarningRefresh.objects.all().delete()
    PendingWarningRefresh.objects.create(task=other)  # left by an earlier failure
    with django_capture_on_commit_callbacks(execute=True):
        task = make_task(make_finding(inspection), deadline=today + dt.timedelta(days=3))
    assert set(active(task)) == {"yellow"}
    assert list(PendingWarningRefresh.objects.values_list("task_id", flat=True)) == [other.pk]
