"""The bell, the notices page and a document download in Chromium, on the demo data (seed_demo tells the demo logins)."""
import io
from pathlib import Path

import pytest
from docx import Document

from notices.models import IssuedDocument, Notice
from tests.browser.conftest import CHROMIUM, SCREENSHOTS, demo_site, log_in, page  # noqa: F401 (fixtures)

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed (apt-get install chromium)")


def test_a_unit_user_reads_notices_from_the_bell(demo_site, page):  # noqa: F811
    base = demo_site
    log_in(page, base, "xianan-unit", "xuncha-demo-xianan-unit")
    unread = Notice.objects.filter(recipient__username="xianan-unit", read_at__isnull=True).count()
    assert unread > 0
    assert page.locator(".notice-count").inner_text() == str(unread)
    page.click(".notice-bell")
    page.wait_for_url(f"{base}/notices/")
    page.screenshot(path=str(SCREENSHOTS / "20-notices.png"), full_page=True)
    first = page.locator("table.notices tbody tr").first
    title = first.locator("td:nth-child(4) a").inner_text()
    assert title == Notice.objects.filter(recipient__username="xianan-unit").first().title
    first.locator("td:nth-child(4) a").click()
    page.wait_for_url(f"{base}/organizations/**")
    assert page.locator(".notice-count").inner_text() == str(unread - 1)

    page.goto(f"{base}/notices/")
    page.select_option("select[name=kind]", "warning_issued")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(f"{base}/notices/?kind=warning_issued**")
    kinds = page.locator("table.notices tbody td:nth-child(3)").all_inner_texts()
    assert kinds and set(kinds) == {"预警发出"}
    page.click("text=全部标为已读")
    page.wait_for_url(f"{base}/notices/**")
    assert page.locator(".notice-count").count() == 0
    assert not page.errors, page.errors


def test_a_region_admin_downloads_a_supervision_notice(demo_site, page):  # noqa: F811
    base = demo_site
    log_in(page, base, "xianan-admin", "xuncha-demo-xianan-admin")
    page.goto(f"{base}/notices/documents/")
    page.screenshot(path=str(SCREENSHOTS / "21-documents.png"), full_page=True)
    with page.expect_download() as download:
        page.locator("text=督办通知书（逾期任务）").first.click()
    content = download.value.path().read_bytes()
    record = IssuedDocument.objects.get()
    assert download.value.suggested_filename == f"督办通知书_{record.number}.docx"
    texts = [p.text for p in Document(io.BytesIO(content)).paragraphs]
    assert record.number in texts and f"{record.addressee}：" in texts
    assert not page.errors, page.errors
