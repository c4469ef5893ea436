"""Snapshot reads: the newest row per scope, a scope's history, and the caller's scoping."""
import datetime as dt

import pytest

from accounts.roles import Role
from rectification.choices import RateScope
from rectification.models import RateSnapshot
from rectification.rates import rates_mark_latest, scope_key
from rectification.selectors import rate_trend, rates_latest
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def snapshot(region, day, closed, total=10):
    row = RateSnapshot.objects.create(
        scope=RateScope.REGION, scope_key=scope_key("region", region.code), region=region, day=day,
        tasks_total=total, closed=closed, rate=round(100 * closed / total, 2),
    )
    rates_mark_latest(day=day, keys=[row.scope_key])  # as the recompute jobs do
    return row


def test_latest_takes_each_scopes_newest_row_on_or_before_the_date(xianan, tongcheng):
    snapshot(xianan, dt.date(2026, 1, 1), 1)
    snapshot(xianan, dt.date(2026, 2, 1), 5)
    snapshot(tongcheng, dt.date(2026, 1, 15), 7)

    latest = {row.region.code: row.closed for row in rates_latest(RateSnapshot.objects.all())}
    assert latest == {xianan.code: 5, tongcheng.code: 7}

    as_of = {row.region.code: row.closed for row in rates_latest(RateSnapshot.objects.all(), as_of=dt.date(2026, 1, 20))}
    assert as_of == {xianan.code: 1, tongcheng.code: 7}
    assert not rates_latest(RateSnapshot.objects.all(), as_of=dt.date(2025, 12, 31)).exists()


def test_trend_is_one_scopes_history_oldest_first_within_the_dates(xianan, tongcheng):
    for month in (1, 2, 3):
        snapshot(xianan, dt.date(2026, month, 1), month)
    snapshot(tongcheng, dt.date(2026, 2, 1), 9)

    rows = rate_trend(RateSnapshot.objects.all(), scope_key("region", xianan.code), date_from=dt.date(2026, 2, 1))
    assert [(row.day.month, row.closed) for row in rows] == [(2, 2), (3, 3)]


def test_a_county_user_never_reads_another_countys_snapshots(xianan, tongcheng):
    snapshot(xianan, dt.date(2026, 1, 1), 1)
    snapshot(tongcheng, dt.date(2026, 1, 1), 2)
    viewer = make_user("xianan-viewer", role=Role.VIEWER, region=xianan)

    visible = rates_latest(RateSnapshot.objects.visible_to(viewer))
    assert [row.region_id for row in visible] == [xianan.pk]
