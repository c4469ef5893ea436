"""`/api/v1/rates/` (newest snapshot per scope, trends) and `?format=csv|xlsx` exports of rates and tasks."""
import csv
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from accounts.choices import AuditAction
from accounts.models import AuditEvent
from api.services import token_revoke
from rectification.choices import RateScope
from rectification.models import RateSnapshot
from rectification.rates import rates_write, snapshot_version_bump
from tests.api.conftest import DAY1, DAY2, DAY3, snapshot, token_client

pytestmark = pytest.mark.django_db
RATES = "/api/v1/rates/"


@pytest.fixture
def snapshots(world, xianning):
    home, away = world.home, world.away
    snapshot(region=home.region, day=DAY1, closed=1)
    snapshot(region=home.region, day=DAY2, closed=4)
    snapshot(region=home.region, day=DAY3, closed=6)
    snapshot(region=away.region, day=DAY2, closed=7)
    snapshot(region=xianning, day=DAY2, closed=5, total=20)
    snapshot(scope=RateScope.CATEGORY, region=home.region, category="integrity", day=DAY1, closed=2)
    snapshot(scope=RateScope.ROUND, region=home.region, rnd=home.round, day=DAY2, closed=3)
    snapshot(scope=RateScope.ORGANIZATION, region=away.region, organization=away.organization, day=DAY2, closed=8)


def rates(client, **params):
    response = client.get(RATES, params)
    assert response.status_code == 200, response.content
    return {(row["scope_key"], row["day"]): row["closed"] for row in response.json()["results"]}


def test_latest_snapshot_per_scope_within_the_users_region(clients, world, snapshots):
    assert rates(clients["api_client"]) == {
        ("region:421202", "2026-06-15"): 6,
        ("category:421202:integrity", "2026-05-01"): 2,
        (f"round:{world.home.round.pk}", "2026-06-01"): 3,
    }
    RateSnapshot.objects.filter(scope_key="region:421202", is_latest=True).update(findings=12, warnings_active=3)
    snapshot_version_bump()
    row = clients["api_client"].get(RATES, {"scope": "region"}).json()["results"][0]
    assert row["region_code"] == "421202" and row["rate"] == 60.0 and row["scope_display"] == "地区"
    assert (row["findings"], row["warnings_active"]) == (12, 3)


def test_as_of_and_filters(clients, world, snapshots):
    client = clients["superuser"]
    assert rates(client, scope="region", as_of="2026-06-01") == {
        ("region:421202", "2026-06-01"): 4, ("region:421222", "2026-06-01"): 7, ("region:421200", "2026-06-01"): 5}
    assert rates(client, scope="region", as_of="2026-04-30") == {}
    # roll-up: a city and everything below it; a county alone
    assert set(rates(client, scope="region", region="421200")) == {
        ("region:421202", "2026-06-15"), ("region:421222", "2026-06-01"), ("region:421200", "2026-06-01")}
    assert set(rates(client, region="421222")) == {
        ("region:421222", "2026-06-01"), (f"organization:{world.away.organization.pk}", "2026-06-01")}
    assert set(rates(client, round=world.home.round.pk)) == {(f"round:{world.home.round.pk}", "2026-06-01")}
    assert set(rates(client, organization=world.away.organization.pk)) == {
        (f"organization:{world.away.organization.pk}", "2026-06-01")}
    assert set(rates(client, category="integrity")) == {("category:421202:integrity", "2026-05-01")}
    assert rates(client, category="conduct") == {}


def test_a_county_never_sees_another_countys_rates(clients, snapshots):
    keys = {key for key, _ in rates(clients["viewer"], page_size=1000)}
    assert keys and all("421222" not in key and key != "region:421200" for key in keys)
    assert rates(clients["viewer"], region="421222") == {}
    assert {key for key, _ in rates(clients["away_viewer"])} >= {"region:421222"}


def test_trend_by_scope_key_or_by_scope_filters(clients, snapshots):
    client = clients["viewer"]
    expected = {("region:421202", "2026-06-01"): 4, ("region:421202", "2026-06-15"): 6}
    assert rates(client, scope_key="region:421202", **{"from": "2026-05-15", "to": "2026-06-30"}) == expected
    assert rates(client, scope="region", region="421202", **{"from": "2026-05-15"}) == expected
    body = client.get(RATES, {"scope_key": "region:421202", "from": "2026-01-01"}).json()
    assert [row["day"] for row in body["results"]] == ["2026-05-01", "2026-06-01", "2026-06-15"]  # oldest first
    assert rates(client, scope="category", region="421202", category="integrity", to="2026-12-31") == {
        ("category:421202:integrity", "2026-05-01"): 2}
    assert rates(client, scope_key="region:421222", **{"from": "2026-01-01"}) == {}  # out of scope: nothing


@pytest.mark.parametrize("params, field", [
    ({"from": "2026-01-01"}, "scope_key"),
    ({"from": "2026-01-01", "scope": "category", "region": "421202"}, "scope_key"),
    ({"from": "2026-07-01", "to": "2026-06-01", "scope_key": "region:421202"}, "to"),
    ({"as_of": "六月"}, "as_of"),
    ({"scope": "planet"}, "scope"),
])
def test_bad_rate_queries_are_400_with_the_field(clients, snapshots, params, field):
    response = clients["viewer"].get(RATES, params)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_rates_query_count_is_small_and_constant(world, snapshots, xianning):
    client = token_client(world.users["superuser"])
    client.get(RATES)
    snapshot_version_bump()  # answered from the database, not from the cache of answers
    with CaptureQueriesContext(connection) as few:
        client.get(RATES)
    for day in range(1, 20):
        snapshot(region=xianning, day=DAY3.replace(month=7, day=day), closed=day, total=40)
        snapshot(scope=RateScope.CATEGORY, region=xianning, category="conduct", day=DAY3.replace(month=7, day=day), closed=1)
    with CaptureQueriesContext(connection) as many:
        client.get(RATES)
    # token, audit INSERT, the user's groups, the snapshot page
    assert len(many) == len(few) <= 4, [q["sql"] for q in many.captured_queries]


@pytest.fixture
def answers_cached(settings):
    """The cache of rates answers as in production: Redis when the tests have REDIS_URL, else one in memory."""
    if settings.CACHES["default"]["BACKEND"].endswith("DummyCache"):
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
        cache.clear()  # it outlives tests, whose ids SQLite reuses (with Redis the autouse version bump does this)


def test_rates_answers_are_cached_until_the_snapshots_are_recomputed(
        clients, world, snapshots, answers_cached, django_capture_on_commit_callbacks):
    client = clients["viewer"]
    first = rates(client, scope="region")
    RateSnapshot.objects.filter(scope_key="region:421202").update(closed=9)  # not through a recompute
    with CaptureQueriesContext(connection) as queries:
        assert rates(client, scope="region") == first == {("region:421202", "2026-06-15"): 6}
    assert not any("ratesnapshot" in q["sql"] for q in queries.captured_queries)  # the answer came from the cache
    assert len(queries) == 2  # the token with its user and role, the audit INSERT: every request is still checked
    assert rates(client, scope="region", page_size=5) == {("region:421202", "2026-06-15"): 9}  # another URL

    with django_capture_on_commit_callbacks(execute=True):
        rates_write(day=DAY3)  # the recompute rewrites the row from the tasks; cached answers end once it commits
    recomputed = RateSnapshot.objects.get(scope_key="region:421202", day=DAY3).closed
    assert recomputed != 9 and rates(client, scope="region") == {("region:421202", "2026-06-15"): recomputed}


def test_cached_rates_answers_follow_who_is_asking(
        clients, world, snapshots, answers_cached, django_capture_on_commit_callbacks):
    home_key = {("region:421202", "2026-06-15")}
    assert set(rates(clients["viewer"], scope="region")) == home_key
    assert set(rates(clients["away_viewer"], scope="region")) == {("region:421222", "2026-06-01")}
    assert set(rates(clients["group_member"], scope="round")) == {(f"round:{world.home.round.pk}", "2026-06-01")}

    with django_capture_on_commit_callbacks(execute=True):
        world.home.group.member_users.remove(world.users["group_member"])
    assert rates(clients["group_member"], scope="round") == {}
    viewer = world.users["viewer"]
    viewer.region = world.away.region
    viewer.save()
    assert set(rates(clients["viewer"], scope="region")) == {("region:421222", "2026-06-01")}
    token_revoke(token=clients["viewer"].token)
    assert clients["viewer"].get(RATES, {"scope": "region"}).status_code == 401


def test_rates_are_answered_when_the_cache_is_unreachable(clients, snapshots, settings, django_capture_on_commit_callbacks):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0"}}  # nothing listens there
    assert rates(clients["viewer"], scope="region") == {("region:421202", "2026-06-15"): 6}
    with django_capture_on_commit_callbacks(execute=True):
        rates_write(day=DAY3)  # committed; the failed version bump is logged, not raised
    assert RateSnapshot.objects.filter(day=DAY3, scope="overall").exists()


def test_rates_csv_has_chinese_headers_and_is_audited(clients, snapshots):
    response = clients["viewer"].get(RATES, {"format": "csv", "scope": "region"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["统计范围", "范围标识", "统计日期", "地区代码"] and "整改率（%）" in rows[0]
    assert [row[1] for row in rows[1:]] == ["region:421202"]
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT).latest("pk")
    assert event.details["format"] == "csv" and event.details["rows"] == 1 and event.details["filters"]["scope"] == "region"


def test_task_exports_honour_the_filters(clients, world):
    client = clients["superuser"]
    response = client.get("/api/v1/tasks/", {"format": "xlsx", "region": "421222"})
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("任务编号", "地区", "地区代码", "巡察轮次", "被巡察党组织")
    assert [row[0] for row in rows[1:]] == [world.away.task.pk] and rows[1][7] == "通城乙问题描述"

    response = client.get("/api/v1/tasks/", {"format": "csv"}, HTTP_ACCEPT="text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert sorted(int(row[0]) for row in rows[1:]) == sorted([world.home.task.pk, world.away.task.pk])
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, user=world.users["superuser"]).count() == 2


def test_a_county_export_holds_only_its_county(clients, world):
    response = clients["viewer"].get("/api/v1/tasks/", {"format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [int(row[0]) for row in rows[1:]] == [world.home.task.pk]


def test_formula_like_text_is_exported_as_text(clients, world):
    world.home.task.responsible_unit = "=HYPERLINK(\"http://x\")"
    world.home.task.save()
    response = clients["viewer"].get("/api/v1/tasks/", {"format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    response = clients["viewer"].get("/api/v1/tasks/", {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cell = sheet.cell(row=2, column=9)
    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s"


def test_export_errors_are_json(clients, world):
    response = clients["viewer"].get("/api/v1/tasks/", {"format": "csv", "deadline_from": "x"})
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert response.json()["error"]["fields"] == {"deadline_from": ["输入一个有效的日期。"]}
    response = clients["anonymous"].get(RATES, {"format": "xlsx"})
    assert response.status_code == 401 and response.json()["error"]["code"] == "not_authenticated"


def test_task_export_query_count_does_not_grow_with_rows(world):
    from tests.worlds import build_side

    client = token_client(world.users["superuser"])
    client.get("/api/v1/tasks/", {"format": "csv"})
    with CaptureQueriesContext(connection) as few:
        b"".join(client.get("/api/v1/tasks/", {"format": "csv"}).streaming_content)
    for label in ("咸安丙", "咸安丁", "咸安戊"):
        build_side(world.home.region, label)
    with CaptureQueriesContext(connection) as many:
        body = b"".join(client.get("/api/v1/tasks/", {"format": "csv"}).streaming_content)
    assert body.decode("utf-8-sig").count("\n") == 6  # header and five tasks
    assert len(many) == len(few)
