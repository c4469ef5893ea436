"""Swagger UI and Redoc render in headless Chromium under the site's CSP (no CDN, no blocked script)."""
import os
import shutil

import pytest

from accounts.roles import Role
from tests.factories import make_user

playwright = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs a Chromium binary (apt-get install chromium)")


@pytest.fixture(scope="module")
def browser():
    # Playwright's sync API keeps an event loop on this thread; Django then refuses database calls
    # from the test (flushes, fixtures) unless told that this thread is synchronous code.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with playwright.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path, ready", [
    ("/api/schema/swagger/", "#swagger-ui .opblock-tag"),  # the operations, grouped by tag
    ("/api/schema/redoc/", "redoc [role=navigation], redoc .menu-content"),
])
def test_docs_page_renders_without_csp_violations(live_server, browser, path, ready, xianan):
    make_user("docs-browser", role=Role.VIEWER, region=xianan)
    page = browser.new_page()
    problems, outside, failed = [], [], []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda request: request.url.startswith((live_server.url, "data:", "blob:"))
            or outside.append(request.url))
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto(live_server.url + path)  # sent to log in first, then back to the page
    page.fill("input[name=username]", "docs-browser")
    page.fill("input[name=password]", "docs-browser-pass-9731")
    page.click("button[type=submit]")
    page.wait_for_selector(ready, timeout=20000)
    assert page.url == live_server.url + path
    assert "rates" in page.content()
    # everything the page needs is allowed: no inline code refused, no script error
    assert not [p for p in problems if "inline" in p or "eval" in p or "Uncaught" in p], problems
    # Redoc's footer logo points at its CDN: the CSP blocks it, so nothing leaves the closed network
    assert set(outside) <= set(failed), outside
    page.close()
