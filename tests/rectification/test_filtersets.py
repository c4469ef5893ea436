"""The rectification FilterSets on their own (pages, API and exports share them), on `rates_world`."""
import datetime as dt

import pytest
from django.test import RequestFactory
from django.utils import timezone

from accounts.roles import Role
from inspection.models import Finding
from rectification.filters import (
    FindingFilterSet,
    RateSnapshotFilterSet,
    RectificationTaskFilterSet,
    TaskWarningFilterSet,
)
from rectification.models import RateSnapshot, RectificationTask, TaskWarning
from rectification.rates import rates_recompute_all
from tests.factories import make_user
from tests.worlds import D

pytestmark = pytest.mark.django_db


def filtered(filterset, data, queryset, request=None):
    result = filterset(data, queryset=queryset, request=request)
    assert result.is_valid(), result.errors
    return set(result.qs)


@pytest.fixture
def on_day_d(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args: D)


def test_tasks_by_overdue_stage_category_deadline_and_text(rates_world, on_day_d):
    w, tasks = rates_world, RectificationTask.objects.all()
    # Status is today's: t7 is closed (on 07-05, after D), so on D only t3 is open past its deadline.
    assert filtered(RectificationTaskFilterSet, {"overdue": "true"}, tasks) == {w.t3}
    assert filtered(RectificationTaskFilterSet, {"overdue": "false"}, tasks) == set(tasks) - {w.t3}
    assert filtered(RectificationTaskFilterSet, {"stage": "closed"}, tasks) == {w.t1, w.t2, w.t6, w.t7}
    assert filtered(RectificationTaskFilterSet, {"category": ["conduct"]}, tasks) == {w.t4, w.t5}
    assert filtered(RectificationTaskFilterSet, {"deadline_from": "2026-07-01", "deadline_to": "2026-08-01"}, tasks) \
        == {w.t4, w.t5}
    assert filtered(RectificationTaskFilterSet, {"q": "通城县民政局"}, tasks) == {w.t4, w.t5}
    assert filtered(RectificationTaskFilterSet, {"region": "421222"}, tasks) == {w.t4, w.t5}


def test_a_round_out_of_the_users_scope_is_an_invalid_filter(rates_world, tongcheng):
    request = RequestFactory().get("/")
    request.user = make_user("tongcheng-viewer", role=Role.VIEWER, region=tongcheng)
    round_b = rates_world.B  # organised by 咸安区, inspected nothing in 通城县
    result = RectificationTaskFilterSet({"round": round_b.pk}, queryset=RectificationTask.objects.all(), request=request)
    assert not result.is_valid() and "round" in result.errors


def test_findings_meet_every_task_condition_with_one_task(rates_world, on_day_d):
    w, findings = rates_world, Finding.objects.all()
    # t3 is overdue and integrity; the conduct tasks are within their deadlines: none is both.
    assert filtered(FindingFilterSet, {"overdue": "true"}, findings) == {w.t3.finding}
    assert filtered(FindingFilterSet, {"overdue": "true", "category": ["conduct"]}, findings) == set()
    assert filtered(FindingFilterSet, {"status": "closed", "deadline_to": "2026-06-20"}, findings) \
        == {w.t1.finding, w.t2.finding, w.t6.finding, w.t7.finding}


def test_warnings_active_and_by_level(rates_world):
    red = TaskWarning.objects.create(task=rates_world.t3, level="red", reason="逾期")
    now = timezone.now()
    lifted = TaskWarning.objects.create(task=rates_world.t4, level="notice", reason="临近",
                                        issued_at=now - dt.timedelta(days=1), lifted_at=now)
    warnings = TaskWarning.objects.all()
    assert filtered(TaskWarningFilterSet, {"active": "true"}, warnings) >= {red}
    assert lifted not in filtered(TaskWarningFilterSet, {"active": "true"}, warnings)
    assert filtered(TaskWarningFilterSet, {"level": ["notice"]}, warnings) == {lifted}


def test_rates_latest_or_one_scope_s_trend(rates_world):
    for day in (D - dt.timedelta(days=30), D):
        rates_recompute_all(day)
    snapshots = RateSnapshot.objects.all()
    latest = filtered(RateSnapshotFilterSet, {"scope": "region"}, snapshots)
    assert latest and {row.day for row in latest} == {D}
    trend = RateSnapshotFilterSet({"scope": "region", "region": "421202", "from": "2026-01-01"}, queryset=snapshots)
    assert trend.is_valid(), trend.errors
    assert [row.day for row in trend.qs] == [D - dt.timedelta(days=30), D]
    assert {row.scope_key for row in trend.qs} == {"region:421202"}
    assert not RateSnapshotFilterSet({"from": "2026-06-01"}, queryset=snapshots).is_valid()  # which scope?
    backwards = RateSnapshotFilterSet({"scope_key": "overall", "from": "2026-06-02", "to": "2026-06-01"},
                                      queryset=snapshots)
    assert not backwards.is_valid() and "to" in backwards.errors


@pytest.mark.parametrize(("filterset", "model", "cases"), [
    (RectificationTaskFilterSet, RectificationTask, [
        {"status": "in_progress", "region": "421200"}, {"overdue": "true"}, {"stage": "closed", "open": "all"},
        {"open": "false", "category": ["integrity", "conduct"]}, {"q": "通城县", "deadline_to": "2026-07-01"},
        {"region": "咸安区"}, {"region": "999999"}, {"deadline_from": "2026-13-01"}, {"round": "x"}, {}]),
    (FindingFilterSet, Finding, [{"overdue": "true", "category": ["integrity"]}, {"status": "closed"}, {"region": "421222"}]),
    (RateSnapshotFilterSet, RateSnapshot, [
        {"scope": "region"}, {"scope": "region", "region": "421202", "from": "2026-01-01"}, {"from": "2026-06-01"},
        {"scope_key": "overall", "to": "2026-06-30"}, {"scope_key": "overall", "from": "2026-06-02", "to": "2026-06-01"}]),
])
def test_the_api_s_given_filters_answer_as_the_whole_filterset(rates_world, on_day_d, filterset, model, cases):
    """`FilterSet.given` (the API's backend) keeps only the filters a request names: same rows, same errors."""
    rates_recompute_all(D)
    request = RequestFactory().get("/")
    request.user = make_user("given-viewer", role=Role.VIEWER, region=rates_world.city)
    for data in cases:
        whole = filterset(data, queryset=model.objects.all(), request=request)
        given = filterset.given(data)
        assert set(given.base_filters) < set(filterset.base_filters) or not data
        for _ in range(2):  # the second time with the form class `given` kept
            part = given(data, queryset=model.objects.all(), request=request)
            assert part.is_valid() == whole.is_valid(), data
            assert part.errors == whole.errors, data
            if whole.is_valid():
                assert set(part.qs) == set(whole.qs), data


def test_given_filtersets_of_interleaved_requests_keep_their_own_filters(rates_world, on_day_d, tongcheng):
    """A `given` subset copies its filters shallowly for each request (its form fields are shared): each request's
    filters still answer to that request's FilterSet (a method filter's method, a region filter's user), whatever
    order requests are built and run in."""
    city_viewer, county_viewer = RequestFactory().get("/"), RequestFactory().get("/")
    city_viewer.user = make_user("given-city", role=Role.VIEWER, region=rates_world.city)
    county_viewer.user = make_user("given-county", role=Role.VIEWER, region=tongcheng)
    asked = [(city_viewer, {"q": "通城县", "region": "421200", "overdue": "false"}),
             (county_viewer, {"q": "民政局", "region": "421222", "overdue": "true"}),
             (city_viewer, {"q": "咸安区", "region": "421202", "overdue": "false"})]
    given = RectificationTaskFilterSet.given(asked[0][1])
    tasks = RectificationTask.objects.all()
    built = [given(data, queryset=tasks, request=request) for request, data in asked]
    for filterset in reversed(built):
        assert all(f.parent is filterset for f in filterset.filters.values())
        assert not set(map(id, filterset.filters.values())) & set(map(id, given.base_filters.values()))
    for (request, data), filterset in reversed(list(zip(asked, built))):
        whole = RectificationTaskFilterSet(data, queryset=tasks, request=request)
        assert filterset.is_valid() and whole.is_valid()
        assert set(filterset.qs) == set(whole.qs), data
    assert {len(f.qs) for f in built} != {0}
