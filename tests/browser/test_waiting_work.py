"""后台工作 in headless Chromium: a region admin finds it in the navigation, sees what waits and since when (an
article queued for 10 minutes flagged 可能卡住, another region's hidden), and retries a failed article there."""
import datetime as dt

import pytest
from django.utils import timezone

from accounts.roles import Role
from ingest.models import Article
from rectification.models import PendingRateScope, PendingWarningRefresh
from tests.browser.conftest import log_in
from tests.factories import make_finding, make_inspection, make_organization, make_round, make_task, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_operator_sees_the_waiting_work_and_retries_a_failed_article(page, live_server, regions, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False  # the live server speaks plain HTTP
    xianan, tongcheng = regions.get(code="421202"), regions.get(code="421222")
    make_user("ops-admin", role=Role.REGION_ADMIN, region=xianan)
    long_ago = timezone.now() - dt.timedelta(minutes=10)
    stuck = Article.objects.create(title="排队很久的文章", content=b"text", file_name="a.txt", region=xianan)
    Article.objects.filter(pk=stuck.pk).update(created_at=long_ago, queued_at=long_ago)
    failed = Article.objects.create(title="解析失败的文章", content=b"text", file_name="b.txt", region=xianan,
                                    status="failed", error="解析超时，已停止")
    Article.objects.create(title="别处的文章", content=b"text", file_name="c.txt", region=tongcheng)
    task = make_task(make_finding(make_inspection(make_round(xianan), make_organization(xianan))))
    PendingWarningRefresh.objects.all().delete()
    PendingWarningRefresh.objects.create(task=task)
    PendingRateScope.objects.all().delete()  # what the saves above touched
    PendingRateScope.objects.create(scope_key="region:421202")

    log_in(page, live_server.url, "ops-admin", "ops-admin-pass-9731")
    page.get_by_role("link", name="后台工作").click()
    page.wait_for_url("**/work/")
    rows = {key: page.locator(f"#waiting-{key}").inner_text() for key in ("rates", "warnings", "articles")}
    assert "\t1\t" in rows["warnings"] and "\t1\t" in rows["rates"]
    assert "可能卡住" in rows["articles"]  # waiting 10 minutes: a worker, beat or Redis is down
    listed = page.locator("#articles-waiting").inner_text()
    assert "排队很久的文章" in listed and "解析超时" in listed and "别处的文章" not in listed

    page.locator(f"#article-{failed.pk}").get_by_role("button", name="重新解析").click()
    page.wait_for_selector(".messages li.success")
    assert "已重新排队" in page.locator(".messages").inner_text()
    failed.refresh_from_db()
    assert failed.status in ("queued", "parsing", "parsed")  # parsed at once when Celery runs in-process
    assert not page.errors
