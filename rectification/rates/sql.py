"""The SQL of the figures: one definition (`TASK_MEASURES`, `LEAD_MEASURES`, …) for the full and the incremental
run, built per scope from cells of tasks, leads, findings, warnings and inspections (see the package docstring)."""
from django.db import connection

from inspection.choices import RegionLevel
from inspection.models import Finding, Inspection, InspectionRound, Lead, Organization, Region
from rectification.choices import RateScope
from rectification.models import RateSnapshot, RectificationTask, TaskWarning
from rectification.rates.keys import ScopeKey

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
    "scope", "scope_key", "day", "region_id", "region_code", "round_id", "organization_id", "category",
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
                 FROM {TaskWarning._meta.db_table} w JOIN {RectificationTask._meta.db_table} t ON t.id = w.task_id
                WHERE w.lifted_at IS NULL {where} GROUP BY {keys}"""


def _row_select(scopes_sql: str, key_filter: str) -> str:
    """Rows to write from a `scopes` query: the region's code, the sums, then rate and on-time rate (percent, two
    decimals) and the mean days (one decimal), null where there is nothing to divide."""
    return f"""
      SELECT s.scope, s.scope_key, %(day)s AS day, s.region_id,
             (SELECT r.code FROM {Region._meta.db_table} r WHERE r.id = s.region_id) AS region_code,
             s.round_id, s.organization_id, s.category,
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
      SELECT '{RateScope.OVERALL}' AS scope, {ScopeKey.sql(RateScope.OVERALL)} AS scope_key, CAST(NULL AS BIGINT) AS region_id,
             CAST(NULL AS BIGINT) AS round_id, CAST(NULL AS BIGINT) AS organization_id, '' AS category, {sums}
        FROM rc c
      UNION ALL
      SELECT '{RateScope.REGION}', {ScopeKey.sql(RateScope.REGION, 'r.code')}, a.ancestor_id, NULL, NULL, '', {sums}
        FROM rc c JOIN anc a ON a.region_id = c.region_id JOIN {region} r ON r.id = a.ancestor_id
       GROUP BY a.ancestor_id, r.code
      UNION ALL
      SELECT '{RateScope.CATEGORY}', {ScopeKey.sql(RateScope.CATEGORY, 'r.code', 'c.category')}, a.ancestor_id, NULL, NULL,
             c.category, {sums}
        FROM rc c JOIN anc a ON a.region_id = c.region_id JOIN {region} r ON r.id = a.ancestor_id
       WHERE c.category <> ''
       GROUP BY a.ancestor_id, r.code, c.category
      UNION ALL
      SELECT '{RateScope.ROUND}', {ScopeKey.sql(RateScope.ROUND, 'c.round_id')}, rd.organizer_id, c.round_id, NULL, '', {sums}
        FROM ro c JOIN {rnd} rd ON rd.id = c.round_id
       GROUP BY c.round_id, rd.organizer_id
      UNION ALL
      SELECT '{RateScope.ORGANIZATION}', {ScopeKey.sql(RateScope.ORGANIZATION, 'c.organization_id')}, c.region_id, NULL,
             c.organization_id, '', {_sums(one_organization=True)}
        FROM ro c GROUP BY c.organization_id, c.region_id
      UNION ALL
      SELECT '{RateScope.ROUND_ORGANIZATION}', {ScopeKey.sql(RateScope.ROUND_ORGANIZATION, 'c.round_id', 'c.organization_id')},
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
      SELECT '{RateScope.REGION}' AS scope, {ScopeKey.sql(RateScope.REGION, 'r.code')} AS scope_key, c.region_id,
             CAST(NULL AS BIGINT) AS round_id, CAST(NULL AS BIGINT) AS organization_id, '' AS category, {sums}
        FROM cells c JOIN {region} r ON r.id = c.region_id
       WHERE c.kind = 'R' GROUP BY c.region_id, r.code
      UNION ALL
      SELECT '{RateScope.CATEGORY}', {ScopeKey.sql(RateScope.CATEGORY, 'r.code', 'c.category')}, c.region_id, NULL, NULL,
             c.category, {sums}
        FROM cells c JOIN {region} r ON r.id = c.region_id
       WHERE c.kind = 'C' AND c.category <> '' GROUP BY c.region_id, r.code, c.category
    """


def _overall_rollup_sql() -> str:
    """"overall" from the rows of D of the top regions (those without a parent)."""
    region, snapshot = Region._meta.db_table, RateSnapshot._meta.db_table
    return f"""
      SELECT '{RateScope.OVERALL}' AS scope, {ScopeKey.sql(RateScope.OVERALL)} AS scope_key, CAST(NULL AS BIGINT) AS region_id,
             CAST(NULL AS BIGINT) AS round_id, CAST(NULL AS BIGINT) AS organization_id, '' AS category,
             {_sums("s.")}
        FROM {snapshot} s JOIN {region} r ON r.id = s.region_id
       WHERE s.day = %(day)s AND s.scope = '{RateScope.REGION}' AND r.parent_id IS NULL
    """


def _key_filter(keys, params: dict) -> str:
    return "AND " + _in("s.scope_key", "key", keys, params)
