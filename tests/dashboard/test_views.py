"""The dashboard pages: scoping, figures from snapshots, filters, htmx fragments, keyset pages, exports, CSP."""
import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from inspection.models import Finding
from rectification.choices import RateScope
from rectification.models import RateSnapshot, RectificationTask, TaskWarning
from tests.factories import make_user

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def body(response):
    return response.content.decode()


def page_urls(place):
    """Every dashboard page, with an object of `place`."""
    return {
        "overview": reverse("dashboard:overview"),
        "round": reverse("dashboard:round_detail", args=[place.round.pk]),
        "organization": reverse("dashboard:organization_detail", args=[place.organization.pk]),
        "region": reverse("dashboard:region_detail", args=[place.region.code]),
        "city": reverse("dashboard:region_detail", args=["421200"]),
        "tasks": reverse("dashboard:task_list"),
        "tasks filtered": reverse("dashboard:task_list") + f"?round={place.round.pk}&category=integrity&stage=overdue&q=问题",
        "tasks last page": reverse("dashboard:task_list") + "?last=1",
        "tasks htmx": reverse("dashboard:task_list") + "?overdue=true",
        "findings": reverse("dashboard:finding_list") + "?status=in_progress&overdue=true",
        "warnings": reverse("dashboard:warning_list") + "?active=true&level=red",
    }


def test_every_page_runs_the_same_number_of_queries_at_two_sizes(client, home, away, city_viewer):
    client.force_login(city_viewer)

    def counts():
        result = {}
        for name, url in page_urls(home).items():
            headers = {"HX-Request": "true"} if "htmx" in name else {}
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url, headers=headers)
            assert response.status_code == 200, (name, response.status_code)
            result[name] = len(queries)
        return result

    small = counts()
    home.grow(units=6, tasks=25)  # 6 more units in the round, 150 more tasks, warnings, leads, snapshots
    large = counts()
    assert RectificationTask.objects.filter(round=home.round).count() > 20 * 2
    assert small == large
    print("queries per page:", large)


def test_overview_shows_the_snapshot_of_the_users_region_and_cheap_counts(client, home, away, viewer):
    client.force_login(viewer)
    response = client.get("/")
    snapshot = RateSnapshot.objects.get(scope=RateScope.REGION, region=home.region, day=timezone.localdate())
    text = body(response)
    assert f'data-kpi="rate">{snapshot.rate}%' in text
    assert f'data-kpi="tasks">{snapshot.tasks_total}' in text
    # From the region's snapshot, which counts them as the COUNTs over the region would.
    findings = Finding.objects.filter(inspection__round=home.round).count()
    warnings = TaskWarning.objects.filter(task__region=home.region, lifted_at__isnull=True).count()
    assert (snapshot.findings, snapshot.warnings_active) == (findings, warnings) and findings and warnings
    assert f'data-kpi="findings">{findings}' in text
    assert f'data-kpi="active_warnings">{warnings}' in text
    assert "通城乙" not in text  # the neighbour's overdue tasks and warnings are not listed
    assert 'id="chart-trend"' in text and 'id="chart-by-round"' in text


def test_overview_without_snapshots_says_so(client, viewer, home):
    RateSnapshot.objects.all().delete()
    client.force_login(viewer)
    text = body(client.get("/"))
    assert "尚无整改率快照" in text and 'data-kpi="rate">—' in text


def test_root_needs_a_login(client):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_round_page_shows_units_with_progress_stage_and_timeline(client, home, viewer):
    client.force_login(viewer)
    text = body(client.get(reverse("dashboard:round_detail", args=[home.round.pk])))
    row = RateSnapshot.objects.get(scope=RateScope.ROUND_ORGANIZATION, organization=home.organization, day=timezone.localdate())
    assert f'<progress max="{row.tasks_total}" value="{row.closed}">' in text
    assert "stage-overdue" in text  # the unit has overdue tasks
    for kind in ("进驻", "反馈", "整改时限", "回访督查"):
        assert f"<td>{kind}</td>" in text
    assert "督查情况专报" in text  # the print header


def test_out_of_scope_objects_are_404(client, home, away, viewer):
    client.force_login(viewer)
    for url in (reverse("dashboard:round_detail", args=[away.round.pk]), reverse("dashboard:organization_detail", args=[away.organization.pk]),
                reverse("dashboard:region_detail", args=[away.region.code]), reverse("dashboard:region_detail", args=["421200"])):
        assert client.get(url).status_code == 404, url


def test_region_drill_down_rolls_up_and_ranks_units(client, home, away, city_viewer):
    home.grow(units=2, tasks=3)
    client.force_login(city_viewer)
    city = body(client.get(reverse("dashboard:region_detail", args=["421200"])))
    county = RateSnapshot.objects.get(scope=RateScope.REGION, region=home.region, day=timezone.localdate())
    assert reverse("dashboard:region_detail", args=[home.region.code]) in city and f"{county.rate}%" in city
    ranked = body(client.get(reverse("dashboard:region_detail", args=[home.region.code]) + "?sort=overdue"))
    names = re.findall(r'/organizations/\d+/">([^<]+)</a>', ranked)
    expected = [row.organization.name for row in RateSnapshot.objects.filter(
        scope=RateScope.ORGANIZATION, region=home.region, day=timezone.localdate()).order_by("-overdue", "rate", "organization__name")]
    assert names[: len(expected)] == expected


def test_task_filters_narrow_the_list(client, home, away, city_viewer):
    client.force_login(city_viewer)
    url = reverse("dashboard:task_list")
    today = timezone.localdate()
    cases = {
        f"region={home.region.code}": RectificationTask.objects.filter(region=home.region),
        "category=integrity": RectificationTask.objects.filter(category="integrity"),
        "stage=overdue": RectificationTask.objects.overdue_on(today),
        "overdue=false": RectificationTask.objects.exclude(pk__in=RectificationTask.objects.overdue_on(today)),
        "status=closed": RectificationTask.objects.filter(status="closed"),
        f"organization={away.organization.pk}": RectificationTask.objects.filter(organization=away.organization),
        f"round={home.round.pk}": RectificationTask.objects.filter(round=home.round),
        f"deadline_from={today:%Y-%m-%d}": RectificationTask.objects.filter(deadline__gte=today),
        "q=咸安甲问题1": RectificationTask.objects.filter(finding__description__contains="咸安甲问题1"),
    }
    for query, expected in cases.items():
        text = body(client.get(f"{url}?open=all&{query}"))  # the page starts at open tasks: ask for all
        shown = {int(pk) for pk in re.findall(r'/tasks/(\d+)/progress/', text)}
        assert shown == set(expected.values_list("pk", flat=True)), query
        assert f"共 {expected.count()} 条" in text, query
    # Without a choice the list shows the open tasks, the most overdue first (and says so in the form).
    text = body(client.get(url))
    shown = [int(pk) for pk in re.findall(r'/tasks/(\d+)/progress/', text)]
    open_tasks = RectificationTask.objects.exclude(status="closed").order_by("deadline", "pk")
    assert shown == list(open_tasks.values_list("pk", flat=True)) and '<option value="true" selected>未销号' in text


def test_finding_filters_apply_task_conditions_together(client, home, city_viewer):
    client.force_login(city_viewer)
    text = body(client.get(reverse("dashboard:finding_list") + "?status=closed&category=conduct"))
    expected = Finding.objects.filter(tasks__status="closed", category="conduct").distinct()
    assert f"共 {expected.count()} 条" in text and expected.count() > 0


def test_a_bad_filter_gets_a_chinese_message_and_no_rows(client, home, viewer):
    client.force_login(viewer)
    text = body(client.get(reverse("dashboard:task_list") + "?deadline_from=明天"))
    assert "筛选条件有误" in text and "整改时限起" in text and "共 0 条" in text


def test_a_round_out_of_scope_is_refused_as_a_filter(client, home, away, viewer):
    client.force_login(viewer)
    text = body(client.get(reverse("dashboard:task_list") + f"?round={away.round.pk}"))
    assert "筛选条件有误" in text and "通城乙" not in text


def test_htmx_gets_the_results_fragment_only(client, home, viewer):
    client.force_login(viewer)
    response = client.get(reverse("dashboard:task_list") + "?stage=overdue", headers={"HX-Request": "true"})
    text = body(response)
    assert "<html" not in text and "下载 xlsx" in text and "HX-Request" in response["Vary"]
    assert "/ledger/export/tasks/?" in text and "stage=overdue" in text


def test_keyset_pages_walk_the_whole_list_both_ways(client, home, viewer, settings):
    home.grow(units=2, tasks=30)  # 62 tasks in the county: two pages of 50
    client.force_login(viewer)
    url = reverse("dashboard:task_list") + "?open=all&"
    first = body(client.get(url))
    ids = re.findall(r'/tasks/(\d+)/progress/', first)
    after = re.search(r'after=([^"&]+)"', first).group(1)
    second = body(client.get(f"{url}after={after}"))
    ids += re.findall(r'/tasks/(\d+)/progress/', second)
    expected = [str(pk) for pk in RectificationTask.objects.filter(region=home.region).order_by("deadline", "pk").values_list("pk", flat=True)]
    assert ids == expected and 'rel="next"' not in second
    last = body(client.get(f"{url}last=1"))
    assert re.findall(r'/tasks/(\d+)/progress/', last) == expected[-50:]
    before = re.search(r'before=([^"&]+)"', last).group(1)
    assert re.findall(r'/tasks/(\d+)/progress/', body(client.get(f"{url}before={before}"))) == expected[:-50]
    assert "共 62 条" in first
    assert client.get(f"{url}after=garbage").status_code == 200  # a tampered cursor is the first page


def test_finding_export_downloads_what_the_filter_shows_and_is_audited(client, home, away, viewer):
    import io

    from openpyxl import load_workbook

    client.force_login(viewer)
    response = client.get(reverse("ledger:export-findings") + "?category=integrity")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    texts = " ".join(str(cell) for row in rows for cell in row if cell)
    assert "咸安甲问题1" in texts and "咸安甲问题0" not in texts and "通城乙" not in texts
    event = AuditEvent.objects.get(action="export")
    assert event.details["filters"] == {"category": "integrity"} and event.user == viewer


def test_organization_page_shows_history_warnings_and_extensions(client, home, viewer):
    client.force_login(viewer)
    text = body(client.get(reverse("dashboard:organization_detail", args=[home.organization.pk])))
    assert "咸安甲预警0" in text and "材料未齐" in text
    assert "新建" in text or "创建" in text  # simple-history's "+" entry of each task
    assert "已销号" in text


def test_templates_have_no_inline_scripts_styles_or_handlers():
    """The CSP forbids inline code: scripts come from files, data from json_script, styles from CSS files."""
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"\son[a-z]+\s*=", r"\sstyle\s*=", r"<style", r"javascript:"):
            if re.search(pattern, text):
                offenders.append(f"{path.relative_to(TEMPLATES)}: {pattern}")
    assert not offenders, offenders


def test_rendered_pages_keep_the_csp(client, home, viewer):
    client.force_login(viewer)
    for name, url in page_urls(home).items():
        if name == "city":
            continue
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        scripts = re.findall(r"<script([^>]*)>", body(response))
        assert all("src=" in attrs or 'type="application/json"' in attrs for attrs in scripts), (name, scripts)


def test_breadcrumbs_link_only_regions_in_scope(client, home, viewer):
    client.force_login(viewer)
    text = body(client.get(reverse("dashboard:region_detail", args=[home.region.code])))
    assert "湖北省 › 咸宁市 › <strong>咸安区</strong>" in text  # shown, but not links: they are above the user's region
    assert reverse("dashboard:region_detail", args=["421200"]) not in text


def test_a_county_sees_its_part_of_a_city_round(client, home, away, viewer, xianning):
    from tests.factories import make_inspection, make_round

    rnd = make_round(xianning, title="咸宁市委第一轮巡察")
    make_inspection(rnd, home.organization)
    make_inspection(rnd, away.organization)
    client.force_login(viewer)
    text = body(client.get(reverse("dashboard:round_detail", args=[rnd.pk])))
    assert home.organization.name in text and away.organization.name not in text
    listed = body(client.get(reverse("dashboard:task_list") + f"?round={rnd.pk}"))
    assert "筛选条件有误" not in listed and f'type="hidden" name="round" value="{rnd.pk}"' in listed
    assert 'value="咸宁市委第一轮巡察"' in listed  # the typeahead shows the round's name


def test_a_user_of_the_whole_country_starts_the_drill_down_at_the_provinces(client, home):
    client.force_login(make_user("root", is_superuser=True, staff=True))
    text = body(client.get(reverse("dashboard:region_index")))
    hubei = RateSnapshot.objects.get(scope=RateScope.REGION, region__code="420000", day=timezone.localdate())
    assert reverse("dashboard:region_detail", args=["420000"]) in text and f"{hubei.rate}%" in text


def test_filters_by_name_region_names_and_codes_and_unmatched_values_say_so(client, home, away, city_viewer):
    client.force_login(city_viewer)
    by_code = body(client.get(reverse("dashboard:task_list"), {"region": "421202"}))
    by_name = body(client.get(reverse("dashboard:task_list"), {"region": "咸安区"}))
    by_typeahead = body(client.get(reverse("dashboard:task_list"), {"region": "咸安区（421202）"}))
    assert "咸安甲问题" in by_name and "通城乙问题" not in by_name
    table = lambda page: page.split('<table class="data">')[1].split("</table>")[0]  # noqa: E731
    assert table(by_code) == table(by_name) == table(by_typeahead)
    unknown = body(client.get(reverse("dashboard:task_list"), {"region": "不存在区"}))
    assert "没有名为“不存在区”的地区" in unknown and "咸安甲问题" not in unknown
    # The organisation is chosen by name; its id travels in the URL and the page shows its name again.
    page = body(client.get(reverse("dashboard:task_list"), {"organization": home.organization.pk}))
    assert f'value="{home.organization.name}（咸安区）"' in page
    assert f'type="hidden" name="organization" value="{home.organization.pk}"' in page
    # Checkboxes, not multi-selects; every visible control is inside a label or a fieldset with a legend.
    page = body(client.get(reverse("dashboard:warning_list")))
    assert 'type="checkbox" name="level"' in page and "<select multiple" not in page
    assert unlabelled_controls(page.split('<form class="filters"')[1].split("</form>")[0]) == []


def unlabelled_controls(html: str) -> list:
    """Inputs and selects (not hidden) that sit in no <label> with text."""
    from html.parser import HTMLParser

    class Controls(HTMLParser):
        def __init__(self):
            super().__init__()
            self.open_labels, self.unlabelled = [], []

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "label":
                self.open_labels.append("")
            elif tag in ("input", "select") and attrs.get("type") != "hidden" and not self.open_labels:
                self.unlabelled.append(attrs)

        def handle_data(self, data):
            if self.open_labels:
                self.open_labels[-1] += data.strip()

        def handle_endtag(self, tag):
            if tag == "label" and self.open_labels:
                text = self.open_labels.pop()
                if not text:
                    self.unlabelled.append("empty label")

    parser = Controls()
    parser.feed(html)
    return parser.unlabelled


def test_lookup_finds_by_name_only_what_the_user_sees(client, home, away, viewer):
    client.force_login(viewer)
    found = client.get(reverse("dashboard:lookup", args=["organizations"]), {"q": "单位"}).json()["results"]
    assert found and all("咸安甲" in row["label"] for row in found)
    assert client.get(reverse("dashboard:lookup", args=["organizations"]), {"q": "通城乙"}).json() == {"results": []}
    rounds = client.get(reverse("dashboard:lookup", args=["rounds"]), {"q": "第一轮"}).json()["results"]
    assert [row["value"] for row in rounds] == [home.round.pk]
    regions = client.get(reverse("dashboard:lookup", args=["regions"]), {"q": "4212"}).json()["results"]
    assert [row["value"] for row in regions] == ["421202"] and regions[0]["label"] == "咸安区（421202）"
    assert client.get(reverse("dashboard:lookup", args=["people"])).status_code == 404
    client.logout()
    assert client.get(reverse("dashboard:lookup", args=["organizations"])).status_code == 302


def test_the_region_cascade_browses_down_from_the_users_own_region(client, regions, viewer, city_viewer):
    url = reverse("dashboard:region_levels")

    def levels(**query):
        data = client.get(url, query).json()
        return data["error"], [(level["label"], level["fixed"], level["selected"], [o["value"] for o in level["options"]])
                               for level in data["levels"]]

    client.force_login(city_viewer)  # 咸宁市: 湖北省 and 咸宁市 fixed, its counties to choose from
    error, (province, city, county) = levels()
    assert error == "" and province == ("省", True, "420000", ["420000"]) and city == ("市", True, "421200", ["421200"])
    assert county[:3] == ("县（市、区）", False, "") and {"421202", "421222"} <= set(county[3])
    assert all(code.startswith("4212") for code in county[3])
    assert levels(region="咸安区")[1][2][2] == "421202"  # by name, code or "名称（代码）", as the filter takes them
    assert levels(region="通城县（421222）")[1][2][2] == "421222"
    assert levels(region="420100")[1] == levels()[1]  # 武汉市 is not below 咸宁市: nothing chosen
    error, unchanged = levels(region="火星区")
    assert "没有名为“火星区”的地区" in error and unchanged == levels()[1]
    client.force_login(viewer)  # 咸安区: everything fixed, nothing below a county
    assert [level[1] for level in levels()[1]] == [True, True, True]
    admin = make_user("root", role=None, region=None, is_superuser=True)
    client.force_login(admin)  # everything: from the provinces down to the chosen county
    province, city, county = levels(region="421202")[1]
    assert len(province[3]) > 30 and province[2] == "420000" and not province[1]
    assert city[2] == "421200" and "420100" in city[3] and county[2] == "421202"
    client.logout()
    assert client.get(url).status_code == 302


def test_a_unit_user_asking_for_the_regions_gets_their_own_organisation(client, home, away, xianan):
    from accounts.roles import Role

    unit = make_user("regions-unit", role=Role.UNIT, region=xianan, organization=home.organization)
    client.force_login(unit)
    response = client.get(reverse("dashboard:region_index"))
    assert response.status_code == 302
    assert response.url == reverse("dashboard:organization_detail", args=[home.organization.pk])
    assert client.get(reverse("dashboard:region_detail", args=[xianan.code])).status_code == 404  # still not theirs


def test_the_briefing_has_issue_issuer_classification_date_and_a_summary(client, home, viewer, settings):
    settings.BRIEFING_ISSUER, settings.BRIEFING_CLASSIFICATION = "咸安区委巡察办", "内部资料"
    client.force_login(viewer)
    today = timezone.localdate()
    page = body(client.get(reverse("dashboard:overview"), {"issue": "7"}))
    header = page.split('class="print-header"')[1].split('<div class="page-head">')[0]
    assert "咸安区委巡察办" in header and "内部资料" in header and f"{today.year}年第7期" in header
    assert f"{today:%Y}年{today.month}月{today.day}日" in header
    figures = RateSnapshot.objects.get(scope_key=f"region:{home.region.code}", is_latest=True)
    assert f"共有整改任务{figures.tasks_total}项，已销号{figures.closed}项，整改率{figures.rate}%" in header
    week = today.isocalendar().week
    assert f"{today.year}年第{week}期" in body(client.get(reverse("dashboard:round_detail", args=[home.round.pk])))


def test_chart_bars_link_to_their_pages(client, home, viewer):
    import json

    client.force_login(viewer)
    page = body(client.get(reverse("dashboard:overview")))
    data = json.loads(re.search(r'id="chart-by-round"[^>]*>(.*?)</script>', page, re.S).group(1))
    assert data["links"] == [reverse("dashboard:round_detail", args=[home.round.pk])]
