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
"""
from contextlib import contextmanager
from datetime import date

from django.db import connection, transaction
from django.utils import timezone

from inspection.choices import RegionLevel
from inspection.models import Finding, Inspection, InspectionRound, Lead, Organization, Region
from rectification.choices import RateScope
from rectification.models import RateSnapshot, RectificationTask, Warning
from rectification.selectors import snapshot_version_bump

ADVISORY_LOCK_KEY = 74241203  # pg_advisory_xact_lock: one recompute at a time

# Additive measures of a cell: SQL over one task row ({d}: day D, {days}: days from assigned to closed).
TASK_MEASURES = {
    "tasks_total": "1",
    "closed": "CASE WHEN t.closed_on <= {d} THEN 1 ELSE 0 END",
    "closed_on_time": "CASE WHEN t.closed_on <= {d} AND t.closed_on <= t.deadline THEN 1 ELSE 0 END",
    "closed_late": "CASE WHEN t.closed_on <= {d} AND t.closed_on > t.deadline THEN 1 ELSE 0 END",
    "open_within_deadline": "CASE WHEN (t.closed_on IS NULL OR t.closed_on > {d}) AND t.deadline >= {d} THEN 1 ELSE 0 END",
    "overdue": "CASE WHEN (t.closed_on IS NULL OR t.closed_on > {d}) AND t.deadline < {d} THEN 1 ELSE 0 END",
    "extended": "CASE WHEN t.deadline > t.original_deadline THEN 1 ELSE 0 END",
    "days_to_close_total": "CASE WHEN t.closed_on <= {d} THEN {days} ELSE 0 END",
}
LEAD_MEASURES = {
    "leads": "1",
    "leads_transferred": "CASE WHEN l.status <> 'pending' THEN 1 ELSE 0 END",
    "cases_filed": "l.cases_filed",
    "people_sanctioned": "l.people_sanctioned",
    "people_organizational": "l.people_organizational",
    "people_judicial": "l.people_judicial",
}
# Counts the overview shows for a whole region, as they are when computed (findings carry no date; a
# warning is active while not lifted), so a past day's row holds the counts of the day it was computed.
FINDING_MEASURES = {"findings": "1"}
WARNING_MEASURES = {"warnings_active": "1"}
# Inspected organisations: a cell per (region) counts its organisations with an inspection, a cell per (round,
# organisation) is 1 (one inspection per organisation and round); an organisation's own row is 1, not its rounds.
INSPECTION_MEASURES = {"units_inspected": "1"}
MEASURES = [  # also RateSnapshot's columns
    *TASK_MEASURES, *LEAD_MEASURES, *FINDING_MEASURES, *WARNING_MEASURES, *INSPECTION_MEASURES,
]
DERIVED_FIELDS = ["rate", "on_time_rate", "mean_days_to_close"]
WRITTEN_FIELDS = [
    "scope", "scope_key", "day", "region_id", "round_id", "organization_id", "category",
    *MEASURES, *DERIVED_FIELDS, "computed_at", "is_latest",
]
ROUND_SCOPES = (RateScope.ROUND, RateScope.ORGANIZATION, RateScope.ROUND_ORGANIZATION)
LEVELS_UP = [RegionLevel.COUNTY, RegionLevel.CITY, RegionLevel.PROVINCE]  # children before parents
NOTHING = "AND 1 = 0"


def _days_between(later: str, earlier: str) -> str:
    if connection.vendor == "postgresql":
        return f"({later} - {earlier})"
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


def _sums(prefix="c.", *, one_organization=False) -> str:
    """Every measure summed; for one organisation's row `units_inspected` is whether any cell has it (MAX), as
    its cells are its rounds. COALESCE: "overall" of nothing is a row of zeros, not of nulls."""
    return ", ".join(
        f"COALESCE({'MAX' if one_organization and m in INSPECTION_MEASURES else 'SUM'}({prefix}{m}), 0) AS {m}"
        for m in MEASURES
    )


def _in(column: str, name: str, values, params: dict) -> str:
    """`column IN (...)` with named parameters (NOTHING-like when `values` is empty)."""
    values = sorted(values)
    if not values:
        return "1 = 0"
    params.update({f"{name}{n}": value for n, value in enumerate(values)})
    return f"{column} IN ({', '.join(f'%({name}{n})s' for n in range(len(values)))})"


def _columns(measures: dict) -> str:
    """Every measure in MEASURES order (the cells are UNIONed): `measures` summed, the others zero."""
    return ", ".join(f"SUM({measures[m]}) AS {m}" if m in measures else f"0 AS {m}" for m in MEASURES)


def _task_cells(group: list[str], where: str) -> str:
    """Tasks summed per `group` columns of t (alias)."""
    d, days = "%(day)s", _days_between("t.closed_on", "t.assigned_on")
    keys = ", ".join(group)
    measures = {m: expr.format(d=d, days=days) for m, expr in TASK_MEASURES.items()}
    return f"""SELECT {keys}, {_columns(measures)} FROM {RectificationTask._meta.db_table} t
                WHERE t.assigned_on <= {d} {where} GROUP BY {keys}"""


def _lead_cells(group: list[str], where: str) -> str:
    """Leads summed per `group` (columns of o = organisation, i = inspection, category).
    `category` is the lead's finding's category, '' without a finding."""
    keys = ", ".join("COALESCE(f.category, '')" if g == "category" else g for g in group)
    finding = f"LEFT JOIN {Finding._meta.db_table} f ON f.id = l.finding_id" if "category" in group else ""
    return f"""SELECT {keys}, {_columns(LEAD_MEASURES)}
                 FROM {Lead._meta.db_table} l JOIN {Inspection._meta.db_table} i ON i.id = l.inspection_id
                 JOIN {Organization._meta.db_table} o ON o.id = i.organization_id {finding}
                WHERE (l.transferred_on IS NULL OR l.transferred_on <= %(day)s) {where} GROUP BY {keys}"""


def _finding_cells(group: list[str], where: str) -> str:
    """Findings counted per `group` (columns of o, i, category = the finding's); filters as the leads'."""
    keys = ", ".join("f.category" if g == "category" else g for g in group)
    return f"""SELECT {keys}, {_columns(FINDING_MEASURES)}
                 FROM {Finding._meta.db_table} f JOIN {Inspection._meta.db_table} i ON i.id = f.inspection_id
                 JOIN {Organization._meta.db_table} o ON o.id = i.organization_id
                WHERE 1 = 1 {where} GROUP BY {keys}"""


def _inspection_cells(group: list[str], where: str) -> str:
    """Inspected organisations per `group`, filters as the leads': per (round, organisation) from the
    inspections; per region ('' for `category`: no category) its organisations that have an inspection."""
    if "category" in group:
        keys = ", ".join("''" if g == "category" else g for g in group)
        return f"""SELECT {keys}, {_columns(INSPECTION_MEASURES)} FROM {Organization._meta.db_table} o
                    WHERE EXISTS (SELECT 1 FROM {Inspection._meta.db_table} i WHERE i.organization_id = o.id) {where}
                    GROUP BY {", ".join(g for g in group if g != "category")}"""
    keys = ", ".join(group)
    return f"""SELECT {keys}, {_columns(INSPECTION_MEASURES)}
                 FROM {Inspection._meta.db_table} i JOIN {Organization._meta.db_table} o ON o.id = i.organization_id
                WHERE 1 = 1 {where} GROUP BY {keys}"""


def _warning_cells(group: list[str], where: str) -> str:
    """Active (not lifted) warnings counted per `group` columns of their task t; filters as the tasks'."""
    keys = ", ".join(group)
    return f"""SELECT {keys}, {_columns(WARNING_MEASURES)}
                 FROM {Warning._meta.db_table} w JOIN {RectificationTask._meta.db_table} t ON t.id = w.task_id
                WHERE w.lifted_at IS NULL {where} GROUP BY {keys}"""


def _row_select(scopes_sql: str, key_filter: str) -> str:
    """Rows to write from a `scopes` query: the sums, then rate and on-time rate (percent, two
    decimals) and the mean days (one decimal), null where there is nothing to divide."""
    return f"""
      SELECT s.scope, s.scope_key, %(day)s AS day, s.region_id, s.round_id, s.organization_id, s.category,
             {", ".join(f"s.{m}" for m in MEASURES)},
             CASE WHEN s.tasks_total > 0 THEN ROUND(100.0 * s.closed / s.tasks_total, 2) END AS rate,
             CASE WHEN s.tasks_total > 0 THEN ROUND(100.0 * s.closed_on_time / s.tasks_total, 2) END AS on_time_rate,
             CASE WHEN s.closed > 0 THEN ROUND(1.0 * s.days_to_close_total / s.closed, 1) END AS mean_days_to_close,
             %(now)s AS computed_at, %(latest)s AS is_latest
        FROM ({scopes_sql}) s
       WHERE 1 = 1 {key_filter}
    """


def rates_select_sql(*, region_cells: bool = True, ro_where=("", ""), key_filter: str = "",
                     params=None) -> tuple[str, dict]:
    """Every scope's row from tasks and leads (the full run's SELECT, and with filters the
    incremental run's round and organisation rows). `region_cells`: whether the (region, category)
    cells are summed (the incremental run's round keys need none); `ro_where` (conditions on the
    task alias t, on the inspection alias i) filters the (round, organisation) cells."""
    region, rnd = Region._meta.db_table, InspectionRound._meta.db_table
    sums = _sums()
    ro_task, ro_lead = ro_where
    rc_where = "" if region_cells else NOTHING
    scopes = f"""
      WITH anc (region_id, ancestor_id) AS (
        SELECT id, id FROM {region}
        UNION ALL SELECT id, parent_id FROM {region} WHERE parent_id IS NOT NULL
        UNION ALL SELECT r.id, p.parent_id FROM {region} r JOIN {region} p ON p.id = r.parent_id
                   WHERE p.parent_id IS NOT NULL
      ),
      rc AS (
        {_task_cells(["t.region_id", "t.category"], rc_where)}
        UNION ALL {_lead_cells(["o.region_id", "category"], rc_where)}
        UNION ALL {_finding_cells(["o.region_id", "category"], rc_where)}
        UNION ALL {_warning_cells(["t.region_id", "t.category"], rc_where)}
        UNION ALL {_inspection_cells(["o.region_id", "category"], rc_where)}
      ),
      ro AS (
        {_task_cells(["t.round_id", "t.organization_id", "t.region_id"], ro_task)}
        UNION ALL {_lead_cells(["i.round_id", "i.organization_id", "o.region_id"], ro_lead)}
        UNION ALL {_finding_cells(["i.round_id", "i.organization_id", "o.region_id"], ro_lead)}
        UNION ALL {_warning_cells(["t.round_id", "t.organization_id", "t.region_id"], ro_task)}
        UNION ALL {_inspection_cells(["i.round_id", "i.organization_id", "o.region_id"], ro_lead)}
      )
      SELECT '{RateScope.OVERALL}' AS scope, 'overall' AS scope_key, CAST(NULL AS BIGINT) AS region_id,
             CAST(NULL AS BIGINT) AS round_id, CAST(NULL AS BIGINT) AS organization_id, '' AS category, {sums}
        FROM rc c
      UNION ALL
      SELECT '{RateScope.REGION}', 'region:' || r.code, a.ancestor_id, NULL, NULL, '', {sums}
        FROM rc c JOIN anc a ON a.region_id = c.region_id JOIN {region} r ON r.id = a.ancestor_id
       GROUP BY a.ancestor_id, r.code
      UNION ALL
      SELECT '{RateScope.CATEGORY}', 'category:' || r.code || ':' || c.category, a.ancestor_id, NULL, NULL,
             c.category, {sums}
        FROM rc c JOIN anc a ON a.region_id = c.region_id JOIN {region} r ON r.id = a.ancestor_id
       WHERE c.category <> ''
       GROUP BY a.ancestor_id, r.code, c.category
      UNION ALL
      SELECT '{RateScope.ROUND}', 'round:' || c.round_id, rd.organizer_id, c.round_id, NULL, '', {sums}
        FROM ro c JOIN {rnd} rd ON rd.id = c.round_id
       GROUP BY c.round_id, rd.organizer_id
      UNION ALL
      SELECT '{RateScope.ORGANIZATION}', 'organization:' || c.organization_id, c.region_id, NULL,
             c.organization_id, '', {_sums(one_organization=True)}
        FROM ro c GROUP BY c.organization_id, c.region_id
      UNION ALL
      SELECT '{RateScope.ROUND_ORGANIZATION}', 'round_organization:' || c.round_id || ':' || c.organization_id,
             c.region_id, c.round_id, c.organization_id, '', {sums}
        FROM ro c GROUP BY c.round_id, c.organization_id, c.region_id
    """
    # WITH inside the derived table keeps one statement on both PostgreSQL and SQLite.
    return _row_select(scopes, key_filter), dict(params or {})


def _region_rollup_sql(region_ids, categories, params: dict) -> str:
    """Region and category rows of `region_ids` (one level) from rows of D already written and a
    few indexed rows: `kind` R (region rows) = the region's organisations' rows + its child
    regions' rows; C (category rows, only `categories`) = its own tasks and leads of those
    categories + its child regions' category rows."""
    region, snapshot = Region._meta.db_table, RateSnapshot._meta.db_table
    def own(column):  # `column` is one of `region_ids`
        return _in(column, "reg", region_ids, params)

    def own_categories(region_column, category_column):
        return f"AND {own(region_column)} AND {_in(category_column, 'cat', categories, params)}"

    task_categories = own_categories("t.region_id", "t.category")
    lead_categories = own_categories("o.region_id", "f.category")  # leads' and findings' (finding alias f)
    rows, sums = ", ".join(f"s.{m}" for m in MEASURES), _sums()
    return f"""
      WITH cells AS (
        SELECT 'R' AS kind, s.region_id, '' AS category, {rows} FROM {snapshot} s
         WHERE s.day = %(day)s AND s.scope = '{RateScope.ORGANIZATION}' AND {own("s.region_id")}
        UNION ALL SELECT CASE WHEN s.scope = '{RateScope.REGION}' THEN 'R' ELSE 'C' END, r.parent_id, s.category, {rows}
          FROM {snapshot} s JOIN {region} r ON r.id = s.region_id
         WHERE s.day = %(day)s AND {own("r.parent_id")}
           AND (s.scope = '{RateScope.REGION}'
                OR s.scope = '{RateScope.CATEGORY}' AND {_in('s.category', 'cat', categories, params)})
        UNION ALL SELECT 'C', x.* FROM ({_task_cells(["t.region_id", "t.category"], task_categories)}) x
        UNION ALL SELECT 'C', x.* FROM ({_lead_cells(["o.region_id", "category"], lead_categories)}) x
        UNION ALL SELECT 'C', x.* FROM ({_finding_cells(["o.region_id", "category"], lead_categories)}) x
        UNION ALL SELECT 'C', x.* FROM ({_warning_cells(["t.region_id", "t.category"], task_categories)}) x
      )
      SELECT '{RateScope.REGION}' AS scope, 'region:' || r.code AS scope_key, c.region_id,
             CAST(NULL AS BIGINT) AS round_id, CAST(NULL AS BIGINT) AS organization_id, '' AS category, {sums}
        FROM cells c JOIN {region} r ON r.id = c.region_id
       WHERE c.kind = 'R' GROUP BY c.region_id, r.code
      UNION ALL
      SELECT '{RateScope.CATEGORY}', 'category:' || r.code || ':' || c.category, c.region_id, NULL, NULL,
             c.category, {sums}
        FROM cells c JOIN {region} r ON r.id = c.region_id
       WHERE c.kind = 'C' AND c.category <> '' GROUP BY c.region_id, r.code, c.category
    """


def _overall_rollup_sql() -> str:
    """"overall" from the rows of D of the top regions (those without a parent)."""
    region, snapshot = Region._meta.db_table, RateSnapshot._meta.db_table
    return f"""
      SELECT '{RateScope.OVERALL}' AS scope, 'overall' AS scope_key, CAST(NULL AS BIGINT) AS region_id,
             CAST(NULL AS BIGINT) AS round_id, CAST(NULL AS BIGINT) AS organization_id, '' AS category,
             {_sums("s.")}
        FROM {snapshot} s JOIN {region} r ON r.id = s.region_id
       WHERE s.day = %(day)s AND s.scope = '{RateScope.REGION}' AND r.parent_id IS NULL
    """


def _key_filter(keys, params: dict) -> str:
    return "AND " + _in("s.scope_key", "key", keys, params)


def _params(day: date, params: dict, latest: bool) -> dict:
    ops = connection.ops
    return {**params, "day": ops.adapt_datefield_value(day), "now": ops.adapt_datetimefield_value(timezone.now()),
            "latest": latest}


def _newest(day: date) -> bool:
    """Whether no later day has rows: a day's rows start with its "overall" row (index on scope, day)."""
    return not RateSnapshot.objects.filter(scope=RateScope.OVERALL, day__gt=day).exists()


def rates_mark_latest(*, day: date, keys=None, written_latest: bool = False) -> int:
    """Set `is_latest` for the keys written on `day` (all of that day's keys when None), in one UPDATE:
    a key's row of `day` becomes its latest and its older latest row is cleared, unless the key has a
    row of a later day (a history backfill), which stays the latest. `written_latest`: the rows of `day`
    were written as latest (no later day has rows), so only the older latest rows are cleared, read
    from the partial index. Returns the rows changed."""
    table, params = RateSnapshot._meta.db_table, {"day": connection.ops.adapt_datefield_value(day)}
    if keys is None:
        in_written = f"""scope_key IN (SELECT w.scope_key FROM {table} w
                                        WHERE w.day = %(day)s {"AND w.is_latest" if written_latest else ""})"""
    else:
        in_written = _in("scope_key", "key", keys, params)
    if written_latest:
        sql = f"UPDATE {table} SET is_latest = FALSE WHERE is_latest AND day < %(day)s AND {in_written}"
    else:
        sql = f"""UPDATE {table} SET is_latest = (day = %(day)s)
                   WHERE {in_written} AND (is_latest AND day < %(day)s OR day = %(day)s AND NOT is_latest)
                     AND NOT EXISTS (SELECT 1 FROM {table} n WHERE n.scope_key = {table}.scope_key AND n.day > %(day)s)"""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _upsert(cursor, select: str, params: dict, day: date, latest: bool, *, returning: bool = True,
            fresh: bool = False) -> set[str] | int:
    """Insert or overwrite the rows `select` yields (as latest or not): their keys, or (returning=False) their count.
    `fresh`: `day` has no rows (checked under the lock), so a plain INSERT: a fifth cheaper than the upsert's
    speculative insertion for the nightly run's ~160,000 rows at a million tasks (measured)."""
    updates = ", ".join(f"{f} = excluded.{f}" for f in WRITTEN_FIELDS if f not in ("scope_key", "day"))
    on_conflict = "" if fresh else f"ON CONFLICT (scope_key, day) DO UPDATE SET {updates}"
    cursor.execute(
        f"""INSERT INTO {RateSnapshot._meta.db_table} ({", ".join(WRITTEN_FIELDS)}) {select}
            {on_conflict} {"RETURNING scope_key" if returning else ""}""",
        _params(day, params, latest),
    )
    return {row[0] for row in cursor.fetchall()} if returning else cursor.rowcount


def rates_write(*, day: date, keys=None) -> int:
    """Upsert the snapshots of `day` for every scope (or only `keys`); returns the rows written."""
    with transaction.atomic(), connection.cursor() as cursor:
        transaction.on_commit(snapshot_version_bump, robust=True)  # cached answers end once these rows are visible
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])
        newest = _newest(day)  # the rows are written as latest (see _params); probed once per run
        if keys is None or not RateSnapshot.objects.filter(scope_key=RateScope.OVERALL, day=day).exists():
            with _planner(cursor):
                return _write_all(cursor, day, newest)
        with _planner(cursor, incremental=True):
            keys = set(keys)
            round_keys = {k for k in keys if k.split(":")[0] in ROUND_SCOPES}
            written = _write_round_keys(cursor, day, newest, round_keys)
            written |= _write_empty(day, newest, round_keys - written)  # before regions sum their organisations' rows
            written |= _write_region_keys(cursor, day, newest, keys)
            if RateScope.OVERALL in keys:
                written |= _upsert(cursor, _row_select(_overall_rollup_sql(), ""), {}, day, newest)
            written |= _write_empty(day, newest, keys - written)
            rates_mark_latest(day=day, keys=written, written_latest=newest)
    return len(written)


def _write_all(cursor, day: date, newest: bool) -> int:
    select, params = rates_select_sql()
    fresh = not RateSnapshot.objects.filter(scope__in=RateScope.values, day=day).exists()  # (scope, day) index
    if connection.vendor == "postgresql":
        # PostgreSQL plans no parallel workers for INSERT … SELECT, but does for CREATE TABLE AS:
        # aggregate in parallel into a temporary table, then upsert from it.
        cursor.execute(f"CREATE TEMPORARY TABLE rates_rows ON COMMIT DROP AS {select}", _params(day, params, newest))
        # In key order, the unique index is filled page by page.
        count = _upsert(cursor, "SELECT * FROM rates_rows WHERE 1 = 1 ORDER BY scope_key", {}, day, newest,
                        returning=False, fresh=fresh)
        cursor.execute("DROP TABLE rates_rows")  # a second run in the same transaction makes it again
    else:
        count = _upsert(cursor, select, params, day, newest, returning=False, fresh=fresh)
    rates_mark_latest(day=day, written_latest=newest)
    return count


def _write_round_keys(cursor, day: date, latest: bool, keys: set) -> set[str]:
    if not keys:
        return set()
    rounds, organizations, params = set(), set(), {}
    for key in keys:
        scope, *ids = key.split(":")
        if scope == RateScope.ORGANIZATION:
            organizations.add(int(ids[0]))
        else:
            rounds.add(int(ids[0]))
    def touched(alias):  # rows of `alias` (t: a task, i: an inspection) in a touched round or organisation
        in_rounds = _in(f"{alias}.round_id", "rnd", rounds, params)
        return f"AND ({in_rounds} OR {_in(f'{alias}.organization_id', 'org', organizations, params)})"

    key_filter = _key_filter(keys, params)
    select, params = rates_select_sql(region_cells=False, ro_where=(touched("t"), touched("i")), key_filter=key_filter,
                                      params=params)
    return _upsert(cursor, select, params, day, latest)


def _write_region_keys(cursor, day: date, latest: bool, keys: set) -> set[str]:
    """Region and category keys, level by level from the counties up; a level's emptied scopes get
    their zero rows before the level above sums them."""
    touched = {}  # region code → its keys
    for key in keys:
        scope, *rest = key.split(":")
        if scope in (RateScope.REGION, RateScope.CATEGORY):
            touched.setdefault(rest[0], set()).add(key)
    by_level = {}
    for pk, code, level in Region.objects.filter(code__in=touched).values_list("pk", "code", "level"):
        by_level.setdefault(level, {})[pk] = touched[code]
    written = set()
    for level in LEVELS_UP:
        if level in by_level:
            level_keys = set().union(*by_level[level].values())
            categories = {key.split(":")[2] for key in level_keys if key.startswith(f"{RateScope.CATEGORY}:")}
            params = {}
            scopes = _region_rollup_sql(by_level[level], categories, params)
            done = _upsert(cursor, _row_select(scopes, _key_filter(level_keys, params)), params, day, latest)
            written |= done | _write_empty(day, latest, level_keys - done)
    return written


def _write_empty(day: date, latest: bool, keys: set) -> set:
    """A row of zeros (rate null) for touched scopes that no longer have tasks or leads."""
    rows = [row for row in (_empty_row(day, key) for key in keys) if row is not None]
    for row in rows:
        row.is_latest = latest
    RateSnapshot.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["scope_key", "day"],
        update_fields=[*MEASURES, *DERIVED_FIELDS, "computed_at", "is_latest"],
    )
    return {row.scope_key for row in rows}


def _empty_row(day: date, key: str) -> RateSnapshot | None:
    """The snapshot of a scope with nothing in it, or None when the scope's objects are gone."""
    scope, *rest = key.split(":")
    row = RateSnapshot(scope=scope, scope_key=key, day=day, computed_at=timezone.now())
    if scope == RateScope.OVERALL:
        return row
    if scope in (RateScope.REGION, RateScope.CATEGORY):
        row.region = Region.objects.filter(code=rest[0]).first()
        row.category = rest[1] if scope == RateScope.CATEGORY else ""
        return row if row.region else None
    if scope == RateScope.ROUND:
        row.round = InspectionRound.objects.filter(pk=rest[0]).first()
        if row.round is None:
            return None
        row.region_id = row.round.organizer_id
        return row
    organization = Organization.objects.filter(pk=rest[-1]).first()
    if organization is None:
        return None
    row.organization, row.region_id = organization, organization.region_id
    if scope == RateScope.ROUND_ORGANIZATION:
        row.round = InspectionRound.objects.filter(pk=rest[0]).first()
        if row.round is None:
            return None
    return row


def rates_fetch(*, day: date) -> list[tuple]:
    """The full run's aggregate query alone, rows fetched and nothing written (bench_rates' floor)."""
    select, params = rates_select_sql()
    with transaction.atomic(), connection.cursor() as cursor, _planner(cursor):
        cursor.execute(select, _params(day, params, _newest(day)))
        return cursor.fetchall()


@contextmanager
def _planner(cursor, *, incremental: bool = False):
    """PostgreSQL planner settings for a recompute's statements, put back after them (SET LOCAL alone would last
    to the end of an enclosing transaction; after an error the savepoint's rollback undoes them)."""
    values = {"work_mem": "64MB"}  # the cells of a million tasks are hashed in memory rather than sorted on disk
    if incremental:
        # A county's leads and findings are reached through its few hundred organisations' inspections. With the
        # default random_page_cost (4, for spinning disks) the planner scans every inspection instead: 38 ms
        # against 10 ms at a million tasks (measured). Rows of a recompute are read from memory or SSD.
        values["random_page_cost"] = "1.1"
    if connection.vendor != "postgresql":
        yield
        return
    for name, value in values.items():
        cursor.execute(f"SET LOCAL {name} = '{value}'")
    yield
    for name in values:
        cursor.execute(f"SET LOCAL {name} TO DEFAULT")
