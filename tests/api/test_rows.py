"""The task and rates lists answer from `.values()` rows (`api.rows.RowPlan`): as dicts rendered by orjson, or
(PostgreSQL) as JSON the database writes. Either way, for the same rows, the answer is byte for byte what the
serializer and DRF's own JSON renderer give (nulls, texts with quotes, backslashes, control characters and
U+2028, dates, Asia/Shanghai datetimes, decimals such as 100.0, choice labels, derived stage/overdue/extended)."""
import datetime as dt
import json
from decimal import Decimal

import orjson
import pytest
from django.db import connection
from rest_framework.renderers import JSONRenderer

from accounts.roles import Role
from api import views as api_views
from api.renderers import ORJSONRenderer
from rectification.api.serializers import RateSnapshotSerializer, RectificationTaskSerializer
from rectification.api.views import RateViewSet, RectificationTaskViewSet
from rectification.models import RateSnapshot, RectificationTask
from rectification.rates import rates_recompute_all
from tests.api.conftest import token_client
from tests.factories import make_user
from tests.worlds import D

pytestmark = pytest.mark.django_db


HOSTILE = 'say "整改"\\ \x01\x1f\n\t\r\b\f 第一步\u2028第二步\u2029 😀 </script> %s \' \x7f'


def serialized(serializer_class, objects) -> list:
    """What the serializer gives, through DRF's own JSON renderer."""
    return json.loads(JSONRenderer().render(serializer_class(objects, many=True).data))


def assert_drfs_bytes(response, expected: list):
    """The answer is, byte for byte, DRF's renderer writing the same page with the serializer's rows."""
    page = response.json()
    assert response.content == JSONRenderer().render({**page, "results": expected})


@pytest.fixture(params=["dicts", "database"])
def row_flavor(request, monkeypatch):
    """Both ways of writing rows; the database's where it is PostgreSQL (the plans made afresh)."""
    in_database = request.param == "database"
    if in_database and connection.vendor != "postgresql":
        pytest.skip("rows written by the database need PostgreSQL")
    for view in (RateViewSet, RectificationTaskViewSet):
        monkeypatch.setattr(view, "database_writes_rows", in_database)
    monkeypatch.setattr(api_views.ValuesListMixin, "_row_plans", {})
    monkeypatch.setattr(api_views, "_scoped_values", {})
    return request.param


@pytest.fixture
def admin(rates_world):
    return make_user("city-admin", role=Role.REGION_ADMIN, region=rates_world.city)


@pytest.mark.parametrize("ordering", ["-id", "deadline", "-updated_at"])
def test_task_rows_are_the_serializers(rates_world, admin, ordering, row_flavor):
    # Text the renderers treat specially (quotes, control characters; U+2028 is escaped by DRF), an empty 责任人,
    # and a related name (written by the database's subquery) with the same.
    RectificationTask.objects.filter(pk=rates_world.t3.pk).update(measures=HOSTILE, responsible_person="")
    rates_world.O1.name = HOSTILE
    rates_world.O1.save()
    response = token_client(admin).get(f"/api/v1/tasks/?ordering={ordering}&page_size=500")
    assert response.status_code == 200
    rows = response.json()["results"]
    tasks = RectificationTask.objects.select_related("organization", "region").in_bulk([row["id"] for row in rows])
    expected = serialized(RectificationTaskSerializer, [tasks[row["id"]] for row in rows])
    assert rows == expected and len(rows) == 8
    assert_drfs_bytes(response, expected)
    assert b"\\u2028" in response.content and b"\\u0001" in response.content
    assert [list(row) for row in rows] == [list(row) for row in expected]  # the fields in the serializer's order
    by_id = {row["id"]: row for row in rows}
    open_task, closed_task = by_id[rates_world.t3.pk], by_id[rates_world.t1.pk]
    assert open_task["closed_on"] is None and closed_task["closed_on"] == "2026-06-20"
    assert open_task["updated_at"].endswith("+08:00")  # Asia/Shanghai, as the serializer writes it
    assert {row["stage"] for row in rows} >= {"closed", "overdue"} and any(row["is_extended"] for row in rows)
    assert open_task["measures"] == HOSTILE and open_task["organization_name"] == HOSTILE


@pytest.mark.parametrize("ordering", ["-id", "deadline"])
def test_task_rows_page_by_cursor(rates_world, admin, row_flavor, ordering):
    """The paginator reads each row's position from the values rows, whichever way they are written: walking the
    pages gives every task once, and the last page's previous link the page before it (by id: tasks share
    deadlines, whose order among themselves no page promises)."""
    client = token_client(admin)
    pages, url = [], f"/api/v1/tasks/?ordering={ordering}&page_size=3"
    while url:
        page = client.get(url).json()
        pages.append([row["id"] for row in page["results"]])
        url = page["next"]
    seen = [task for ids in pages for task in ids]
    assert len(seen) == len(set(seen)) == 8 and len(pages) == 3
    if ordering == "-id":
        assert [row["id"] for row in client.get(page["previous"]).json()["results"]] == pages[-2]


def test_rate_rows_are_the_serializers(rates_world, settings, row_flavor):
    settings.RATES_CACHE_SECONDS = 0
    rates_recompute_all(D)
    # Decimals as Python writes their floats: whole (100.0, 0.0), one place, a trailing zero dropped.
    edges = RateSnapshot.objects.filter(is_latest=True).exclude(rate=None).order_by("pk")[:3]
    for snapshot_, (rate, on_time, mean) in zip(edges, [("100.00", "0.00", "12.0"), ("87.50", "33.33", "0.5"),
                                                          ("0.01", "99.90", "12345.6")], strict=True):
        RateSnapshot.objects.filter(pk=snapshot_.pk).update(rate=Decimal(rate), on_time_rate=Decimal(on_time),
                                                             mean_days_to_close=Decimal(mean))
    admin = make_user("root", is_superuser=True, staff=True)  # sees the "overall" row too
    response = token_client(admin).get("/api/v1/rates/?page_size=1000")
    assert response.status_code == 200
    rows = response.json()["results"]
    snapshots = (RateSnapshot.objects.visible_to(admin).filter(is_latest=True).select_related("region")
                 .order_by("scope_key", "day"))
    expected = serialized(RateSnapshotSerializer, snapshots)
    assert rows == expected and len(rows) > 20
    assert_drfs_bytes(response, expected)
    assert b'"rate":100.0,"on_time_rate":0.0,"mean_days_to_close":12.0' in response.content
    assert [list(row) for row in rows] == [list(row) for row in expected]
    assert any(row["rate"] is None for row in rows) and any(isinstance(row["rate"], float) for row in rows)
    assert any(row["region"] is None and row["region_code"] is None for row in rows)  # scope "overall"
    assert all(row["computed_at"].endswith("+08:00") for row in rows)


def test_latest_rate_rows_keep_the_json_the_list_writes(rates_world):
    """The trigger (rectification.api.stored_json) keeps each latest row's JSON as the list's plan writes it,
    whatever writes the row, and no JSON for older rows."""
    if connection.vendor != "postgresql":
        pytest.skip("the stored JSON is written by a trigger of PostgreSQL")
    from django.db.models.expressions import RawSQL
    from django.db.models.fields import TextField

    plan = RateViewSet.row_plan()
    fresh = RawSQL(*plan.stored_sql, output_field=TextField())

    def rows():
        return list(RateSnapshot.objects.annotate(fresh=fresh).values_list("day", "is_latest", "api_json", "fresh"))

    rates_recompute_all(D - dt.timedelta(days=1))
    rates_recompute_all(D)  # yesterday's rows are no longer the latest
    RateSnapshot.objects.filter(is_latest=True).exclude(rate=None).update(rate=Decimal("87.50"))
    rates_world.xianan.code = "421299"  # its rows take the new code (rectification.signals)
    rates_world.xianan.save()
    written = rows()
    assert {day for day, latest, _, _ in written if latest} == {D} and len(written) > 40
    assert all(stored is None for _, latest, stored, _ in written if not latest)
    stale = [(stored, now) for _, latest, stored, now in written if latest and stored != now]
    assert not stale, ("the stored JSON is not the list's: a serializer change needs a migration calling "
                       f"rectification.api.stored_json.install again; first difference {stale[0]}")
    assert any('"region_code":"421299"' in stored for _, latest, stored, _ in written if latest)
    assert any('"rate":87.5,' in stored for _, latest, stored, _ in written if latest)


def test_the_orjson_renderer_writes_what_drfs_writes():
    from decimal import Decimal

    from django.utils.functional import lazy

    data = {"decimal": Decimal("12.50"), "utc": dt.datetime(2026, 6, 30, 1, 2, 3, tzinfo=dt.UTC),
            "day": dt.date(2026, 6, 30), "lazy": lazy(lambda: "整改", str)(), 3: [None, True, 1.5],
            "separator": "a\u2028b\u2029c"}
    ours, drf = ORJSONRenderer().render(data), JSONRenderer().render(data)
    assert json.loads(ours) == json.loads(drf)
    assert b"\\u2028" in ours and b"\\u2029" in ours
    assert ORJSONRenderer().render(data, "application/json; indent=2") == JSONRenderer().render(data, "application/json; indent=2")


def test_rows_written_elsewhere_go_in_as_they_are():
    """A row the database wrote (`orjson.Fragment`) is written as it is, and pretty-printed like the same data."""
    data = {"next": None, "results": [orjson.Fragment('{"id":1,"name":"整改\u2028"}'), {"id": 2}]}
    assert ORJSONRenderer().render(data) == b'{"next":null,"results":[{"id":1,"name":"\xe6\x95\xb4\xe6\x94\xb9\\u2028"},{"id":2}]}'
    plain = {"next": None, "results": [{"id": 1, "name": "整改\u2028"}, {"id": 2}]}
    assert ORJSONRenderer().render(data, "application/json; indent=2") == JSONRenderer().render(plain, "application/json; indent=2")


def test_lists_kept_per_scope_answer_each_scope_its_own_rows(world):
    """The scoped `.values()` query is built once per scope and process (`ValuesListMixin.scoped_values`): each
    scope still gets its own rows, in any order of requests, and a user moved to another region their new one's."""
    from api import views

    def task_ids(user):
        response = token_client(user).get("/api/v1/tasks/")
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    home, away = {world.home.task.pk}, {world.away.task.pk}
    viewer, away_viewer = world.users["viewer"], world.users["away_viewer"]
    assert task_ids(viewer) == home and task_ids(away_viewer) == away and task_ids(viewer) == home
    assert task_ids(world.users["unit"]) == home and task_ids(world.users["group_member"]) == home
    assert task_ids(world.users["superuser"]) >= home | away
    away_viewer.region = world.home.region
    away_viewer.save()
    assert task_ids(away_viewer) == home
    assert all(kept._result_cache is None for kept in views._scoped_values.values())  # only copies are run


def test_a_field_drf_writes_its_own_way_is_left_to_python():
    """Decimals as strings or a date format of the serializer's own: the database does not write them (it writes
    decimals as numbers and dates in ISO 8601); the usual fields it does."""
    from django.db import models
    from rest_framework import serializers

    from api.rows import _json_sql

    decimal, day = models.DecimalField(max_digits=5, decimal_places=2), models.DateField()
    assert _json_sql(decimal, serializers.DecimalField(max_digits=5, decimal_places=2), '"t"."c"') is not None
    assert _json_sql(decimal, serializers.DecimalField(max_digits=5, decimal_places=2, coerce_to_string=True),
                     '"t"."c"') is None
    assert _json_sql(day, serializers.DateField(), '"t"."d"') is not None
    assert _json_sql(day, serializers.DateField(format="%Y/%m/%d"), '"t"."d"') is None
