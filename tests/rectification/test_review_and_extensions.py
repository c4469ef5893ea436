"""验收 (通过 / 退回), the progress timeline, 延期 and evidence files: the rules hold at every door."""
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.choices import AuditAction
from accounts.models import AuditEvent
from core.errors import DomainError
from rectification.models import DeadlineExtension, EvidenceFile, ProgressRecord, RateSnapshot, RectificationTask
from rectification.rates import rates_recompute_all
from rectification.services import (
    extension_approve,
    extension_reject,
    extension_request,
    task_close,
    task_report_progress,
    task_send_back,
)
from tests.factories import PDF_BYTES

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def logged_in(user, api=False):
    client = APIClient() if api else Client()
    client.force_login(user)
    return client


def report_done(world, **fields):
    return task_report_progress(task=world.home.task, user=world.users["unit"], status="reported",
                                evidence=fields.pop("evidence", "整改报告"), progress_note="已整改", **fields)


def open_until(task, days):
    RectificationTask.objects.filter(pk=task.pk).update(deadline=today() + dt.timedelta(days=days))
    DeadlineExtension.objects.filter(task=task).delete()
    task.refresh_from_db()
    return task


# --- 验收 --------------------------------------------------------------------------------------------

def test_a_closing_date_in_the_future_or_before_the_report_is_refused_at_every_door(world):
    report_done(world)
    task, admin = world.home.task, world.users["region_admin"]
    future = today() + dt.timedelta(days=30)
    with pytest.raises(DomainError, match="晚于今天"):
        task_close(task=task, reviewer=admin, closed_on=future, opinion="同意")
    with pytest.raises(DomainError, match="早于整改单位填报完成"):
        task_close(task=task, reviewer=admin, closed_on=today() - dt.timedelta(days=1), opinion="同意")
    page = logged_in(admin).post(reverse("rectification:task_close", args=[task.pk]),
                                 {"outcome": "pass", "opinion": "同意", "closed_on": future.isoformat()})
    assert page.status_code == 400 and "晚于今天" in page.content.decode()
    api = logged_in(admin, api=True).post(f"/api/v1/tasks/{task.pk}/close/",
                                          {"closed_on": future.isoformat(), "opinion": "同意"}, format="json")
    assert api.status_code == 400 and "晚于今天" in api.json()["error"]["message"]
    task.refresh_from_db()
    assert (task.status, task.closed_on) == ("reported", None)


def test_sending_back_returns_the_task_with_the_reason_in_timeline_history_and_audit(world):
    report_done(world)
    task, member = world.home.task, world.users["group_member"]
    with pytest.raises(DomainError, match="验收意见"):
        task_send_back(task=task, reviewer=member, opinion="  ")
    with pytest.raises(DomainError) as refused:
        task_send_back(task=task, reviewer=world.users["unit"], opinion="自己退回")
    assert refused.value.is_permission_denied
    response = logged_in(member).post(reverse("rectification:task_close", args=[task.pk]),
                                      {"outcome": "send_back", "opinion": "佐证材料不足，缺少会议记录"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.status, task.reported_on) == ("in_progress", None)
    last = task.progress_records.last()
    assert (last.kind, last.note, last.created_by) == ("sent_back", "佐证材料不足，缺少会议记录", member)
    assert task.history.first().status == "in_progress" and task.history.first().history_user == member
    event = AuditEvent.objects.get(action=AuditAction.TASK_SEND_BACK)
    assert event.user == member and event.details["opinion"] == "佐证材料不足，缺少会议记录"
    # the unit sees why on its task page
    page = logged_in(world.users["unit"]).get(reverse("rectification:task_progress", args=[task.pk])).content.decode()
    assert "验收退回" in page and "佐证材料不足，缺少会议记录" in page


def test_the_review_form_renders_iso_dates_and_asks_before_closing(world):
    report_done(world)
    page = logged_in(world.users["region_admin"]).get(
        reverse("rectification:task_progress", args=[world.home.task.pk])).content.decode()
    assert f'type="date" name="closed_on" value="{today().isoformat()}"' in page
    assert 'data-confirm="验收通过后任务将销号' in page and "rectification/confirm.js" in page


# --- timeline ----------------------------------------------------------------------------------------

def test_every_report_is_its_own_record_and_the_api_shows_the_timeline(world):
    unit, task = world.users["unit"], world.home.task
    task_report_progress(task=task, user=unit, status="in_progress", evidence="", progress_note="已制定整改方案")
    report_done(world, evidence="整改报告一")
    task_send_back(task=task, reviewer=world.users["region_admin"], opinion="请补充清退凭证")
    task_report_progress(task=task, user=unit, status="reported", evidence="清退凭证", progress_note="已补充")
    notes = list(task.progress_records.values_list("kind", "note", "evidence"))
    assert notes[-4:] == [("report", "已制定整改方案", ""), ("report", "已整改", "整改报告一"),
                          ("sent_back", "请补充清退凭证", ""), ("report", "已补充", "清退凭证")]
    timeline = logged_in(world.users["viewer"], api=True).get(f"/api/v1/tasks/{task.pk}/timeline/").json()
    assert [row["kind"] for row in timeline][-4:] == ["report", "report", "sent_back", "report"]
    assert timeline[-2]["created_by"] == "region_admin" and timeline[-2]["kind_display"] == "验收退回"


# --- evidence files ------------------------------------------------------------------------------------

def test_evidence_files_are_checked_by_content_stored_privately_and_downloaded_in_scope_with_audit(world):
    unit, task = world.users["unit"], world.home.task
    client = logged_in(unit)
    fake = SimpleUploadedFile("整改报告.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(reverse("rectification:task_progress", args=[task.pk]),
                           {"status": "reported", "progress_note": "见附件", "evidence": "", "files": [fake]})
    assert response.status_code == 400 and "以文件内容为准" in response.content.decode()
    before = ProgressRecord.objects.filter(task=task).count()
    task.refresh_from_db()
    assert task.status == "in_progress"
    real = SimpleUploadedFile("会议纪要.pdf", PDF_BYTES, content_type="application/octet-stream")
    response = client.post(reverse("rectification:task_progress", args=[task.pk]),
                           {"status": "reported", "progress_note": "见附件", "evidence": "", "files": [real]})
    assert response.status_code == 302
    assert ProgressRecord.objects.filter(task=task).count() == before + 1
    stored = EvidenceFile.objects.get(record__task=task, name="会议纪要.pdf")
    assert stored.kind == "pdf" and stored.file.name.startswith("evidence/") and "会议纪要" not in stored.file.name
    url = reverse("rectification:evidence_download", args=[stored.pk])
    response = logged_in(world.users["viewer"]).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF_BYTES
    assert "attachment" in response["Content-Disposition"]
    assert logged_in(world.users["away_viewer"]).get(url).status_code == 404
    event = AuditEvent.objects.get(action=AuditAction.EVIDENCE_DOWNLOAD)
    assert event.user == world.users["viewer"] and event.details["task"] == task.pk
    api = logged_in(world.users["viewer"], api=True).get(f"/api/v1/evidence/{stored.pk}/download/")
    assert api.status_code == 200 and AuditEvent.objects.filter(action=AuditAction.EVIDENCE_DOWNLOAD).count() == 2


def test_a_report_over_the_size_limit_writes_nothing(world, settings):
    settings.EVIDENCE_MAX_BYTES = 100
    big = SimpleUploadedFile("大.pdf", PDF_BYTES + b"0" * 200)
    with pytest.raises(DomainError, match="大小限制"):
        report_done(world, evidence="", files=[big])
    assert not EvidenceFile.objects.filter(record__task=world.home.task, name="大.pdf").exists()
    assert world.home.task.progress_records.filter(kind="report", status="reported").count() == 0


def test_the_api_takes_evidence_files_as_multipart(world):
    client = logged_in(world.users["unit"], api=True)
    response = client.post(f"/api/v1/tasks/{world.home.task.pk}/progress/",
                           {"status": "reported", "files": [io.BytesIO(PDF_BYTES)]}, format="multipart")
    assert response.status_code == 200 and response.json()["status"] == "reported"
    timeline = client.get(f"/api/v1/tasks/{world.home.task.pk}/timeline/").json()
    assert timeline[-1]["files"][0]["kind"] == "pdf"


# --- 延期 -------------------------------------------------------------------------------------------

def test_an_extension_is_asked_once_decided_once_with_decider_time_and_opinion(world):
    task = open_until(world.home.task, 10)
    unit, admin = world.users["unit"], world.users["region_admin"]
    extension = extension_request(task=task, user=unit, reason="需协调多部门", new_deadline=today() + dt.timedelta(40))
    assert (extension.previous_deadline, extension.requested_by) == (task.deadline, unit)  # set by the system
    with pytest.raises(DomainError, match="待审批"):
        extension_request(task=task, user=unit, reason="再申请", new_deadline=today() + dt.timedelta(50))
    with pytest.raises(DomainError) as refused:
        extension_approve(extension=extension, approver=unit, opinion="自己批")
    assert refused.value.is_permission_denied
    with pytest.raises(DomainError, match="审批意见"):
        extension_reject(extension=extension, approver=admin, opinion="")
    extension_reject(extension=extension, approver=admin, opinion="理由不充分")
    extension.refresh_from_db()
    assert (extension.status, extension.decided_by, extension.decision_note) == ("rejected", admin, "理由不充分")
    assert extension.decided_at is not None
    with pytest.raises(DomainError, match="已经审批"):
        extension_approve(extension=extension, approver=admin, opinion="改为同意")
    task.refresh_from_db()
    assert task.deadline == today() + dt.timedelta(days=10)
    assert AuditEvent.objects.filter(action=AuditAction.EXTENSION_DECIDE, user=admin).count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.EXTENSION_REQUEST, user=unit).count() == 1


def test_the_api_approves_once_and_never_on_a_closed_task(world):
    task = open_until(world.home.task, 10)
    api_unit, api_admin = logged_in(world.users["unit"], api=True), logged_in(world.users["region_admin"], api=True)
    response = api_unit.post(f"/api/v1/tasks/{task.pk}/extension/",
                             {"reason": "需协调", "new_deadline": (today() + dt.timedelta(30)).isoformat()}, format="json")
    assert response.status_code == 201
    extension_id = response.json()["id"]
    approve = f"/api/v1/extensions/{extension_id}/approve/"
    assert api_admin.post(approve, {"opinion": "同意"}, format="json").status_code == 200
    again = api_admin.post(approve, {"opinion": "同意"}, format="json")
    assert again.status_code == 400 and "已经审批" in again.json()["error"]["message"]
    # a closed task: no request, and a request pending from before cannot be approved
    report_done(world)
    second = extension_request(task=task, user=world.users["unit"], reason="再延",
                               new_deadline=today() + dt.timedelta(60))
    task_close(task=task, reviewer=world.users["region_admin"], closed_on=today(), opinion="同意")
    refused = api_admin.post(f"/api/v1/extensions/{second.pk}/approve/", {"opinion": "同意"}, format="json")
    assert refused.status_code == 400 and "已销号" in refused.json()["error"]["message"]
    refused = api_unit.post(f"/api/v1/tasks/{task.pk}/extension/",
                            {"reason": "x", "new_deadline": (today() + dt.timedelta(90)).isoformat()}, format="json")
    assert refused.status_code == 400


def test_a_late_closing_stays_late_in_the_on_time_rate(world):
    """The 按期整改率 of a closed task does not move afterwards: the extension that would make a late closing
    on time can no longer be approved (the task is closed and the deadline it extends has passed)."""
    task = world.home.task
    RectificationTask.objects.filter(pk=task.pk).update(deadline=today() - dt.timedelta(days=20))
    task.refresh_from_db()
    DeadlineExtension.objects.filter(task=task).delete()
    extension = DeadlineExtension.objects.create(task=task, reason="迟交的申请", previous_deadline=task.deadline,
                                                 new_deadline=today() + dt.timedelta(days=30))
    report_done(world)
    task_close(task=task, reviewer=world.users["region_admin"], closed_on=today(), opinion="同意")
    key = f"organization:{task.organization_id}"
    rates_recompute_all(today())
    before = RateSnapshot.objects.get(scope_key=key, day=today())
    assert (before.closed_on_time, before.closed_late) == (0, 1)
    with pytest.raises(DomainError):
        extension_approve(extension=extension, approver=world.users["region_admin"], opinion="同意")
    rates_recompute_all(today())
    after = RateSnapshot.objects.get(scope_key=key, day=today())
    assert (after.closed_on_time, after.closed_late, after.on_time_rate) == (0, 1, before.on_time_rate)


def test_the_unit_asks_on_its_page_and_the_group_decides_from_the_waiting_list(world):
    task = open_until(world.home.task, 10)
    unit, member = logged_in(world.users["unit"]), logged_in(world.users["group_member"])
    new_deadline = (today() + dt.timedelta(days=45)).isoformat()
    page = unit.get(reverse("rectification:task_progress", args=[task.pk])).content.decode()
    assert 'id="extension-form"' in page
    response = unit.post(reverse("rectification:extension_request", args=[task.pk]),
                         {"reason": "涉及跨部门协调", "new_deadline": new_deadline})
    assert response.status_code == 302
    waiting = member.get(reverse("rectification:extension_list")).content.decode()
    assert "涉及跨部门协调" in waiting
    extension = DeadlineExtension.objects.get(task=task, status="pending")
    response = member.post(reverse("rectification:extension_decide", args=[extension.pk]),
                           {"decision": "reject", "opinion": "可在原时限内完成"})
    assert response.status_code == 302
    extension.refresh_from_db()
    assert (extension.status, extension.decision_note) == ("rejected", "可在原时限内完成")
    assert "涉及跨部门协调" not in member.get(reverse("rectification:extension_list")).content.decode()
    assert logged_in(world.users["unit"]).get(reverse("rectification:extension_list")).status_code == 403


# --- 待办 -------------------------------------------------------------------------------------------

def test_todo_per_role_with_counts_in_the_navigation(world):
    unit_page = logged_in(world.users["unit"]).get(reverse("rectification:task_list_mine")).content.decode()
    assert "待填报（1）" in unit_page and "被退回（0）" in unit_page
    assert '<span class="badge level-red" id="nav-todo-count">1</span>' in unit_page
    report_done(world)
    admin = logged_in(world.users["region_admin"])
    page = admin.get(reverse("rectification:task_list_mine")).content.decode()
    review = page.split('id="todo-review"')[1].split("</section>")[0]
    assert f"#{world.home.task.pk}" in review and "待我验收（1）" in page
    assert 'id="todo-extensions"' in page and 'id="todo-overdue"' in page
    assert 'id="nav-todo-count"' in page
    RectificationTask.objects.filter(pk=world.home.task.pk).update(status="in_progress")
    # the unit's lists: sent back first, then to report
    ProgressRecord.objects.create(task=world.home.task, kind="sent_back", status="in_progress", note="补充材料")
    unit_page = logged_in(world.users["unit"]).get(reverse("rectification:task_list_mine")).content.decode()
    assert "被退回（1）" in unit_page and "待填报（0）" in unit_page
    viewer_page = logged_in(world.users["viewer"]).get(reverse("rectification:task_list_mine")).content.decode()
    assert "没有需要处理的待办事项" in viewer_page and 'id="nav-todo"' not in viewer_page
