"""Rectification rates per scope, computed in the database and stored as `RateSnapshot` rows.

Scopes and their keys:
- overall                                     "overall"
- region, at every level (a city's figure includes its counties' organisations)   "region:<adcode>"
- region × finding category, at every level   "category:<adcode>:<category>"
- round (its region is the organiser)         "round:<id>"
- organisation                                "organization:<id>"
- round × organisation                        "round_organization:<round>:<org>"

Figures are "as they stood on day D": tasks assigned on or before D; a task is closed when
closed_on ≤ D, on time when closed_on ≤ deadline; open within the deadline when still open on
D and D ≤ deadline, overdue when D > deadline. The deadline used is the one in force now (an
extension approved after D counts back to D: the task row keeps no history of its deadline).
Leads: those not yet handed over or handed over by D, with their current outcome counts
(outcomes carry no dates). Each row keeps `days_to_close_total` beside the mean, so means sum up.

Two ways to write a day's rows, one SQL definition of the figures (`TASK_MEASURES`, `LEAD_MEASURES`, …):
- full (`rates_write(day=D)`): one aggregate SELECT upserted with INSERT … ON CONFLICT DO UPDATE, or a
  plain INSERT when D has no rows yet (through a temporary table on PostgreSQL, see `_write_all`).
  Tasks, leads, findings, warnings and inspections are summed into
  cells per (region, category) (`rc`) and per (round, organisation, region) (`ro`), one GROUP BY
  scan each; the cells are summed into every scope, regions rolled up county → city → province
  through `anc` (each region's ancestors).
- incremental (`rates_write(day=D, keys=...)`), once D has had its full run (its "overall" row
  exists, which only the full run creates): round, organisation and round × organisation keys
  from their own tasks (indexed filters); then, level by level from the counties up, a region from
  its organisations' and child regions' rows of D, a region × category from its own tasks of that
  category and its child regions' rows; "overall" from the top regions' rows. So a change costs a
  few indexed queries, not a scan of every task. Before the full run the keys get a full run.
A touched scope left with nothing gets a row of zeros (rate null) before the level above sums it.
Both keep `is_latest` (a scope's newest row) in the same transaction: the rows of D are written as
latest when no later day has rows (every day with rows has its "overall" row, as only the full run
starts a day), then one UPDATE (`rates_mark_latest`) clears the older latest rows of the keys written,
or, when D is a past day (history), marks D's rows only where their key has no later row.
On PostgreSQL every write takes
one advisory lock, so recomputes run one after another and the later one's figures stand.

Modules: `sql` (the figures' SQL), `write` (the runs, `is_latest`, the recompute entry points), `keys` (scope keys
and the keys a change touches), `pending` (touching, the pending set and its drain), `cache` (cached answers).
"""
from rectification.rates.cache import SNAPSHOT_VERSION_KEY, snapshot_cached, snapshot_version_bump
from rectification.rates.keys import (
    Place,
    ScopeKey,
    rates_finding_places,
    rates_inspection_places,
    rates_lead_places,
    rates_place_keys,
    rates_task_places,
    scope_key,
)
from rectification.rates.pending import (
    rates_drain_pending,
    rates_pending,
    rates_sweep,
    rates_touch,
    rates_touch_tasks,
)
from rectification.rates.sql import (
    DERIVED_FIELDS,
    FINDING_MEASURES,
    INSPECTION_MEASURES,
    LEAD_MEASURES,
    MEASURES,
    TASK_MEASURES,
    WARNING_MEASURES,
    WRITTEN_FIELDS,
    rates_select_sql,
)
from rectification.rates.write import (
    ADVISORY_LOCK_KEY,
    rates_fetch,
    rates_mark_latest,
    rates_recompute_all,
    rates_recompute_history,
    rates_recompute_keys,
    rates_write,
)

__all__ = [
    "ADVISORY_LOCK_KEY",
    "DERIVED_FIELDS",
    "FINDING_MEASURES",
    "INSPECTION_MEASURES",
    "LEAD_MEASURES",
    "MEASURES",
    "SNAPSHOT_VERSION_KEY",
    "TASK_MEASURES",
    "WARNING_MEASURES",
    "WRITTEN_FIELDS",
    "Place",
    "ScopeKey",
    "rates_drain_pending",
    "rates_fetch",
    "rates_finding_places",
    "rates_inspection_places",
    "rates_lead_places",
    "rates_mark_latest",
    "rates_pending",
    "rates_place_keys",
    "rates_recompute_all",
    "rates_recompute_history",
    "rates_recompute_keys",
    "rates_select_sql",
    "rates_sweep",
    "rates_task_places",
    "rates_touch",
    "rates_touch_tasks",
    "rates_write",
    "scope_key",
    "snapshot_cached",
    "snapshot_version_bump",
]
