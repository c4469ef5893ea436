"""Rates computed in the database, checked against figures worked out by hand (see conftest.py)."""
import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from inspection.models import Inspection
from rectification.models import RateSnapshot, RectificationTask, TaskWarning
from rectification.rates import (
    rates_inspection_places,
    rates_place_keys,
    rates_recompute_all,
    rates_recompute_keys,
    rates_task_places,
)
from tests.factories import make_finding, make_inspection, make_organization
from tests.worlds import D

pytestmark = pytest.mark.django_db

FIELDS = ["tasks_total", "closed", "closed_on_time", "closed_late", "open_within_deadline", "overdue", "extended",
          "rate", "on_time_rate", "mean_days_to_close", "leads", "leads_transferred", "cases_filed",
          "people_sanctioned", "people_organizational", "people_judicial"]


DERIVED = ("rate", "on_time_rate", "mean_days_to_close")


def figures(key, day=D):
    """A snapshot's counts that are not zero, and its rates and mean (None when null)."""
    row = RateSnapshot.objects.get(scope_key=key, day=day)
    return {field: getattr(row, field) for field in FIELDS if field in DERIVED or getattr(row, field)}


def pct(text):
    return Decimal(text)


def test_every_scope_on_day_d(rates_world):
    rates_recompute_all(D)
    everything = {
        "tasks_total": 7, "closed": 3, "closed_on_time": 2, "closed_late": 1, "open_within_deadline": 2, "overdue": 2,
        "extended": 1, "rate": pct("42.86"), "on_time_rate": pct("28.57"), "mean_days_to_close": pct("38.0"),
        "leads": 2, "leads_transferred": 1, "cases_filed": 1, "people_sanctioned": 2, "people_organizational": 1,
    }
    assert figures("overall") == everything
    # Roll-up: the city holds its own organisation (O3) and both counties'; the province the city's.
    assert figures("region:421200") == everything
    assert figures("region:420000") == everything
    xianan = {
        "tasks_total": 4, "closed": 2, "closed_on_time": 1, "closed_late": 1, "overdue": 2,
        "rate": pct("50.00"), "on_time_rate": pct("25.00"), "mean_days_to_close": pct("41.5"),
        "leads": 1, "leads_transferred": 1, "cases_filed": 1, "people_sanctioned": 2, "people_organizational": 1,
    }
    assert figures("region:421202") == xianan
    assert figures(f"organization:{rates_world.O1.pk}") == xianan
    assert figures("region:421222") == {
        "tasks_total": 2, "open_within_deadline": 2, "extended": 1, "rate": pct("0.00"), "on_time_rate": pct("0.00"),
        "mean_days_to_close": None, "leads": 1,
    }
    # A scope with a lead and no task has no rate (null), not 0 %.
    assert figures(f"organization:{rates_world.O5.pk}") == {"leads": 1, "rate": None, "on_time_rate": None,
                                                       "mean_days_to_close": None}
    assert figures("category:421200:integrity") == {
        "tasks_total": 5, "closed": 3, "closed_on_time": 2, "closed_late": 1, "overdue": 2,
        "rate": pct("60.00"), "on_time_rate": pct("40.00"), "mean_days_to_close": pct("38.0"),
        "leads": 1, "leads_transferred": 1, "cases_filed": 1, "people_sanctioned": 2, "people_organizational": 1,
    }
    assert figures("category:421222:conduct")["tasks_total"] == 2
    assert figures(f"round:{rates_world.A.pk}") == {
        "tasks_total": 6, "closed": 3, "closed_on_time": 2, "closed_late": 1, "open_within_deadline": 2, "overdue": 1,
        "extended": 1, "rate": pct("50.00"), "on_time_rate": pct("33.33"), "mean_days_to_close": pct("38.0"),
        "leads": 2, "leads_transferred": 1, "cases_filed": 1, "people_sanctioned": 2, "people_organizational": 1,
    }
    assert figures(f"round:{rates_world.B.pk}") == {"tasks_total": 1, "overdue": 1, "rate": pct("0.00"),
                                              "on_time_rate": pct("0.00"), "mean_days_to_close": None}
    assert figures(f"round_organization:{rates_world.A.pk}:{rates_world.O1.pk}") == {
        "tasks_total": 3, "closed": 2, "closed_on_time": 1, "closed_late": 1, "overdue": 1,
        "rate": pct("66.67"), "on_time_rate": pct("33.33"), "mean_days_to_close": pct("41.5"),
        "leads": 1, "leads_transferred": 1, "cases_filed": 1, "people_sanctioned": 2, "people_organizational": 1,
    }
    # Nothing for scopes without tasks, leads or findings on D; the later task's category has its finding only
    # (findings are counted as they are when computed).
    assert not RateSnapshot.objects.filter(day=D, scope_key="category:421202:conduct").exists()
    political = RateSnapshot.objects.get(day=D, scope_key="category:421202:political")
    assert (political.tasks_total, political.findings, political.rate) == (0, 1, None)


def test_each_row_belongs_to_its_region_round_and_organisation(rates_world):
    rates_recompute_all(D)
    row = RateSnapshot.objects.get(scope_key=f"round:{rates_world.A.pk}", day=D)
    assert (row.scope, row.region, row.round, row.organization) == ("round", rates_world.city, rates_world.A, None)
    row = RateSnapshot.objects.get(scope_key=f"round_organization:{rates_world.B.pk}:{rates_world.O1.pk}", day=D)
    assert (row.region, row.round, row.organization) == (rates_world.xianan, rates_world.B, rates_world.O1)
    row = RateSnapshot.objects.get(scope_key="category:421222:conduct", day=D)
    assert (row.scope, row.region, row.category) == ("category", rates_world.tongcheng, "conduct")
    assert RateSnapshot.objects.get(scope_key="overall", day=D).region is None


def test_figures_as_they_stood_on_an_earlier_and_a_later_day(rates_world):
    later = dt.date(2026, 7, 20)
    rates_recompute_all(later)
    rates_recompute_all(dt.date(2026, 5, 9))  # before any task was assigned
    assert figures("overall", later) == {
        "tasks_total": 8, "closed": 4, "closed_on_time": 2, "closed_late": 2, "open_within_deadline": 2, "overdue": 2,
        "extended": 1, "rate": pct("50.00"), "on_time_rate": pct("25.00"), "mean_days_to_close": pct("42.5"),
        "leads": 3, "leads_transferred": 2, "cases_filed": 1, "people_sanctioned": 2, "people_organizational": 1,
    }
    assert figures("overall", dt.date(2026, 5, 9)) == {"leads": 2, "leads_transferred": 1, "cases_filed": 1,
                                                       "people_sanctioned": 2, "people_organizational": 1,
                                                       "rate": None, "on_time_rate": None, "mean_days_to_close": None}


def test_recomputing_a_day_keeps_one_row_per_scope_with_the_new_figures(rates_world):
    rates_recompute_all(D)
    rows = RateSnapshot.objects.filter(day=D).count()
    RectificationTask.objects.filter(pk=rates_world.t3.pk).update(status="closed", closed_on=D)
    assert rates_recompute_all(D) == rows
    assert RateSnapshot.objects.filter(day=D).count() == rows
    assert figures("overall")["closed"] == 4 and figures("overall")["rate"] == pct("57.14")


def test_recomputing_keys_writes_only_those_and_empties_a_scope_that_lost_its_tasks(rates_world):
    rates_recompute_all(D)
    before = dict(RateSnapshot.objects.filter(day=D).values_list("scope_key", "computed_at"))
    RectificationTask.objects.filter(round=rates_world.B).delete()
    keys = {f"round:{rates_world.B.pk}", f"round_organization:{rates_world.B.pk}:{rates_world.O1.pk}", f"organization:{rates_world.O1.pk}",
            "region:421202"}
    assert rates_recompute_keys(keys, D) == 4
    after = dict(RateSnapshot.objects.filter(day=D).values_list("scope_key", "computed_at"))
    assert {key for key in after if after[key] != before[key]} == keys
    assert figures(f"round:{rates_world.B.pk}") == {"rate": None, "on_time_rate": None, "mean_days_to_close": None}
    assert figures("region:421202")["tasks_total"] == 3
    assert figures("overall")["tasks_total"] == 7  # not recomputed: not touched


def test_seed_demo_writes_a_monthly_history_that_matches_the_tasks(demo):
    from inspection.models import Region
    from tests.conftest import DEMO_TODAY

    days = sorted(RateSnapshot.objects.filter(scope_key="overall").values_list("day", flat=True))
    assert len(days) == 13 and days[-1] == DEMO_TODAY and days[0] == dt.date(2025, 6, 30)
    for day in (days[0], days[6], DEMO_TODAY):  # counted again with the ORM, task by task in SQL
        tasks = RectificationTask.objects.filter(assigned_on__lte=day)
        city = tasks.filter(region__in=Region.objects.filter(code__startswith="4212"))
        overall = RateSnapshot.objects.get(scope_key="overall", day=day)
        assert (overall.tasks_total, overall.closed) == (tasks.count(), tasks.filter(closed_on__lte=day).count())
        assert RateSnapshot.objects.get(scope_key="region:421200", day=day).tasks_total == city.count()
        assert overall.overdue == tasks.filter(deadline__lt=day).exclude(closed_on__lte=day).count()


def test_findings_and_active_warnings_of_every_scope(rates_world):
    """Findings (t8's stays after its task was deleted) and active warnings, summed like the tasks."""
    TaskWarning.objects.create(task=rates_world.t3, level="red", reason="逾期")
    TaskWarning.objects.create(task=rates_world.t4, level="notice", reason="临近时限", issued_at=timezone.now() - dt.timedelta(days=1),
                           lifted_at=timezone.now(), lift_reason="已延期")
    TaskWarning.objects.create(task=rates_world.t7, level="yellow", reason="临近时限")
    rates_recompute_all(D)
    counts = {key: (findings, warnings) for key, findings, warnings in
              RateSnapshot.objects.filter(day=D).values_list("scope_key", "findings", "warnings_active")}
    assert counts["overall"] == (9, 2)
    assert counts["region:421200"] == (9, 2) and counts["region:421202"] == (6, 2)  # 咸安: O1's 5, O4's 1
    assert counts["region:421222"] == (2, 0)  # 通城: O2's t4, t5 (t4's warning lifted)
    assert counts[f"round:{rates_world.A.pk}"] == (6, 1) and counts[f"round:{rates_world.B.pk}"] == (3, 1)
    assert counts[f"organization:{rates_world.O1.pk}"] == (5, 2)
    assert counts[f"round_organization:{rates_world.B.pk}:{rates_world.O1.pk}"] == (2, 1)
    assert counts["category:421202:integrity"] == (5, 2) and counts["category:421200:conduct"] == (2, 0)

    # The incremental run of the touched scopes follows a lifted warning and a new finding.
    TaskWarning.objects.filter(task=rates_world.t7).update(lifted_at=timezone.now())
    make_finding(rates_world.t7.inspection, category="integrity")
    rates_recompute_keys(rates_place_keys(rates_task_places([rates_world.t7.pk])), D)
    counts = dict(RateSnapshot.objects.filter(day=D, is_latest=True).values_list("scope_key", "warnings_active"))
    assert counts["overall"] == counts[f"organization:{rates_world.O1.pk}"] == 1 and counts[f"round:{rates_world.B.pk}"] == 0
    found = dict(RateSnapshot.objects.filter(day=D).values_list("scope_key", "findings"))
    assert found["overall"] == 10 and found[f"round:{rates_world.B.pk}"] == 4 and found["category:421202:integrity"] == 6


def test_inspected_organisations_of_every_scope(rates_world):
    """Round A inspected O1, O2, O3, O5 and round B O1, O4: an organisation counts once wherever it is summed."""
    rates_recompute_all(D)
    units = dict(RateSnapshot.objects.filter(day=D).values_list("scope_key", "units_inspected"))
    assert units["overall"] == units["region:420000"] == units["region:421200"] == 5  # O1 once, not twice
    assert (units["region:421202"], units["region:421222"]) == (2, 2)  # 咸安 O1, O4; 通城 O2, O5
    assert (units[f"round:{rates_world.A.pk}"], units[f"round:{rates_world.B.pk}"]) == (4, 2)
    assert units[f"organization:{rates_world.O1.pk}"] == units[f"round_organization:{rates_world.B.pk}:{rates_world.O1.pk}"] == 1
    assert units["category:421202:integrity"] == 0

    # The incremental run: O3 again in round B (no new unit), and a new organisation of 咸安 in round B.
    again = make_inspection(rates_world.B, rates_world.O3)
    new = make_inspection(rates_world.B, make_organization(rates_world.O1.region, "咸安区林业局"))
    places = rates_inspection_places(Inspection.objects.filter(pk__in=[again.pk, new.pk]))
    rates_recompute_keys(rates_place_keys(places), D)
    units = dict(RateSnapshot.objects.filter(day=D).values_list("scope_key", "units_inspected"))
    assert units["overall"] == units["region:421200"] == 6 and units["region:421202"] == 3
    assert units[f"round:{rates_world.B.pk}"] == 4 and units[f"organization:{rates_world.O3.pk}"] == 1


def test_the_recompute_command_writes_a_day_and_refuses_a_bad_date(rates_world):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("rates_recompute", day=D.isoformat(), stdout=out)
    assert RateSnapshot.objects.filter(day=D, scope_key="overall").exists()
    assert f"{RateSnapshot.objects.filter(day=D).count():,} 个统计范围" in out.getvalue()
    with pytest.raises(CommandError, match="日期格式不正确"):
        call_command("rates_recompute", day="六月三十日")


def test_snapshots_are_recomputed_once_a_migration_adds_a_figure(rates_world):
    from types import SimpleNamespace

    from rectification.signals import rates_recompute_after_new_figures

    today = timezone.localdate()
    rates_recompute_all(today)
    RateSnapshot.objects.update(units_inspected=0)  # as the rows were before migration 0007
    other = SimpleNamespace(app_label="inspection", name="0009_something")
    rates_recompute_after_new_figures(sender=None, plan=[(other, False)])
    assert RateSnapshot.objects.get(scope_key="overall", day=today).units_inspected == 0  # not that migration
    added = SimpleNamespace(app_label="rectification", name="0007_snapshot_units_inspected")
    rates_recompute_after_new_figures(sender=None, plan=[(added, True)])  # unapplied: nothing to do
    assert RateSnapshot.objects.get(scope_key="overall", day=today).units_inspected == 0
    rates_recompute_after_new_figures(sender=None, plan=[(other, False), (added, False)])
    assert RateSnapshot.objects.get(scope_key="overall", day=today).units_inspected == 5


def test_planner_settings_do_not_outlast_a_recompute(rates_world):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("planner settings are PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SHOW work_mem")
        work_mem = cursor.fetchone()[0]
        rates_recompute_all(D)  # inside the test's transaction, as inside any caller's
        rates_recompute_keys(rates_place_keys(rates_task_places([rates_world.t3.pk])), D)
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone()[0] == "4"
        cursor.execute("SHOW work_mem")
        assert cursor.fetchone()[0] == work_mem
