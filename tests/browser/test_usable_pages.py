"""Issue 19 in Chromium: pages staff can use without knowing ids, with figures that say where they come from.

Labels stay Chinese after the API schema is generated; organisation, round and region are chosen by name and
the id travels in the URL; an unmatched name says so; the list answers as you type; error pages are Chinese with
a way back; figures state their source; a bar of a chart opens its page; the printed briefing has its masthead and
summary; warning levels differ by shape; an article's figures are reviewed in place. Screenshots go to
artifacts/screenshots/ (kept by CI).
"""
import re
from pathlib import Path

import pytest

from inspection.models import Organization
from tests.browser.conftest import CHROMIUM, SCREENSHOTS, log_in
from tests.browser.test_dashboards import shoot

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason="chromium is not installed (apt-get install chromium)")


def labels(page) -> list[str]:
    return [text.strip() for text in page.locator("form.filters label.filter-field, form.filters legend").all_inner_texts()]


def test_filters_by_name_and_labels_that_stay_chinese(demo_site, page):
    base = demo_site
    log_in(page, base, "admin", "xuncha-demo-admin")
    page.goto(f"{base}/tasks/")
    before = labels(page)
    assert any("整改状态" in label for label in before)
    # Generating the schema (a download, so fetched with the tab's session) used to turn these English for everyone.
    assert page.request.get(f"{base}/api/schema/").ok
    page.goto(f"{base}/tasks/")
    assert labels(page) == before and not any(re.search(r"[A-Za-z]{4,}", label) for label in labels(page))

    # Organisation by name: type, choose, the id goes into the URL and the list narrows.
    organization = Organization.objects.filter(region__code="421202", inspections__isnull=False).order_by("pk").first()
    box = page.locator(".filter-organization input.lookup")
    box.fill(organization.name[:4])
    option = f"{organization.name}（{organization.region.name}）"
    page.wait_for_function("([id, v]) => [...document.getElementById(id).options].some(o => o.value === v)",
                           arg=["lookup-organization", option])
    page.evaluate("window.notReloaded = true")
    box.fill(option)
    box.dispatch_event("change")
    page.wait_for_function("(id) => location.search.includes('organization=' + id)", arg=organization.pk)
    page.wait_for_load_state("networkidle")
    rows = page.locator("#results table.data tbody tr td:nth-child(2)").all_inner_texts()
    assert rows and set(rows) == {organization.name}
    assert page.evaluate("window.notReloaded === true")
    shoot(page, "19-01-tasks-by-organisation")

    # A name that matches nothing says so and keeps the list.
    box.fill("没有这个单位")
    box.dispatch_event("change")
    page.wait_for_selector("#id_organization-message:has-text('未找到')")
    assert f"organization={organization.pk}" in page.url  # the list stays as it was

    # Region by name or code; an unknown region is an error, not an empty list.
    page.goto(f"{base}/tasks/")
    region = page.locator(".filter-region input")
    region.fill("咸安区")
    region.dispatch_event("change")
    page.wait_for_function("() => location.search.includes('region=')")
    page.wait_for_load_state("networkidle")
    assert set(page.locator("#results table.data tbody tr td:nth-child(2)").all_inner_texts()) <= set(
        Organization.objects.filter(region__code="421202").values_list("name", flat=True))
    region.fill("火星区")
    region.dispatch_event("change")
    page.wait_for_selector("text=没有名为“火星区”的地区")
    shoot(page, "19-02-tasks-unknown-region")

    # Search as you type (debounced): no button, no change event.
    page.goto(f"{base}/tasks/")
    page.locator("input[name=q]").press_sequentially("问题", delay=50)
    page.wait_for_function("() => location.search.includes('q=')")
    # Checkboxes (chips) instead of multi-selects, each labelled.
    page.goto(f"{base}/warnings/")
    assert page.locator("select[multiple]").count() == 0 and page.locator("input[type=checkbox][name=level]").count() == 3
    # The page's stylesheet marks each level with its own shape (a badge of each level, as the tables render it).
    red, yellow = (page.evaluate("""(level) => {
        const badge = document.createElement('span');
        badge.className = 'badge level-' + level;
        document.body.appendChild(badge);
        return getComputedStyle(badge, '::before').content;
    }""", level) for level in ("red", "yellow"))
    assert red != yellow and "none" not in (red, yellow)  # told apart by shape, not colour alone
    shoot(page, "19-03-warnings")
    assert not page.errors, page.errors


def test_figures_say_where_they_come_from_charts_drill_down_and_the_briefing_prints(demo_site, page):
    base = demo_site
    log_in(page, base, "admin", "xuncha-demo-admin")
    source = " ".join(page.locator("p.source").all_inner_texts())
    assert "实时记录" in source and "整改率快照" in source and "截至" in source
    page.wait_for_selector("[data-source=chart-by-round] svg")
    shoot(page, "19-04-overview")
    # Click the first bar of the rounds chart: its round's page opens.
    point = page.evaluate("""() => {
        const node = document.querySelector('[data-source=chart-by-round]');
        const chart = echarts.getInstanceByDom(node);
        const data = chart.getModel().getSeriesByIndex(0).getData();
        let index = 0;
        while (index < data.count() - 1 && !(data.get('y', index) > 0)) { index += 1; }
        const bar = data.getItemLayout(index);
        const box = node.getBoundingClientRect();
        return [box.left + bar.x + bar.width / 2, box.top + bar.y + bar.height / 2];
    }""")
    page.mouse.move(*point)
    page.wait_for_timeout(300)  # the tooltip (full round name) shows without breaking the CSP
    page.mouse.click(*point)
    page.wait_for_url(re.compile(r".*/rounds/\d+/$"))
    shoot(page, "19-05-round-from-chart")
    page.goto(f"{base}/")
    page.emulate_media(media="print")
    header = page.locator(".print-header").inner_text()
    assert re.search(r"\d{4}年第\d+期", header) and "内部资料" in header and "巡察工作领导小组办公室" in header
    assert "共有整改任务" in page.locator(".print-summary").inner_text()
    page.pdf(path=str(SCREENSHOTS / "19-06-briefing-a4.pdf"), format="A4", print_background=True)
    page.emulate_media(media="screen")
    # A district's page adds up with the city's own level row.
    page.goto(f"{base}/regions/421200/")
    assert page.locator("tr.direct-units").count() == 1
    shoot(page, "19-07-city-with-city-level")
    # Errors: a Chinese page with a way back.
    assert not page.errors, page.errors
    page.goto(f"{base}/organizations/999999/")
    assert "没有找到该页面或记录" in page.locator("main").inner_text()
    assert page.errors == ["Failed to load resource: the server responded with a status of 404 (Not Found)"]
    page.errors.clear()  # that 404 was the point
    shoot(page, "19-08-not-found")
    page.click("text=返回总览")
    page.wait_for_url(f"{base}/")
    assert not page.errors, page.errors


def test_an_article_is_reviewed_in_place(demo_site, page):
    from ingest.choices import ReviewState
    from ingest.models import ExtractedFact

    base = demo_site
    log_in(page, base, "admin", "xuncha-demo-admin")
    fact = ExtractedFact.objects.filter(review_state=ReviewState.PENDING).order_by("article_id", "pk").first()
    assert fact is not None, "the demo leaves some figures to review"
    page.goto(f"{base}/ingest/articles/{fact.article_id}/")
    row = page.locator(f"#fact-{fact.pk}")
    row.scroll_into_view_if_needed()
    page.evaluate("window.notReloaded = true")
    before = page.evaluate("window.scrollY")
    row.locator("select[name=action]").select_option("reject")
    assert row.get_by_label("统计期截至").count() == 1  # labelled fields
    row.locator("button[type=submit]").click()
    page.wait_for_function("(id) => document.getElementById(id).innerText.includes('已驳回')", arg=f"fact-{fact.pk}")
    assert page.evaluate("window.notReloaded === true") and abs(page.evaluate("window.scrollY") - before) < 50
    assert "已审核" in page.locator("#messages").inner_text()
    shoot(page, "19-09-article-review-in-place")
    assert not page.errors, page.errors


def cascade_selects(page):
    return page.locator(".filter-region .region-cascade select")


def test_regions_browse_down_level_by_level_and_the_article_list_answers_as_you_type(demo_site, page):
    from ingest.models import Article

    base = demo_site
    log_in(page, base, "admin", "xuncha-demo-admin")  # 咸宁市: 湖北省 and 咸宁市 fixed, its counties to choose
    page.goto(f"{base}/tasks/")
    cascade_selects(page).nth(2).wait_for()
    levels = [text.split()[0] for text in page.locator(".region-cascade label").all_inner_texts()]
    assert levels == ["省", "市", "县（市、区）"]
    assert cascade_selects(page).nth(0).is_disabled() and cascade_selects(page).nth(1).input_value() == "421200"
    page.evaluate("window.notReloaded = true")
    cascade_selects(page).nth(2).select_option("421202")
    page.wait_for_function("() => decodeURIComponent(location.search).includes('421202')")
    page.wait_for_load_state("networkidle")
    assert page.locator(".filter-region input.region-box").input_value() == "咸安区（421202）"
    rows = page.locator("#results table.data tbody tr td:nth-child(2)").all_inner_texts()
    assert rows and set(rows) <= set(Organization.objects.filter(region__code="421202").values_list("name", flat=True))
    shoot(page, "19-10-tasks-region-cascade")
    cascade_selects(page).nth(2).select_option("")  # 全部: back to the whole city, no region in the URL
    page.wait_for_function("() => !location.search.includes('region=')")
    box = page.locator(".filter-region input.region-box")
    box.fill("通城县")  # a name typed into the box sets the cascade too
    box.dispatch_event("change")
    page.wait_for_function("() => (document.querySelectorAll('.region-cascade select')[2] || {}).value === '421222'")
    assert page.evaluate("window.notReloaded === true")

    # The article list: the title box answers as you type, the region by the same cascade; no reload.
    page.goto(f"{base}/ingest/")
    assert f"共 {Article.objects.count()} 篇" in page.locator("#results").inner_text()
    page.evaluate("window.notReloaded = true")
    page.locator("input[name=q]").press_sequentially("咸安", delay=50)
    page.wait_for_function("() => location.search.includes('q=')")
    page.wait_for_load_state("networkidle")
    expected = Article.objects.filter(title__icontains="咸安").count()
    assert 0 < expected < Article.objects.count()
    assert f"共 {expected} 篇" in page.locator("#results").inner_text()
    assert len(page.locator("#results table tbody tr").all()) == expected
    page.locator("input[name=q]").fill("")
    page.locator("input[name=q]").dispatch_event("input")
    page.wait_for_function("() => !location.search.includes('q=')")
    cascade_selects(page).nth(2).wait_for()
    cascade_selects(page).nth(2).select_option("421222")
    page.wait_for_function("() => decodeURIComponent(location.search).includes('421222')")
    page.wait_for_load_state("networkidle")
    regions = page.locator("#results table tbody tr td:nth-child(3)").all_inner_texts()
    assert regions and set(regions) == {"通城县"}
    assert len(regions) == Article.objects.filter(region__code="421222").count()
    shoot(page, "19-11-articles-live-filters")
    # Picking a name from the typeahead's list filters at once (no Enter, no leaving the box).
    box = page.locator(".filter-region input.region-box")
    box.fill("")
    box.press_sequentially("咸安", delay=50)
    page.wait_for_function("() => [...document.getElementById('lookup-region').options].some(o => o.value === '咸安区（421202）')")
    box.fill("咸安区（421202）")
    page.wait_for_function("() => decodeURIComponent(location.search).includes('421202')")
    page.wait_for_load_state("networkidle")
    assert set(page.locator("#results table tbody tr td:nth-child(3)").all_inner_texts()) == {"咸安区"}
    page.wait_for_function("() => (document.querySelectorAll('.region-cascade select')[2] || {}).value === '421202'")
    page.locator(".filter-region input.region-box").fill("火星区")
    page.locator(".filter-region input.region-box").dispatch_event("change")
    page.wait_for_selector("#results >> text=没有名为“火星区”的地区")
    assert page.evaluate("window.notReloaded === true")
    assert not page.errors, page.errors


def test_a_figure_of_the_first_rounds_is_compared_over_those_rounds(demo_site, page):
    from accounts.models import User
    from ingest import services
    from inspection.models import Finding, InspectionRound, Region
    from tests.conftest import DEMO_TODAY

    base = demo_site
    city, admin = Region.objects.get(code="421200"), User.objects.get(username="admin")
    text = "咸宁市委巡察工作情况\n本届市委前3轮巡察共发现问题10个。"
    submitted = services.article_submit(name="前三轮.txt", data=text.encode(), user=admin, region=city, published=DEMO_TODAY)
    article = services.article_extract(submitted.article.pk)
    fact = article.facts.get(metric="issues_found")
    term = InspectionRound.objects.filter(organizer=city).order_by("-term").values_list("term", flat=True).first()
    rounds = InspectionRound.objects.filter(organizer=city, term=term, number__lte=3).order_by("number")
    assert rounds.exists()
    tracked = Finding.objects.filter(inspection__round__in=rounds).count()

    log_in(page, base, "admin", "xuncha-demo-admin")
    page.goto(f"{base}/ingest/articles/{article.pk}/")
    row = page.locator(f"#fact-{fact.pk}")
    assert "统计期依据：原文“前3轮”：本届第一至第三轮" in row.inner_text()
    assert row.get_by_label("按本届前").input_value() == "3"  # the reviewer may change or clear N
    row.locator("select[name=action]").select_option("accept")
    row.locator("button[type=submit]").click()
    page.wait_for_function("(id) => document.getElementById(id).innerText.includes('已采纳')", arg=f"fact-{fact.pk}")
    comparison = page.locator("#comparisons tbody tr").filter(has_text="发现问题")
    comparison.wait_for()
    line = comparison.inner_text()
    assert f"本届前3轮（截至 {DEMO_TODAY:%Y-%m-%d}）" in line
    numbers = "、".join(str(r.number) for r in rounds)
    assert f"按前3轮（第一至第三轮）统计：咸宁市委第{term}届第{numbers}轮" in line
    assert f"{tracked}（巡察记录）" in line
    shoot(page, "19-12-article-first-rounds")
    assert not page.errors, page.errors


def test_every_role_sees_the_same_figures_on_overview_drill_down_and_list(demo_site, page):
    from accounts.models import User

    base = demo_site

    def cards():
        return {name: page.locator(f"[data-kpi={name}]").first.inner_text().strip()
                for name in ("tasks", "closed", "rate", "overdue")}

    for username in ("admin", "xianan", "xianan-admin", "xianan-group", "xianan-unit"):
        page.context.clear_cookies()
        log_in(page, base, username, f"xuncha-demo-{username}")
        overview = cards()
        assert "整改率快照，截至" in page.locator("main").inner_text(), username
        user = User.objects.get(username=username)
        detail = (f"/organizations/{user.organization_id}/" if user.organization_id else f"/regions/{user.region.code}/")
        page.goto(base + detail)
        assert cards() == overview, (username, detail)
        page.goto(f"{base}/tasks/?open=all")
        total = page.locator(".pagination .total").inner_text()
        assert total == f"共 {overview['tasks']} 条（实时记录）", (username, total)
        shoot(page, f"19-13-figures-{username}")
    assert not page.errors, page.errors


def test_lists_put_open_tasks_first_and_link_the_import_and_refusals_are_chinese(demo_site, page):
    from inspection.models import Inspection

    base = demo_site
    log_in(page, base, "admin", "xuncha-demo-admin")
    page.goto(f"{base}/tasks/")
    rows = page.locator("#results table.data tbody tr")
    statuses = rows.locator("td:nth-child(7)").all_inner_texts()
    deadlines = rows.locator("td:nth-child(5)").all_inner_texts()
    assert statuses and "已销号" not in statuses and deadlines == sorted(deadlines)  # open first, most urgent first
    stages = rows.locator("td:nth-child(6) .badge").all_inner_texts()
    assert set(stages).isdisjoint(statuses)  # 阶段 (by dates) and 状态 (by the work) say different things
    page.goto(f"{base}/findings/")
    assert "整改状态" in page.locator("#results thead").inner_text()
    inspection = Inspection.objects.filter(organization__region__code="421202").order_by("pk").first()
    page.goto(f"{base}/rounds/{inspection.round_id}/")
    page.click(f"a[href='/ledger/inspections/{inspection.pk}/import/']")
    page.wait_for_selector("h1:has-text('导入问题清单')")
    shoot(page, "19-14-import-from-round")

    # A viewer is offered no import, and the address typed anyway is refused in Chinese with a way back.
    page.context.clear_cookies()
    log_in(page, base, "xianan", "xuncha-demo-xianan")
    page.goto(f"{base}/rounds/{inspection.round_id}/")
    assert page.locator("a[href*='/import/']").count() == 0
    page.goto(f"{base}/ledger/inspections/{inspection.pk}/import/")
    assert "只有巡察办管理员可以导入整改台账" in page.locator("main").inner_text()
    assert page.locator("a:has-text('返回总览')").count() == 1
    shoot(page, "19-15-forbidden")
    assert page.errors == ["Failed to load resource: the server responded with a status of 403 (Forbidden)"]


def test_an_article_about_another_county_is_flagged_and_accept_the_rest_leaves_it(demo_site, page):
    from accounts.models import User
    from ingest import services
    from ingest.choices import ReviewState
    from tests.conftest import DEMO_TODAY

    base = demo_site
    uploader = User.objects.get(username="xianan-admin")  # 咸安区
    text = "咸安区委巡察工作推进会召开\n2025年，通城县委巡察共发现问题20个，移交问题线索5件。咸安区委前两轮巡察发现问题12个。"
    submitted = services.article_submit(name="推进会.txt", data=text.encode(), user=uploader, published=DEMO_TODAY)
    article = services.article_extract(submitted.article.pk)
    away = list(article.facts.filter(subject_region__code="421222"))
    home = list(article.facts.filter(subject_region__code="421202"))
    assert away and home and article.region.code == "421202"

    log_in(page, base, "xianan-admin", "xuncha-demo-xianan-admin")
    page.goto(f"{base}/ingest/articles/{article.pk}/")
    flag = page.locator("p.flag").inner_text()
    assert "通城县（421222）" in flag and "不在上传人" in flag
    for fact in away:  # out of scope: only 驳回 is offered, and the row says why
        row = page.locator(f"#fact-{fact.pk}")
        assert "不在您的管辖范围内，只能驳回" in row.inner_text() and row.locator("select[name=action]").count() == 0
    shoot(page, "19-16-article-flagged")
    page.get_by_role("button", name=re.compile(r"^全部采纳其余 \d+ 条待审核数据")).click()
    page.wait_for_selector(f"#messages >> text=已采纳 {len(home)} 条数据")
    assert f"{len(away)} 条未采纳" in page.locator("#messages").inner_text()
    states = dict(article.facts.values_list("pk", "review_state"))
    assert {states[f.pk] for f in home} == {ReviewState.ACCEPTED} and {states[f.pk] for f in away} == {ReviewState.PENDING}
    assert not page.errors, page.errors
