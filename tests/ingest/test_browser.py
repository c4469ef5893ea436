"""The ingest pages in headless Chromium: status polling under the CSP, a review through the form."""
import shutil

import pytest
from django.conf import settings as django_settings
from django.db import connections
from django.test import Client

from accounts.roles import Role
from ingest import services
from ingest.choices import ArticleStatus
from ingest.models import Article, ReportedFigure
from tests.articles import XIANAN_ARTICLE
from tests.factories import make_user

playwright = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(CHROMIUM is None, reason="needs a Chromium binary")]


@pytest.fixture
def page(live_server, xianan, monkeypatch):
    # Playwright runs an event loop in this thread; the test's own ORM calls are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    admin = make_user("browser-admin", role=Role.REGION_ADMIN, region=xianan)
    client = Client()
    client.force_login(admin)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context()
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
        tab = context.new_page()
        errors = []  # script errors, and failed requests other than the favicon
        tab.on("pageerror", lambda error: errors.append(str(error)))
        tab.on("response", lambda response: errors.append(f"{response.status} {response.url}")
               if response.status >= 400 and not response.url.endswith("/favicon.ico") else None)
        tab.admin, tab.errors = admin, errors
        yield tab
        browser.close()
        # Under Playwright's running loop the ORM keeps its connections apart: close them while still inside.
        connections.close_all()



def test_the_list_follows_an_article_until_it_is_parsed(page, live_server):
    submitted = services.article_submit(name=XIANAN_ARTICLE.name, data=XIANAN_ARTICLE.read_bytes(), user=page.admin)
    page.goto(f"{live_server.url}/ingest/")
    cell = page.locator(f'[data-status-url$="/articles/{submitted.article.pk}/status/"]')
    assert cell.inner_text() == "排队中"
    services.article_extract(submitted.article.pk)  # what the worker does
    page.wait_for_selector("td.status-parsed", timeout=10_000)
    assert cell.inner_text() == "已解析" and not page.errors


def test_a_figure_accepted_on_the_review_page(page, live_server):
    submitted = services.article_submit(name=XIANAN_ARTICLE.name, data=XIANAN_ARTICLE.read_bytes(), user=page.admin)
    article = services.article_extract(submitted.article.pk)
    fact = article.facts.order_by("start_offset").first()
    page.goto(f"{live_server.url}/ingest/articles/{article.pk}/")
    assert page.locator("mark").count() == article.facts.count()
    row = page.locator(f"#fact-{fact.pk}")
    row.locator("select[name=action]").select_option("correct")
    row.locator("input[name=value]").fill("7")
    row.locator("button[type=submit]").click()
    page.wait_for_selector(".messages li.success")
    figure = ReportedFigure.objects.get(fact=fact)
    assert figure.value == 7 and figure.region == article.region
    assert page.locator(f"#fact-{fact.pk}").inner_text().count("已更正采纳") == 1
    assert Article.objects.get(pk=article.pk).status == ArticleStatus.PARSED and not page.errors


def test_scripts_in_an_uploaded_page_never_run(page, live_server):
    from tests.ingest.test_doors import HOSTILE

    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    submitted = services.article_submit(name="通报.html", data=HOSTILE.encode("utf-8"), user=page.admin)
    services.article_extract(submitted.article.pk)
    for url in ("/ingest/", f"/ingest/articles/{submitted.article.pk}/"):
        page.goto(live_server.url + url)
        page.wait_for_load_state("load")
    assert page.locator(".ingest-text").inner_text().count("<img src=x onerror=alert(1)>") == 1
    assert dialogs == []
    assert page.locator("img").count() == 0 and not page.errors


def test_figures_reviewed_a_page_at_a_time(page, live_server):
    """An article of 120 figures: the review page lists 50 at a time; a figure reviewed on page 3 is swapped in
    place there; a mark in the text for a figure of another page leads to it; 全部采纳 takes every page and
    returns to the page the reviewer was on."""
    from ingest.models import ExtractedFact
    from ingest.selectors import REVIEW_PER_PAGE

    sentence = "咸安区委巡察组发现问题12个。"
    article = Article.objects.create(title="很多数据的文章", text=sentence * 120, content_hash="many", status="parsed",
                                     region=page.admin.region, published="2026-06-01")
    ExtractedFact.objects.bulk_create(
        ExtractedFact(article=article, metric="issues_found", value=12, unit="个", start_offset=n * 15 + 8,
                      end_offset=n * 15 + 11, quote=sentence) for n in range(120))
    facts = list(article.facts.order_by("start_offset"))
    page.goto(f"{live_server.url}/ingest/articles/{article.pk}/")
    page.locator(".pagination a", has_text="下一页").first.click()
    page.locator(".pagination a", has_text="下一页").first.click()
    assert "第 3 / 3 页" in page.locator(".pagination").first.inner_text()
    assert page.locator("tr[id^=fact-]").count() == 120 - 2 * REVIEW_PER_PAGE

    last = facts[-1]
    page.locator(f"#fact-{last.pk} button[type=submit]").click()  # 采纳, through htmx
    page.wait_for_selector(".messages li.success")
    assert "已采纳" in page.locator(f"#fact-{last.pk}").inner_text() and "page=3" in page.url
    page.locator(f'.ingest-text a[href="?page=1#fact-{facts[0].pk}"]').click()  # a figure listed on page 1
    page.wait_for_url(f"**/articles/{article.pk}/?page=1#fact-{facts[0].pk}")
    assert page.locator(f"#fact-{facts[0].pk}").is_visible()

    page.goto(f"{live_server.url}/ingest/articles/{article.pk}/?page=2")
    page.get_by_role("button", name="全部采纳其余 119 条待审核数据（含其他页）").click()
    page.wait_for_selector(".messages li.success")
    assert "已采纳 119 条数据" in page.locator(".messages").inner_text() and page.url.endswith("?page=2")
    assert not article.facts.filter(review_state="pending").exists() and not page.errors
