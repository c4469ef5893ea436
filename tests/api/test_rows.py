"""The task and rates lists answer from `.values()` rows (`api.rows.RowPlan`) rendered by orjson: for the same
rows, the content is what the serializer and DRF's own JSON renderer give (nulls, dates, Asia/Shanghai
datetimes, decimals, choice labels, derived stage/overdue/extended)."""
import datetime as dt
import json

import pytest
from rest_framework.renderers import JSONRenderer

from accounts.roles import Role
from api.renderers import ORJSONRenderer
from rectification.api.serializers import RateSnapshotSerializer, RectificationTaskSerializer
from rectification.models import RateSnapshot, RectificationTask
from rectification.rates import rates_recompute_all
from tests.api.conftest import token_client
from tests.factories import make_user
from tests.worlds import D

pytestmark = pytest.mark.django_db


def serialized(serializer_class, objects) -> list:
    """What the serializer gives, through DRF's own JSON renderer."""
    return json.loads(JSONRenderer().render(serializer_class(objects, many=True).data))


@pytest.fixture
def admin(rates_world):
    return make_user("city-admin", role=Role.REGION_ADMIN, region=rates_world.city)


@pytest.mark.parametrize("ordering", ["-id", "deadline", "-updated_at"])
def test_task_rows_are_the_serializers(rates_world, admin, ordering):
    # Text the renderers treat specially (U+2028 is escaped by DRF), and an empty 责任人.
    RectificationTask.objects.filter(pk=rates_world.t3.pk).update(measures="第一步\u2028第二步", responsible_person="")
    response = token_client(admin).get(f"/api/v1/tasks/?ordering={ordering}&page_size=500")
    assert response.status_code == 200
    rows = response.json()["results"]
    tasks = RectificationTask.objects.select_related("organization", "region").in_bulk([row["id"] for row in rows])
    expected = serialized(RectificationTaskSerializer, [tasks[row["id"]] for row in rows])
    assert rows == expected and len(rows) == 8
    assert [list(row) for row in rows] == [list(row) for row in expected]  # the fields in the serializer's order
    by_id = {row["id"]: row for row in rows}
    open_task, closed_task = by_id[rates_world.t3.pk], by_id[rates_world.t1.pk]
    assert open_task["closed_on"] is None and closed_task["closed_on"] == "2026-06-20"
    assert open_task["updated_at"].endswith("+08:00")  # Asia/Shanghai, as the serializer writes it
    assert {row["stage"] for row in rows} >= {"closed", "overdue"} and any(row["is_extended"] for row in rows)
    assert open_task["measures"] == "第一步\u2028第二步"


def test_rate_rows_are_the_serializers(rates_world, settings):
    settings.RATES_CACHE_SECONDS = 0
    rates_recompute_all(D)
    admin = make_user("root", is_superuser=True, staff=True)  # sees the "overall" row too
    response = token_client(admin).get("/api/v1/rates/?page_size=1000")
    assert response.status_code == 200
    rows = response.json()["results"]
    snapshots = (RateSnapshot.objects.visible_to(admin).filter(is_latest=True).select_related("region")
                 .order_by("scope_key", "day"))
    expected = serialized(RateSnapshotSerializer, snapshots)
    assert rows == expected and len(rows) > 20
    assert [list(row) for row in rows] == [list(row) for row in expected]
    assert any(row["rate"] is None for row in rows) and any(isinstance(row["rate"], float) for row in rows)
    assert any(row["region"] is None and row["region_code"] is None for row in rows)  # scope "overall"
    assert all(row["computed_at"].endswith("+08:00") for row in rows)


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
