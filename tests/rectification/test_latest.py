"""`RateSnapshot.is_latest`: the writers keep exactly one latest row per scope, on its newest day,
through full runs, incremental runs and history backfills (the rates_world of conftest.py)."""
import datetime as dt

import pytest
from django.db.models import Max

from rectification.models import RateSnapshot
from rectification.rates import (
    rates_place_keys,
    rates_recompute_all,
    rates_recompute_history,
    rates_recompute_keys,
    rates_task_places,
)
from rectification.selectors import rates_latest
from tests.worlds import D

pytestmark = pytest.mark.django_db
D2 = D + dt.timedelta(days=1)


def latest_by_key() -> dict:
    rows = list(RateSnapshot.objects.filter(is_latest=True).values_list("scope_key", "day"))
    assert len(rows) == len(dict(rows)), "one latest row per scope"
    return dict(rows)


def newest_by_key() -> dict:
    return dict(RateSnapshot.objects.values("scope_key").annotate(newest=Max("day")).values_list("scope_key", "newest"))


def test_a_full_run_makes_its_rows_the_latest_and_clears_the_days_before(rates_world):
    rates_recompute_all(D)
    assert set(latest_by_key().values()) == {D}

    written = rates_recompute_all(D2)
    latest = latest_by_key()
    assert len(latest) == written == RateSnapshot.objects.filter(day=D2).count()
    assert set(latest.values()) == {D2} and latest == newest_by_key()
    assert not RateSnapshot.objects.filter(day=D, is_latest=True).exists()
    assert rates_latest(RateSnapshot.objects.all()).get(scope_key="overall").day == D2

    rates_recompute_all(D2)  # the same day again: its rows stay the latest
    assert latest_by_key() == latest


def test_an_incremental_run_moves_a_scope_left_behind_by_the_full_run(rates_world):
    """O3 loses its inspection (with its finding, task and lead) after D, so D2's full run has no row for it and
    its latest stays on D; the drain's incremental run of O3's scopes then writes D2's zero row, now the latest."""
    rates_recompute_all(D)
    keys = rates_place_keys(rates_task_places([rates_world.t6.pk]))
    rates_world.t6.inspection.delete()
    rates_recompute_all(D2)
    o3 = f"organization:{rates_world.O3.pk}"
    assert latest_by_key()[o3] == D
    assert rates_latest(RateSnapshot.objects.filter(scope_key=o3)).get().tasks_total == 1  # the figures of D

    rates_recompute_keys(keys, D2)
    latest = latest_by_key()
    assert latest[o3] == D2 and latest == newest_by_key()
    row = rates_latest(RateSnapshot.objects.filter(scope_key=o3)).get()
    assert (row.day, row.tasks_total, row.rate) == (D2, 0, None)
    assert RateSnapshot.objects.filter(scope_key=o3).count() == 2


def test_an_incremental_run_of_some_keys_keeps_one_latest_row_per_scope(rates_world):
    rates_recompute_all(D)
    keys = rates_place_keys(rates_task_places([rates_world.t3.pk]))
    rates_world.t3.status, rates_world.t3.closed_on = "closed", D
    rates_world.t3.save()
    rates_recompute_keys(keys, D)
    latest = latest_by_key()
    assert set(latest.values()) == {D} and len(latest) == RateSnapshot.objects.count()
    assert rates_latest(RateSnapshot.objects.filter(scope_key=f"organization:{rates_world.O1.pk}")).get().closed == 3


def test_a_history_backfill_leaves_the_latest_on_the_newest_day(rates_world):
    rates_recompute_all(D2)
    newest = latest_by_key()
    rates_recompute_all(D - dt.timedelta(days=30))
    rates_recompute_all(D)
    rates_recompute_keys(rates_place_keys(rates_task_places([rates_world.t1.pk])), D)  # an incremental run of a past day
    assert latest_by_key() == newest == newest_by_key()
    assert set(newest.values()) == {D2}
    assert not RateSnapshot.objects.filter(day__lt=D2, is_latest=True).exists()
    # History reads still take each scope's newest row up to the day asked for.
    assert {row.day for row in rates_latest(RateSnapshot.objects.all(), as_of=D)} == {D}
    assert {row.day for row in rates_latest(RateSnapshot.objects.all(), as_of=D2 + dt.timedelta(days=3))} == {D2}


def test_a_scope_only_in_the_past_keeps_its_newest_past_row(rates_world):
    """A backfilled day may hold a scope that later days lack (t7's round B had tasks then): its newest row is latest."""
    rates_recompute_all(D2)
    b = f"round:{rates_world.B.pk}"
    RateSnapshot.objects.filter(scope_key=b).delete()
    rates_recompute_all(D - dt.timedelta(days=1))
    rates_recompute_all(D - dt.timedelta(days=2))
    assert latest_by_key()[b] == D - dt.timedelta(days=1)
    assert latest_by_key() == newest_by_key()


def test_seed_history_marks_today_as_latest(rates_world):
    rates_recompute_history(today=D2, months=3)
    latest = latest_by_key()
    assert latest == newest_by_key() and set(latest.values()) == {D2}
