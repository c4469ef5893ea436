"""The browser tests' live demo site and Chromium tab (Playwright on Debian's chromium)."""
import io
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections

from tests.conftest import DEMO_TODAY

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


def log_in(page, base, username, password):
    """Log in through the login form and wait for the overview."""
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


@pytest.fixture
def demo_site(regions, live_server, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False  # the live server speaks plain HTTP
    call_command("seed_demo", "--seed", "7", "--tasks", "400", "--today", DEMO_TODAY.isoformat(), stdout=io.StringIO())
    return live_server.url


@pytest.fixture
def page(monkeypatch):
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        tab = context.new_page()
        tab.errors = []
        tab.on("console", lambda message: message.type == "error" and tab.errors.append(message.text))
        tab.on("pageerror", lambda error: tab.errors.append(str(error)))
        yield tab
        # ORM calls made while Playwright's event loop runs get their own connection (asgiref's context-local
        # storage); close it here, or the test database cannot be dropped at the end of the session.
        connections.close_all()
        browser.close()
