"""Every records endpoint: list, detail, scoping (out of scope = 404), filters, ordering, pagination, query counts."""
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.api.conftest import token_client
from tests.worlds import build_side

pytestmark = pytest.mark.django_db

# endpoint → (the side's object, the field that identifies it in the URL and the payload)
ENDPOINTS = {
    "regions": (lambda s: s.region, "code"),
    "organizations": (lambda s: s.organization, "id"),
    "rounds": (lambda s: s.round, "id"),
    "groups": (lambda s: s.group, "id"),
    "inspections": (lambda s: s.inspection, "id"),
    "findings": (lambda s: s.finding, "id"),
    "leads": (lambda s: s.lead, "id"),
    "tasks": (lambda s: s.task, "id"),
    "extensions": (lambda s: s.extension, "id"),
    "follow-ups": (lambda s: s.visit, "id"),
    "warnings": (lambda s: s.warning, "id"),
}
HIDDEN_FROM_UNITS = {"regions", "groups", "leads"}


def key_of(endpoint, side):
    obj, field = ENDPOINTS[endpoint]
    return getattr(obj(side), "code" if field == "code" else "pk")


def listed(client, endpoint, **params):
    response = client.get(f"/api/v1/{endpoint}/", params)
    assert response.status_code == 200, response.content
    field = ENDPOINTS[endpoint][1]
    return [row[field] for row in response.json()["results"]]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("role", ["region_admin", "group_member", "unit", "viewer", "api_client"])
def test_a_county_token_lists_and_reads_only_its_county(clients, world, endpoint, role):
    client = clients[role]
    home, away = key_of(endpoint, world.home), key_of(endpoint, world.away)
    rows = listed(client, endpoint)
    detail_home = client.get(f"/api/v1/{endpoint}/{home}/")
    detail_away = client.get(f"/api/v1/{endpoint}/{away}/")
    assert away not in rows
    assert detail_away.status_code == 404 and detail_away.json()["error"]["code"] == "not_found"
    if role == "unit" and endpoint in HIDDEN_FROM_UNITS:
        assert rows == [] and detail_home.status_code == 404
    else:
        assert rows == [home]
        assert detail_home.status_code == 200 and detail_home.json()[ENDPOINTS[endpoint][1]] == home


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_region_filter_rolls_up_and_selects_one_county(clients, world, endpoint):
    client = clients["superuser"]
    home, away = key_of(endpoint, world.home), key_of(endpoint, world.away)
    assert {home, away} <= set(listed(client, endpoint, region="420000", page_size=1000))  # 湖北省
    assert listed(client, endpoint, region=world.home.region.code) == [home]
    assert listed(client, endpoint, region=world.away.region.code) == [away]
    city = set(listed(client, endpoint, region="421200", page_size=500))  # 咸宁市: both counties
    assert {home, away} <= city
    unknown = client.get(f"/api/v1/{endpoint}/", {"region": "999999"})  # an unknown region says so
    assert unknown.status_code == 400 and "999999" in unknown.json()["error"]["message"] + str(unknown.json()["error"]["fields"])


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_list_query_count_does_not_grow_with_rows(world, endpoint):
    client = token_client(world.users["superuser"])
    # Regions are reference data: compare one county with a whole city instead of adding rows.
    params = {"page_size": 500, **({"region": "421202"} if endpoint == "regions" else {})}
    for warm_up in ({}, {"region": "421200"}):  # token last_used_at, content types, the regions the filter found
        client.get(f"/api/v1/{endpoint}/", {**params, **warm_up})
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"/api/v1/{endpoint}/", params).status_code == 200
    for label in ("咸安丙", "咸安丁", "咸安戊"):
        build_side(world.home.region, label)
    if endpoint == "regions":
        params["region"] = "421200"
    with CaptureQueriesContext(connection) as many:
        response = client.get(f"/api/v1/{endpoint}/", params)
    assert len(response.json()["results"]) > (1 if endpoint == "regions" else 2)
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


# ----- filters of each endpoint ---------------------------------------------------------------------------

def test_task_filters(clients, world):
    client, home = clients["superuser"], world.home.task
    assert listed(client, "tasks", status="in_progress", region=world.home.region.code) == [home.pk]
    assert listed(client, "tasks", status="closed") == []
    assert listed(client, "tasks", round=world.home.round.pk) == [home.pk]
    assert listed(client, "tasks", organization=world.away.organization.pk) == [world.away.task.pk]
    assert listed(client, "tasks", category="integrity", region=world.home.region.code) == [home.pk]
    assert listed(client, "tasks", category="conduct") == []
    assert listed(client, "tasks", q="咸安甲责任单位") == [home.pk]
    assert listed(client, "tasks", deadline_from=home.deadline.isoformat(), region=world.home.region.code) == [home.pk]
    assert listed(client, "tasks", deadline_to=(home.deadline - dt.timedelta(days=1)).isoformat()) == []
    today, county = timezone.localdate(), world.home.region.code
    overdue = home.deadline < today
    assert listed(client, "tasks", overdue="true", region=county) == ([home.pk] if overdue else [])
    assert listed(client, "tasks", overdue="false", region=county) == ([] if overdue else [home.pk])
    stages = {stage: listed(client, "tasks", stage=stage, region=county)
              for stage in ("start", "progress", "acceptance", "overdue", "closed")}
    assert stages == {stage: [home.pk] if stage == home.stage_on(today) else [] for stage in stages}


def test_task_ordering_and_cursor_pages(clients, world):
    client = clients["superuser"]
    for label in ("咸安丙", "咸安丁", "咸安戊"):
        build_side(world.home.region, label)
    everything = listed(client, "tasks", page_size=500)
    assert everything == sorted(everything, reverse=True) and len(everything) == 5
    assert listed(client, "tasks", ordering="id", page_size=500) == sorted(everything)
    seen, url = [], "/api/v1/tasks/?page_size=2"
    while url:
        body = client.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert seen == everything
    by_deadline = client.get("/api/v1/tasks/", {"ordering": "-deadline", "page_size": 500}).json()["results"]
    assert [row["deadline"] for row in by_deadline] == sorted((row["deadline"] for row in by_deadline), reverse=True)


def test_finding_lead_and_record_filters(clients, world):
    client, home, away = clients["superuser"], world.home, world.away
    assert listed(client, "findings", q="咸安甲问题") == [home.finding.pk]
    assert listed(client, "findings", category="integrity", inspection=away.inspection.pk) == [away.finding.pk]
    assert listed(client, "findings", severity="severe") == []
    assert listed(client, "leads", status="pending", round=home.round.pk) == [home.lead.pk]
    assert listed(client, "leads", status="concluded") == []
    assert listed(client, "organizations", q="通城乙") == [away.organization.pk]
    assert listed(client, "rounds", kind="regular", region=home.region.code) == [home.round.pk]
    assert listed(client, "rounds", kind="special") == []
    assert listed(client, "groups", round=away.round.pk) == [away.group.pk]
    assert listed(client, "inspections", organization=home.organization.pk) == [home.inspection.pk]
    assert listed(client, "extensions", status="pending", task=home.task.pk) == [home.extension.pk]
    assert listed(client, "extensions", status="approved") == []
    assert listed(client, "follow-ups", rating="good", inspection=away.inspection.pk) == [away.visit.pk]
    assert listed(client, "follow-ups", rating="poor") == []
    assert listed(client, "warnings", level="yellow", active="true", task=home.task.pk) == [home.warning.pk]
    assert listed(client, "warnings", active="false") == []
    assert listed(client, "regions", level="county", parent="421200", q="通城") == ["421222"]


def test_page_number_lists_count_and_page(clients, world):
    body = clients["superuser"].get("/api/v1/regions/", {"region": "421200", "page_size": 2}).json()
    assert body["count"] > 2 and len(body["results"]) == 2 and "page=2" in body["next"]


def test_task_detail_has_the_derived_fields(clients, world):
    body = clients["viewer"].get(f"/api/v1/tasks/{world.home.task.pk}/").json()
    assert body["region_code"] == "421202" and body["organization_name"] == "咸安甲单位"
    assert body["status_display"] == "整改中" and body["stage"] in ("start", "progress", "acceptance", "overdue")
    assert body["is_extended"] is False
