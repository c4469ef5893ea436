"""Double review of tasks (the unit reports, the inspecting side closes) and the audit log."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.audit import audit_record
from accounts.choices import AuditAction
from accounts.models import AuditEvent
from core.errors import DomainError
from inspection.models import Finding
from rectification.models import RectificationTask
from rectification.services import task_close, task_report_progress

pytestmark = pytest.mark.django_db
OPINION = "整改到位，同意销号"


def closed_on():
    """Today: a closing is neither in the future nor before the report (made today in these tests)."""
    return timezone.localdate()


def pass_form():
    return {"outcome": "pass", "opinion": OPINION, "closed_on": closed_on().isoformat()}


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_unit_reports_and_the_reviewer_closes(world):
    unit, admin = world.users["unit"], world.users["region_admin"]
    task = task_report_progress(task=world.home.task, user=unit, status="reported",
                                evidence="整改报告及会议纪要", progress_note="已清退全部款项")
    assert task.status == "reported"
    task = task_close(task=task, reviewer=admin, closed_on=closed_on(), opinion=OPINION)
    assert (task.status, task.closed_on) == ("closed", closed_on())
    history = list(task.history.order_by("history_date").values_list("status", "history_user__username"))
    assert history[-2:] == [("reported", "unit"), ("closed", "region_admin")]
    close = AuditEvent.objects.get(action=AuditAction.TASK_CLOSE)
    assert (close.user, close.object_id, close.region_id) == (admin, str(task.pk), world.home.region.pk)
    assert AuditEvent.objects.filter(action=AuditAction.TASK_REPORT, user=unit).exists()


def test_a_unit_user_cannot_close_its_task(world):
    unit, task = world.users["unit"], world.home.task
    with pytest.raises(DomainError) as raised:
        task_report_progress(task=task, user=unit, status="closed", evidence="x", progress_note="")
    assert "销号" in raised.value.message
    task_report_progress(task=task, user=unit, status="reported", evidence="整改报告", progress_note="")
    with pytest.raises(DomainError) as raised:
        task_close(task=task, reviewer=unit, closed_on=closed_on(), opinion=OPINION)
    assert raised.value.is_permission_denied
    # Through the pages: the close action is refused, and the progress form does not offer 已销号.
    client = logged_in(unit)
    assert client.post(reverse("rectification:task_close", args=[task.pk]), pass_form()).status_code == 403
    response = client.post(reverse("rectification:task_progress", args=[task.pk]),
                           {"status": "closed", "evidence": "x", "progress_note": ""})
    assert response.status_code == 400
    page = client.get(reverse("rectification:task_progress", args=[task.pk])).content.decode()
    assert reverse("rectification:task_close", args=[task.pk]) not in page and 'value="closed"' not in page
    task.refresh_from_db()
    assert task.status == "reported" and task.closed_on is None
    # Nor through the admin, even if the account were marked as staff.
    unit.is_staff = True
    unit.save()
    response = logged_in(unit).get(reverse("admin:rectification_rectificationtask_change", args=[task.pk]))
    assert response.status_code == 302


def test_closing_needs_the_unit_report_first(world):
    with pytest.raises(DomainError) as raised:
        task_close(task=world.home.task, reviewer=world.users["region_admin"], closed_on=closed_on(), opinion=OPINION)
    assert not raised.value.is_permission_denied and "已完成待验收" in raised.value.message
    response = logged_in(world.users["group_member"]).post(
        reverse("rectification:task_close", args=[world.home.task.pk]), pass_form())
    assert response.status_code == 400 and "已完成待验收" in response.content.decode()


def test_reporting_done_needs_evidence_and_a_closed_task_is_frozen(world):
    unit, task = world.users["unit"], world.home.task
    with pytest.raises(DomainError):
        task_report_progress(task=task, user=unit, status="reported", evidence=" ", progress_note="")
    task_report_progress(task=task, user=unit, status="reported", evidence="报告", progress_note="")
    task_close(task=task, reviewer=world.users["group_member"], closed_on=closed_on(), opinion=OPINION)
    with pytest.raises(DomainError):
        task_report_progress(task=task, user=unit, status="in_progress", evidence="", progress_note="重新整改")


def test_services_refuse_a_task_out_of_scope(world):
    with pytest.raises(DomainError) as raised:
        task_report_progress(task=world.away.task, user=world.users["unit"], status="in_progress",
                             evidence="", progress_note="越权")
    assert raised.value.is_permission_denied
    RectificationTask.objects.filter(pk=world.away.task.pk).update(status="reported", evidence="x")
    with pytest.raises(DomainError):
        task_close(task=world.away.task, reviewer=world.users["region_admin"], closed_on=closed_on(), opinion=OPINION)


def test_the_admin_shows_the_work_on_an_existing_task_and_closes_a_new_one_under_the_same_rule(world):
    """An existing task's status, closing, evidence and deadline change only through the task's page and the API
    (timeline, opinion, rules); the admin shows them. A new task entered as closed follows the closing rule."""
    client = logged_in(world.users["region_admin"])
    task = world.home.task
    RectificationTask.objects.filter(pk=task.pk).update(status="reported")
    url = reverse("admin:rectification_rectificationtask_change", args=[task.pk])
    empty = {f"{p}-{k}": v for p in ("progress_records", "extensions", "follow_up_visits", "warnings")
             for k, v in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"), ("MIN_NUM_FORMS", "0"), ("MAX_NUM_FORMS", "1000"))}
    data = {"finding": task.finding_id, "responsible_unit": task.responsible_unit, "responsible_person": "王芳",
            "measures": "", "assigned_on": task.assigned_on.isoformat(), "deadline": "2099-01-01",
            "status": "closed", "closed_on": closed_on().isoformat(), "evidence": "报告", "progress_note": "", **empty}
    assert client.post(url, data).status_code == 302
    task.refresh_from_db()
    assert (task.status, task.closed_on, task.responsible_person) == ("reported", None, "王芳")
    assert task.deadline != dt.date(2099, 1, 1)
    # a new task entered closed: not by a unit, and not with a closing date in the future
    finding = world.home.finding
    new = {"inspection": finding.inspection_id, "number": finding.number, "category": finding.category,
           "severity": finding.severity, "description": finding.description,
           "tasks-TOTAL_FORMS": "2", "tasks-INITIAL_FORMS": "1", "tasks-MIN_NUM_FORMS": "0",
           "tasks-MAX_NUM_FORMS": "1000", "tasks-0-id": task.pk, "tasks-0-finding": finding.pk,
           "tasks-0-responsible_unit": task.responsible_unit, "tasks-1-finding": finding.pk,
           "tasks-1-responsible_unit": "办公室", "tasks-1-status": "closed", "tasks-1-evidence": "报告",
           "tasks-1-closed_on": (closed_on() + dt.timedelta(days=30)).isoformat()}
    response = client.post(reverse("admin:inspection_finding_change", args=[finding.pk]), new)
    assert response.status_code == 200 and "晚于今天" in response.content.decode()
    assert RectificationTask.objects.filter(finding=finding).count() == 1
    new["tasks-1-closed_on"] = closed_on().isoformat()
    assert client.post(reverse("admin:inspection_finding_change", args=[finding.pk]), new).status_code == 302
    assert RectificationTask.objects.filter(finding=finding, status="closed").count() == 1


def test_every_change_is_audited_with_who_and_what(world):
    admin = world.users["region_admin"]
    client = logged_in(admin)
    finding = world.home.finding
    response = client.post(reverse("admin:inspection_finding_change", args=[finding.pk]), {
        "inspection": finding.inspection_id, "number": finding.number, "category": finding.category,
        "severity": "serious", "description": finding.description,
        "tasks-TOTAL_FORMS": "1", "tasks-INITIAL_FORMS": "1", "tasks-MIN_NUM_FORMS": "0", "tasks-MAX_NUM_FORMS": "1000",
        "tasks-0-id": world.home.task.pk, "tasks-0-finding": finding.pk,
        "tasks-0-responsible_unit": world.home.task.responsible_unit, "tasks-0-responsible_person": "",
        "tasks-0-measures": "", "tasks-0-assigned_on": world.home.task.assigned_on.isoformat(),
        "tasks-0-deadline": world.home.task.deadline.isoformat(), "tasks-0-status": "in_progress",
        "tasks-0-closed_on": "", "tasks-0-evidence": "", "tasks-0-progress_note": "",
    })
    assert response.status_code == 302
    event = AuditEvent.objects.filter(action=AuditAction.UPDATE, object_id=str(finding.pk),
                                      content_type=ContentType.objects.get_for_model(Finding)).latest("pk")
    assert event.user == admin and event.region_id == world.home.region.pk and event.ip == "127.0.0.1"
    assert event.details["changes"]["severity"] == ["general", "serious"]
    # Creation and deletion of every audited kind are recorded too (world built one of each).
    for name in ("finding", "lead", "rectificationtask", "deadlineextension", "taskwarning"):
        assert AuditEvent.objects.filter(action=AuditAction.CREATE, content_type__model=name).count() == 2, name
    world.away.warning.delete()
    deleted = AuditEvent.objects.get(action=AuditAction.DELETE)
    assert deleted.region_id == world.away.region.pk and deleted.content_type.model == "taskwarning"


def test_audit_record_for_exports_and_api_tokens(world):
    viewer = world.users["viewer"]
    export = audit_record(user=viewer, action=AuditAction.EXPORT, details={"format": "xlsx", "rows": 12})
    assert (export.region_id, export.username, export.details["rows"]) == (world.home.region.pk, "viewer", 12)
    token_use = audit_record(user=world.users["api_client"], action=AuditAction.API_TOKEN, obj=world.away.task,
                             details={"path": "/api/v1/tasks/"})
    assert token_use.region_id == world.away.region.pk and token_use.object_repr


def test_the_audit_page_is_for_admins_scoped_and_filtered(world):
    audit_record(user=world.users["viewer"], action=AuditAction.EXPORT, details={"rows": 3})
    audit_record(user=world.users["away_viewer"], action=AuditAction.EXPORT, details={"rows": 4})
    url = reverse("accounts:audit_list")
    for key in ("viewer", "unit", "group_member", "api_client"):
        assert logged_in(world.users[key]).get(url).status_code == 403
    client = logged_in(world.users["region_admin"])
    events = client.get(url).context["object_list"]
    assert events and all(event.region_id == world.home.region.pk for event in events)
    exports = client.get(url, {"action": "export"}).context["object_list"]
    assert [(e.username, e.details["rows"]) for e in exports] == [("viewer", 3)]
    by_user = client.get(url, {"user": world.users["viewer"].pk}).context["object_list"]
    assert by_user and {e.user_id for e in by_user} == {world.users["viewer"].pk}
    by_type = client.get(url, {"content_type": ContentType.objects.get_for_model(Finding).pk}).context["object_list"]
    assert [e.object_id for e in by_type] == [str(world.home.finding.pk)]
    assert not client.get(url, {"since": "2000-01-01", "until": "2000-12-31"}).context["object_list"]
    # Another county's user cannot be chosen as a filter: the form refuses it and shows nothing.
    response = client.get(url, {"user": world.users["away_viewer"].pk})
    assert not response.context["object_list"] and response.context["filter"].errors
    assert "通城乙" not in client.get(url).content.decode()


def test_the_audit_page_paginates(world):
    for _ in range(60):
        audit_record(user=world.users["viewer"], action=AuditAction.EXPORT)
    client = logged_in(world.users["region_admin"])
    first = client.get(reverse("accounts:audit_list"), {"action": "export"})
    assert len(first.context["object_list"]) == 50 and first.context["paginator"].count == 60
    second = client.get(reverse("accounts:audit_list"), {"action": "export", "page": 2})
    assert len(second.context["object_list"]) == 10


def test_a_cascading_delete_audits_every_record_under_its_region(world):
    world.home.inspection.delete()
    deleted = AuditEvent.objects.filter(action=AuditAction.DELETE)
    assert sorted(deleted.values_list("content_type__model", flat=True)) == [
        "deadlineextension", "finding", "lead", "rectificationtask", "taskwarning"]
    assert set(deleted.values_list("region_id", flat=True)) == {world.home.region.pk}
