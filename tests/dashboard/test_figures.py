"""Figures of several snapshot rows (a group member's rounds, the visible units of a round). No database."""
import datetime as dt
from decimal import Decimal

from dashboard.selectors import Figures
from rectification.models import RateSnapshot


def test_one_row_keeps_its_rates_and_several_rows_are_summed():
    a = RateSnapshot(day=dt.date(2026, 6, 1), tasks_total=3, closed=1, closed_on_time=1, overdue=2, leads=1,
                     rate=Decimal("33.33"), on_time_rate=Decimal("33.33"))
    b = RateSnapshot(day=dt.date(2026, 6, 2), tasks_total=5, closed=5, closed_on_time=4, overdue=0, leads=2,
                     rate=Decimal("100.00"), on_time_rate=Decimal("80.00"))
    assert Figures.of([a]).rate == Decimal("33.33") and Figures.of([a]).day == dt.date(2026, 6, 1)
    both = Figures.of([a, b])
    assert (both.tasks_total, both.closed, both.overdue, both.leads) == (8, 6, 2, 3)
    assert both.rate == Decimal("75.00") and both.on_time_rate == Decimal("62.50") and both.day == dt.date(2026, 6, 2)
    assert Figures.of([]) is None
    assert Figures.of([RateSnapshot(day=dt.date(2026, 6, 1)), RateSnapshot(day=dt.date(2026, 6, 1))]).rate is None
