"""Events tell the people concerned, once: warnings, due tasks, extensions, 退回, 销号, imports, articles."""
import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ingest import services as ingest_services
from ledger.services import ledger_import
from notices import services
from notices.choices import NoticeKind
from notices.models import Notice
from rectification.choices import TaskStatus
from rectification.models import TaskWarning
from rectification.services import (
    extension_reject,
    extension_request,
    task_close,
    task_report_progress,
    task_send_back,
    warnings_refresh,
)

pytestmark = pytest.mark.django_db


def told(kind, **filters) -> set[str]:
    return set(Notice.objects.filter(kind=kind, **filters).values_list("recipient__username", flat=True))


def test_a_warning_issued_tells_the_unit_the_group_and_the_region_admins_and_no_one_else(world, people):
    TaskWarning.objects.all().delete()  # the world's hand-made warnings: let the refresh issue its own
    task = world.home.task
    result = warnings_refresh(today=task.deadline + dt.timedelta(days=3), tasks=type(task).objects.filter(pk=task.pk))
    assert result["issued"] == 1
    warning = TaskWarning.objects.get(task=task, lifted_at__isnull=True)
    assert told(NoticeKind.WARNING_ISSUED) == {"unit", "group_member", "region_admin"}
    notice = Notice.objects.filter(kind=NoticeKind.WARNING_ISSUED).first()
    assert notice.event_key == f"warning_issued:{warning.pk}" and notice.object_id == warning.pk
    assert "红牌" in notice.title and world.home.organization.name in notice.title
    assert notice.url == f"/organizations/{task.organization_id}/"

    # Told once: the same event again adds nothing.
    assert services.notify_warnings_changed(issued_ids=[warning.pk]) == 0
    assert Notice.objects.filter(kind=NoticeKind.WARNING_ISSUED).count() == 3


def test_closing_a_task_lifts_its_warning_and_tells_of_both(world, people, django_capture_on_commit_callbacks):
    task = world.home.task
    TaskWarning.objects.all().delete()
    warnings_refresh(today=task.deadline - dt.timedelta(days=5), tasks=type(task).objects.filter(pk=task.pk))
    task_report_progress(task=task, user=people["unit"], status=TaskStatus.REPORTED, evidence="制度文件", progress_note="")
    with django_capture_on_commit_callbacks(execute=True):
        task_close(task=task, reviewer=people["region_admin"], closed_on=timezone.localdate(), opinion="材料齐全，同意销号")
    assert told(NoticeKind.TASK_CLOSED) == {"unit", "group_member"}
    assert told(NoticeKind.WARNING_LIFTED) == {"unit", "group_member", "region_admin"}
    lifted = Notice.objects.filter(kind=NoticeKind.WARNING_LIFTED).first()
    assert "销号" in lifted.body


def test_an_extension_decided_tells_the_requester_and_the_unit(world, people):
    extension = world.home.extension
    extension.requested_by = people["unit"]
    extension.save()
    extension_reject(extension=extension, approver=people["region_admin"], opinion="理由不充分")
    assert told(NoticeKind.EXTENSION_DECIDED) == {"unit"}
    assert "未批准" in Notice.objects.get(kind=NoticeKind.EXTENSION_DECIDED).title


def test_the_hooks_for_sending_back_and_requesting_an_extension(world, people):
    task, extension = world.home.task, world.home.extension
    extension.requested_by = people["unit"]
    assert services.notify_extension_requested(extension) == 2
    assert told(NoticeKind.EXTENSION_REQUESTED) == {"group_member", "region_admin"}
    assert services.notify_extension_requested(extension) == 0

    assert services.notify_task_sent_back(task, people["group_member"], "佐证材料不全，请补充会议记录") == 1
    notice = Notice.objects.get(kind=NoticeKind.TASK_SENT_BACK)
    assert notice.recipient == people["unit"] and "佐证材料不全" in notice.body
    # A second 退回 of the same task is a new event.
    assert services.notify_task_sent_back(task, people["group_member"], "仍缺少会议记录") == 1

    extension.status, extension.decided_by, extension.decided_at = "rejected", people["region_admin"], timezone.now()
    extension.save()
    services.notify_extension_decided(extension)
    assert "未批准" in Notice.objects.get(kind=NoticeKind.EXTENSION_DECIDED).title


def test_sending_back_and_asking_for_an_extension_through_the_services_tell(world, people):
    """rectification's 退回 and 延期申请 services (which may not import notices) tell through their events."""
    task = world.home.task
    world.home.extension.delete()  # one pending request per task: the unit asks its own below
    type(task).objects.filter(pk=task.pk).update(deadline=timezone.localdate() + dt.timedelta(days=20))
    task.refresh_from_db()
    task_report_progress(task=task, user=people["unit"], status=TaskStatus.REPORTED, evidence="制度文件", progress_note="")
    task_send_back(task=task, reviewer=people["group_member"], opinion="请补充会议记录")
    assert told(NoticeKind.TASK_SENT_BACK) == {"unit"}
    assert "请补充会议记录" in Notice.objects.get(kind=NoticeKind.TASK_SENT_BACK).body
    extension_request(task=task, user=people["unit"], reason="需要配套资金",
                      new_deadline=task.deadline + dt.timedelta(days=30))
    assert told(NoticeKind.EXTENSION_REQUESTED) == {"group_member", "region_admin"}


def test_the_due_soon_scan_is_idempotent_within_a_day_and_across_days(world, people, settings):
    settings.NOTICES_DUE_SOON_DAYS = 7
    task = world.home.task
    assert services.notices_due_soon_scan(today=task.deadline - dt.timedelta(days=8)) == 0
    day = task.deadline - dt.timedelta(days=6)
    assert services.notices_due_soon_scan(today=day) == 2  # the unit user and the group member
    assert services.notices_due_soon_scan(today=day) == 0
    assert services.notices_due_soon_scan(today=day + dt.timedelta(days=1)) == 0
    assert told(NoticeKind.TASK_DUE_SOON) == {"unit", "group_member"}
    assert "还有 6 天" in Notice.objects.filter(kind=NoticeKind.TASK_DUE_SOON).first().title


def test_an_import_tells_its_uploader_how_it_ended(world, people):
    upload = SimpleUploadedFile("台账.csv", "序号,问题描述\n".encode())
    record = ledger_import(inspection=world.home.inspection, file=upload, user=people["region_admin"])
    assert record.status == "failed"
    notice = Notice.objects.get(kind=NoticeKind.LEDGER_IMPORT)
    assert notice.recipient == people["region_admin"] and notice.title == "台账导入失败：台账.csv"
    assert notice.url == f"/ledger/imports/{record.pk}/"


def test_a_parsed_article_tells_its_uploader(world, people):
    text = "咸安区委巡察办通报：2026年3月至5月，区委第一轮巡察发现问题15个，移交问题线索3件。"
    submitted = ingest_services.article_submit(name="通报.txt", data=text.encode(), user=people["region_admin"])
    ingest_services.article_extract(submitted.article.pk)
    notice = Notice.objects.get(kind=NoticeKind.ARTICLE_PARSED)
    assert notice.recipient == people["region_admin"] and notice.title.startswith("文章解析完成")


def test_inactive_users_and_blank_recipients_are_skipped(world, people):
    people["unit"].is_active = False
    people["unit"].save()
    assert services.notify(recipients=[people["unit"].pk, None], kind=NoticeKind.TASK_CLOSED, event_key="x:1",
                           title="标题") == 1  # notify itself does not filter: the audiences do
    assert services.notify_task_sent_back(world.home.task, people["group_member"], "意见") == 0
