"""The daily work on a task in a real browser (Debian's chromium, Playwright, a live server): a unit reports with
a file, the group sends it back, the unit reports again, the admin closes it after a confirmation; a unit asks for
an extension and the admin rejects it from the list of requests waiting."""
import datetime as dt

import pytest
from django.utils import timezone

from accounts.roles import Role
from rectification.models import DeadlineExtension, EvidenceFile, RectificationTask
from tests.browser import test_dashboards
from tests.factories import (
    PDF_BYTES,
    make_finding,
    make_inspection,
    make_organization,
    make_round,
    make_task,
    make_user,
)

pytestmark = test_dashboards.pytestmark  # skipped where chromium is not installed
shoot = test_dashboards.shoot


@pytest.fixture
def site(xianan, live_server, settings):
    """One task of a 咸安区 unit, due in a month, with the unit, a member of the round's group and the admin."""
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False  # the live server speaks plain HTTP
    today = timezone.localdate()
    organization = make_organization(xianan, name="咸安区示例局")
    inspection = make_inspection(make_round(xianan), organization, entry=today - dt.timedelta(days=60),
                                 feedback=today - dt.timedelta(days=30))
    task = make_task(make_finding(inspection, description="公务接待超标准"), deadline=today + dt.timedelta(days=30))
    users = {
        "unit": make_user("unit-user", role=Role.UNIT, region=xianan, organization=organization),
        "member": make_user("group-member", role=Role.GROUP_MEMBER, region=xianan),
        "admin": make_user("region-admin", role=Role.REGION_ADMIN, region=xianan),
    }
    inspection.group.member_users.add(users["member"])
    return live_server.url, task, users


def log_in(page, base, user):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", f"{user.username}-pass-9731")
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def open_task(page, base, task):
    page.goto(f"{base}/tasks/{task.pk}/progress/")


def test_report_send_back_report_again_and_close(site, page):
    base, task, users = site
    log_in(page, base, users["unit"])
    assert page.locator("#nav-todo-count").inner_text() == "1"  # 待填报
    open_task(page, base, task)
    form = page.locator("#progress-form")
    form.locator("select[name=status]").select_option("reported")
    form.locator("textarea[name=progress_note]").fill("已退回超标准接待费用")
    form.locator("input[name=files]").set_input_files(
        {"name": "退款凭证.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES})
    form.locator("button[type=submit]").click()
    page.wait_for_selector("text=整改进展已保存")
    assert page.locator("#timeline a", has_text="退款凭证.pdf").count() == 1

    log_in(page, base, users["member"])
    page.goto(f"{base}/tasks/mine/")
    page.locator("#todo-review a", has_text=f"#{task.pk}").click()
    review = page.locator("#review-form")
    review.locator("input[name=outcome][value=send_back]").check()
    review.locator("textarea[name=opinion]").fill("缺少集体研究的会议记录")
    review.locator("button[type=submit]").click()
    page.wait_for_selector("text=已退回整改单位重新整改")

    log_in(page, base, users["unit"])
    page.goto(f"{base}/tasks/mine/")
    assert "缺少" not in page.locator("#todo-sent_back").inner_text()  # the list names the task, the page says why
    page.locator("#todo-sent_back a", has_text=f"#{task.pk}").click()
    assert page.locator("#timeline", has_text="缺少集体研究的会议记录").count() == 1
    form = page.locator("#progress-form")
    form.locator("select[name=status]").select_option("reported")
    form.locator("textarea[name=evidence]").fill("党组会议记录（第12次）")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("text=整改进展已保存")

    log_in(page, base, users["admin"])
    open_task(page, base, task)
    review = page.locator("#review-form")
    assert review.locator("input[name=closed_on]").input_value() == timezone.localdate().isoformat()
    review.locator("input[name=outcome][value=pass]").check()
    review.locator("textarea[name=opinion]").fill("整改到位，同意销号")
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    review.locator("button[type=submit]").click()  # dismissed: nothing is sent
    assert dialogs and "销号" in dialogs[0]
    task.refresh_from_db()
    assert task.status == "reported"
    page.once("dialog", lambda dialog: dialog.accept())
    review.locator("button[type=submit]").click()
    page.wait_for_selector("text=验收通过，已销号")
    shoot(page, "20-task-closed")
    assert not page.errors, page.errors

    task.refresh_from_db()
    assert (task.status, task.closed_on) == ("closed", timezone.localdate())
    kinds = list(task.progress_records.values_list("kind", "created_by__username"))
    assert kinds == [("report", "unit-user"), ("sent_back", "group-member"), ("report", "unit-user"),
                     ("accepted", "region-admin")]
    assert EvidenceFile.objects.get(record__task=task).name == "退款凭证.pdf"


def test_an_extension_is_asked_and_rejected(site, page):
    base, task, users = site
    log_in(page, base, users["unit"])
    open_task(page, base, task)
    asked_for = (task.deadline + dt.timedelta(days=30)).isoformat()
    form = page.locator("#extension-form")
    form.locator("textarea[name=reason]").fill("需财政部门配合追缴")
    form.locator("input[name=new_deadline]").fill(asked_for)
    form.locator("button[type=submit]").click()
    page.wait_for_selector("text=延期申请已提交")
    assert page.locator("#extension-form").count() == 0  # one pending request at a time

    log_in(page, base, users["admin"])
    page.goto(f"{base}/tasks/mine/")
    assert page.locator("#todo-extensions", has_text=f"#{task.pk}").count() == 1
    page.goto(f"{base}/tasks/extensions/")
    row = page.locator("#extension-list tr", has_text="需财政部门配合追缴")
    row.locator("input[name=decision][value=reject]").check()
    row.locator("textarea[name=opinion]").fill("可在原时限内完成，不予延期")
    row.locator("button[type=submit]").click()
    page.wait_for_selector("text=延期申请已审批")
    assert page.locator("#extension-list", has_text="需财政部门配合追缴").count() == 0
    shoot(page, "21-extension-rejected")
    assert not page.errors, page.errors

    extension = DeadlineExtension.objects.get(task=task)
    assert (extension.status, extension.decided_by, extension.decision_note) == (
        "rejected", users["admin"], "可在原时限内完成，不予延期")
    assert RectificationTask.objects.get(pk=task.pk).deadline == task.deadline
