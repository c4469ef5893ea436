"""The dashboards in a real browser: Debian's chromium driven by Playwright against a live server on demo data.

Logs in through the login form, opens every page, applies a filter (htmx, URL pushed), drills down a region,
compares the figures on screen with the database, checks that charts are drawn and that the CSP was not
violated, and saves a screenshot of each page (and the A4 print of the briefings) under artifacts/screenshots/.
"""
import re
from pathlib import Path

import pytest

from inspection.models import Finding, Inspection, Region
from rectification.choices import RateScope
from rectification.models import RateSnapshot, RectificationTask, TaskWarning
from tests.browser.conftest import CHROMIUM, SCREENSHOTS
from tests.conftest import DEMO_TODAY

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed (apt-get install chromium)")


def number(text: str) -> int:
    return int(re.sub(r"[^\d]", "", text))


def kpi(page, name) -> str:
    return page.locator(f"[data-kpi={name}]").first.inner_text().strip()


def shoot(page, name):
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_dashboards_in_chromium(demo_site, page):
    base = demo_site
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", "xuncha-demo-admin")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")

    # Overview: the cards equal the database (counts) and the city's snapshot (rates).
    city = Region.objects.get(code="421200")
    snapshot = RateSnapshot.objects.get(scope=RateScope.REGION, region=city, day=DEMO_TODAY)
    inspections = Inspection.objects.filter(organization__region__code__startswith="4212")
    assert number(kpi(page, "rounds")) == inspections.values("round").distinct().count()
    assert number(kpi(page, "units")) == inspections.values("organization").distinct().count()
    assert number(kpi(page, "findings")) == Finding.objects.filter(inspection__in=inspections).count()
    assert number(kpi(page, "tasks")) == snapshot.tasks_total == RectificationTask.objects.count()
    assert kpi(page, "rate") == f"{snapshot.rate}%"
    assert number(kpi(page, "overdue")) == snapshot.overdue
    assert number(kpi(page, "active_warnings")) == TaskWarning.objects.filter(lifted_at__isnull=True).count()
    page.wait_for_selector("#chart-by-round + * svg, [data-source=chart-by-round] svg")
    assert page.locator("[data-chart] svg").count() == 2, "both overview charts are drawn"
    shoot(page, "01-overview")
    page.emulate_media(media="print")
    assert page.locator(".print-header").is_visible() and "督查情况专报" in page.locator(".print-header").inner_text()
    assert not page.locator(".site-header").is_visible()
    page.pdf(path=str(SCREENSHOTS / "01-overview-a4.pdf"), format="A4", print_background=True)
    page.emulate_media(media="screen")

    # Region drill-down: city → a county (its rolled-up rate from its snapshot) → a unit of the ranking.
    page.click("nav.site-nav >> text=地区")
    page.wait_for_url(f"{base}/regions/421200/")
    assert page.locator("[data-source=chart-children] svg").count() == 1
    shoot(page, "02-region-city")
    page.click("#child-regions >> text=咸安区")
    page.wait_for_url(f"{base}/regions/421202/")
    county = RateSnapshot.objects.get(scope=RateScope.REGION, region__code="421202", day=DEMO_TODAY)
    assert kpi(page, "rate") == f"{county.rate}%"
    assert number(kpi(page, "tasks")) == county.tasks_total
    assert "咸宁市 › 咸安区" in page.locator(".breadcrumbs").inner_text()
    shoot(page, "03-region-county")
    page.click("#ranking tbody tr:first-child td:nth-child(2) a")
    page.wait_for_url(re.compile(r".*/organizations/\d+/$"))
    organization_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    unit = RateSnapshot.objects.get(scope=RateScope.ORGANIZATION, organization_id=organization_id, day=DEMO_TODAY)
    assert number(kpi(page, "tasks")) == unit.tasks_total
    shoot(page, "04-organization")

    # Round page, from the organisation's rounds.
    page.click("main ul li a[href^='/rounds/']")
    page.wait_for_url(re.compile(r".*/rounds/\d+/$"))
    round_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    units = page.locator("table.data").nth(1).locator("tbody tr")
    assert units.count() == Inspection.objects.filter(round_id=round_id, organization__region__code__startswith="4212").count()
    assert page.locator("progress").count() >= 1
    shoot(page, "05-round")
    page.emulate_media(media="print")
    page.pdf(path=str(SCREENSHOTS / "05-round-a4.pdf"), format="A4", print_background=True)
    page.emulate_media(media="screen")

    # Task list: filter by stage without a reload; the URL keeps the filter; the total equals the database's.
    page.goto(f"{base}/tasks/")
    shoot(page, "06-tasks")
    page.evaluate("window.notReloaded = true")
    page.select_option("select[name=stage]", "overdue")
    page.wait_for_url(re.compile(r".*stage=overdue.*"))
    page.wait_for_load_state("networkidle")
    overdue = RectificationTask.objects.overdue_on(__import__("django.utils.timezone").utils.timezone.localdate()).count()
    assert number(page.locator(".pagination .total").inner_text()) == overdue
    assert "stage=overdue" in page.locator("a.download").get_attribute("href")
    assert page.evaluate("window.notReloaded === true"), "htmx swapped the results without loading a new page"
    # Only the filters in use are in the URL (the list starts at open tasks, which the form shows and sends).
    assert re.search(r"/tasks/\?(open=true&stage=overdue|stage=overdue&open=true)$", page.url), page.url
    shoot(page, "07-tasks-filtered")
    page.goto(page.url)  # the pushed URL opens the same filtered view
    assert page.locator("select[name=stage]").input_value() == "overdue"
    assert number(page.locator(".pagination .total").inner_text()) == overdue

    page.goto(f"{base}/findings/")
    assert number(page.locator(".pagination .total").inner_text()) == Finding.objects.count()
    shoot(page, "08-findings")
    page.goto(f"{base}/warnings/?active=true")
    assert number(page.locator(".pagination .total").inner_text()) == TaskWarning.objects.filter(lifted_at__isnull=True).count()
    shoot(page, "09-warnings")
    page.click("nav.site-nav >> text=报道文章")
    page.wait_for_url(f"{base}/ingest/")
    shoot(page, "10-articles")

    assert not page.errors, page.errors  # no script errors and no CSP violations on any page

