"""The notices page, the bell, and the 督办文书 downloads."""
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document

from accounts.models import AuditEvent
from notices import services
from notices.choices import NoticeKind
from notices.models import IssuedDocument, Notice

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit_client(client, people):
    client.force_login(people["unit"])
    return client


def test_the_bell_counts_unread_notices_with_one_query(world, people, unit_client):
    services.notify_task_sent_back(world.home.task, people["group_member"], "请补充佐证材料")
    services.notify_task_closed(task=world.home.task, by=people["group_member"])
    with CaptureQueriesContext(connection) as queries:
        page = unit_client.get(reverse("dashboard:overview")).content.decode()
    assert '<span class="notice-count" aria-label="2 条未读">2</span>' in page
    assert sum('"notices_notice"' in q["sql"] for q in queries.captured_queries) == 1
    services.notices_mark_read(user=people["unit"])
    assert "notice-count" not in unit_client.get(reverse("dashboard:overview")).content.decode()


def test_list_filter_mark_read_and_follow(world, people, unit_client):
    services.notify_task_sent_back(world.home.task, people["group_member"], "请补充佐证材料")
    services.notify_task_closed(task=world.home.task, by=people["group_member"])
    sent_back = Notice.objects.get(kind=NoticeKind.TASK_SENT_BACK)

    page = unit_client.get(reverse("notices:list")).content.decode()
    assert "整改任务被退回" in page and "整改任务已验收销号" in page
    page = unit_client.get(reverse("notices:list"), {"kind": NoticeKind.TASK_CLOSED}).content.decode()
    assert "整改任务被退回" not in page and "整改任务已验收销号" in page

    response = unit_client.post(reverse("notices:mark_read"), {"notice": [sent_back.pk]})
    assert response.status_code == 302
    assert set(Notice.objects.filter(read_at__isnull=True).values_list("kind", flat=True)) == {NoticeKind.TASK_CLOSED}
    page = unit_client.get(reverse("notices:list"), {"unread": "on"}).content.decode()
    assert "整改任务被退回" not in page

    closed = Notice.objects.get(kind=NoticeKind.TASK_CLOSED)
    response = unit_client.get(reverse("notices:open", args=[closed.pk]))
    assert response.status_code == 302 and response["Location"] == f"/organizations/{world.home.organization.pk}/"
    assert Notice.objects.get(pk=closed.pk).read_at is not None


def test_a_notice_never_shows_what_its_recipient_may_not_see(world, people, unit_client, client):
    # A notice about the away county's task (as a stale or mistaken notice would be): listed without its text,
    # and its link is a 404.
    services.notify(recipients=[people["unit"]], kind=NoticeKind.TASK_CLOSED, event_key="probe:1",
                    title=f"{world.away.organization.name}的任务", url="/organizations/0/", obj=world.away.task)
    notice = Notice.objects.get()
    page = unit_client.get(reverse("notices:list")).content.decode()
    assert world.away.organization.name not in page and "已不在您的权限范围内" in page
    assert unit_client.get(reverse("notices:open", args=[notice.pk])).status_code == 404
    # Nor does anyone open another user's notice.
    client.force_login(people["viewer"])
    assert client.get(reverse("notices:open", args=[notice.pk])).status_code == 404
    client.post(reverse("notices:mark_read"), {"all": "1"})
    assert Notice.objects.get().read_at is not None  # only by the unit's own GET above


def test_email_setting(people, unit_client):
    unit_client.post(reverse("notices:preference"), {"email_mode": "digest"})
    assert people["unit"].notice_preference.email_mode == "digest"
    assert unit_client.post(reverse("notices:preference"), {"email_mode": "pigeon"}).status_code == 400


def test_a_region_admin_downloads_a_numbered_recorded_supervision_notice(world, people, client):
    client.force_login(people["region_admin"])
    url = f"{reverse('notices:document_tasks')}?kind=supervision&organization={world.home.organization.pk}"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    document = Document(io.BytesIO(b"".join(response.streaming_content)))
    texts = [p.text for p in document.paragraphs]
    record = IssuedDocument.objects.get()
    year = record.year
    assert record.number == f"咸安巡办督〔{year}〕1号" and record.number in texts
    assert f"{world.home.organization.name}：" in texts and "巡察整改督办通知书" in texts
    assert texts[-2] == "中共咸安区委巡察工作领导小组办公室"
    (table,) = document.tables
    row = [cell.text for cell in table.rows[1].cells]
    assert row[2] == "咸安甲责任单位" and row[3] == f"{world.home.task.deadline:%Y-%m-%d}" and int(row[4]) > 0
    event = AuditEvent.objects.filter(details__document="督办通知书").get()
    assert event.user == people["region_admin"] and event.details["number"] == record.number

    client.get(url)  # the next download is the next number
    assert IssuedDocument.objects.filter(kind="supervision").count() == 2
    assert IssuedDocument.objects.order_by("serial").last().number == f"咸安巡办督〔{year}〕2号"


def test_reminder_from_a_warning_and_feedback_of_an_inspection(world, people, client):
    client.force_login(people["region_admin"])
    response = client.get(reverse("notices:document_warning", args=[world.home.warning.pk]))
    texts = [p.text for p in Document(io.BytesIO(b"".join(response.streaming_content))).paragraphs]
    assert "巡察整改提醒函" in texts  # a 黄牌 gives an 整改提醒函
    assert IssuedDocument.objects.get().subject["warning"] == world.home.warning.pk

    response = client.get(reverse("notices:document_feedback", args=[world.home.inspection.pk]))
    document = Document(io.BytesIO(b"".join(response.streaming_content)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "巡察反馈意见" in text and "巡察共发现问题 1 个" in text and "交办整改任务 1 项" in text
    assert document.tables[0].rows[1].cells[2].text == "咸安甲问题描述"


def test_no_overdue_task_is_a_clear_error_and_records_nothing(world, people, client):
    client.force_login(people["region_admin"])
    world.home.task.deadline = world.home.task.original_deadline = world.home.task.deadline.replace(year=2099)
    world.home.task.save()
    response = client.get(f"{reverse('notices:document_tasks')}?kind=supervision&organization={world.home.organization.pk}")
    assert response.status_code == 400 and "没有符合条件的整改任务" in response.content.decode()
    assert not IssuedDocument.objects.exists()


def test_the_documents_page_lists_what_to_write_from_in_scope_only(world, people, client):
    client.force_login(people["region_admin"])
    page = client.get(reverse("notices:documents")).content.decode()
    assert reverse("notices:document_warning", args=[world.home.warning.pk]) in page
    assert reverse("notices:document_feedback", args=[world.home.inspection.pk]) in page
    assert f"organization={world.home.organization.pk}" in page
    assert world.away.organization.name not in page
