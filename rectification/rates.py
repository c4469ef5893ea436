"""Rectification rates per scope, computed in the database and stored as `RateSnapshot` rows.

One SQL statement does the work (`rates_write`): it aggregates tasks (and leads) into two sets
of *cells*, per (region, category) and per (round, organisation), then sums the cells into every
scope and upserts one row per scope and day:

- overall;                                   scope_key "overall"
- region at every level (county → city → province through `anc`, a region's ancestors,
  so a city's figure includes its counties' organisations);  "region:<adcode>"
- region × finding category, at every level;  "category:<adcode>:<category>"
- round (its region is the organiser);        "round:<id>"
- organisation;                               "organization:<id>"
- round × organisation;                       "round_organization:<round>:<org>"

Figures are "as they stood on day D": tasks assigned on or before D; a task is closed when
closed_on ≤ D; on time when closed_on ≤ deadline; overdue when still open on D and D > deadline.
The deadline used is the one in force now (an extension approved after D counts back to D:
extensions keep no history of the deadline in the task row). Lead outcomes: leads not yet
handed over or handed over by D, with their current counts (outcomes carry no dates).
Cells keep sums (days to close), so means roll up exactly.

`rates_write(day=..., keys=None)` writes every scope; with `keys` it computes only the
cells that feed those scopes and writes only those rows (the incremental path), plus a
row of zeros for a touched scope that no longer has anything (so its rate becomes null).
"""
from datetime import date

from django.db import connection, transaction
from django.utils import timezone

from inspection.models import Finding, Inspection, InspectionRound, Lead, Organization, Region
from rectification.choices import RateScope
from rectification.models import RateSnapshot, RectificationTask

# pg_advisory_xact_lock key: recomputes run one at a time, so two of the same scope at once
# leave the second one's (later, equally correct) figures.
ADVISORY_LOCK_KEY = 74241203

# Additive measures of a cell, each a SQL expression over one task row ({d}: day D).
TASK_MEASURES = {
    "tasks_total": "1",
    "closed": "CASE WHEN t.closed_on <= {d} THEN 1 ELSE 0 END",
    "closed_on_time": "CASE WHEN t.closed_on <= {d} AND t.closed_on <= t.deadline THEN 1 ELSE 0 END",
    "closed_late": "CASE WHEN t.closed_on <= {d} AND t.closed_on > t.deadline THEN 1 ELSE 0 END",
    "open_within_deadline": "CASE WHEN (t.closed_on IS NULL OR t.closed_on > {d}) AND t.deadline >= {d} THEN 1 ELSE 0 END",
    "overdue": "CASE WHEN (t.closed_on IS NULL OR t.closed_on > {d}) AND t.deadline < {d} THEN 1 ELSE 0 END",
    "extended": "CASE WHEN t.deadline > t.original_deadline THEN 1 ELSE 0 END",
    "days_to_close": "CASE WHEN t.closed_on <= {d} THEN {days} ELSE 0 END",
}
LEAD_MEASURES = {
    "leads": "1",
    "leads_transferred": "CASE WHEN l.status <> 'pending' THEN 1 ELSE 0 END",
    "cases_filed": "l.cases_filed",
    "people_sanctioned": "l.people_sanctioned",
    "people_organizational": "l.people_organizational",
    "people_judicial": "l.people_judicial",
}
MEASURES = [*TASK_MEASURES, *LEAD_MEASURES]
COUNT_FIELDS = [m for m in MEASURES if m != "days_to_close"]
DERIVED_FIELDS = ["rate", "on_time_rate", "mean_days_to_close"]
WRITTEN_FIELDS = [
    "scope", "scope_key", "day", "region_id", "round_id", "organization_id", "category",
    *COUNT_FIELDS, *DERIVED_FIELDS, "computed_at",
]


def _days_between(later: str, earlier: str) -> str:
    if connection.vendor == "postgresql":
        return f"({later} - {earlier})"
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


def _sums(prefix="c.") -> str:
    return ", ".join(f"SUM({prefix}{m}) AS {m}" for m in MEASURES)


def _scopes_sql() -> str:
    """The SELECT that sums cells into every scope (columns: WRITTEN_FIELDS' sources).

    Region and category scopes roll up from `rc` (a few rows per region) joined to each
    region's ancestors (itself, its parent, its grandparent); rounds and organisations from `ro`.
    """
    region, rnd = Region._meta.db_table, InspectionRound._meta.db_table
    sums = _sums()
    return f"""
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
             c.organization_id, '', {sums}
        FROM ro c GROUP BY c.organization_id, c.region_id
      UNION ALL
      SELECT '{RateScope.ROUND_ORGANIZATION}', 'round_organization:' || c.round_id || ':' || c.organization_id,
             c.region_id, c.round_id, c.organization_id, '', {sums}
        FROM ro c GROUP BY c.round_id, c.organization_id, c.region_id
    """


def _cells_sql(task_filter: str, lead_filter: str) -> str:
    """Tasks and leads summed per (region, category) as `rc` and per (round, organisation) as `ro`:
    two scans of each table, each into a few thousand rows."""
    region = Region._meta.db_table
    task, lead = RectificationTask._meta.db_table, Lead._meta.db_table
    inspection, organization, finding = Inspection._meta.db_table, Organization._meta.db_table, Finding._meta.db_table
    d = "%(day)s"
    days = _days_between("t.closed_on", "t.assigned_on")
    task_cols = ", ".join(f"SUM({expr.format(d=d, days=days)}) AS {m}" for m, expr in TASK_MEASURES.items())
    lead_cols = ", ".join(f"SUM({expr}) AS {m}" for m, expr in LEAD_MEASURES.items())
    task_zeros = ", ".join(f"0 AS {m}" for m in TASK_MEASURES)
    lead_zeros = ", ".join(f"0 AS {m}" for m in LEAD_MEASURES)
    tasks = f"FROM {task} t WHERE t.assigned_on <= {d} {task_filter}"
    leads = f"""FROM {lead} l JOIN {inspection} i ON i.id = l.inspection_id
                JOIN {organization} o ON o.id = i.organization_id
               WHERE (l.transferred_on IS NULL OR l.transferred_on <= {d}) {lead_filter}"""
    return f"""
      anc (region_id, ancestor_id) AS (
        SELECT id, id FROM {region}
        UNION ALL SELECT id, parent_id FROM {region} WHERE parent_id IS NOT NULL
        UNION ALL SELECT r.id, p.parent_id FROM {region} r JOIN {region} p ON p.id = r.parent_id
                   WHERE p.parent_id IS NOT NULL
      ),
      rc AS (
        SELECT t.region_id, t.category, {task_cols}, {lead_zeros} {tasks}
         GROUP BY t.region_id, t.category
        UNION ALL
        SELECT o.region_id, COALESCE(f.category, '') AS category, {task_zeros}, {lead_cols}
          {leads.replace("WHERE", f"LEFT JOIN {finding} f ON f.id = l.finding_id WHERE", 1)}
         GROUP BY o.region_id, COALESCE(f.category, '')
      ),
      ro AS (
        SELECT t.round_id, t.organization_id, t.region_id, {task_cols}, {lead_zeros} {tasks}
         GROUP BY t.round_id, t.organization_id, t.region_id
        UNION ALL
        SELECT i.round_id, i.organization_id, o.region_id, {task_zeros}, {lead_cols} {leads}
         GROUP BY i.round_id, i.organization_id, o.region_id
      )
    """


def _derived_sql() -> str:
    """rate and on_time_rate in percent (2 decimals), mean days (1 decimal); null without tasks."""
    return """
      CASE WHEN s.tasks_total > 0 THEN ROUND(100.0 * s.closed / s.tasks_total, 2) END,
      CASE WHEN s.tasks_total > 0 THEN ROUND(100.0 * s.closed_on_time / s.tasks_total, 2) END,
      CASE WHEN s.closed > 0 THEN ROUND(1.0 * s.days_to_close / s.closed, 1) END
    """


def _filters(keys) -> tuple[str, str, dict]:
    """WHERE fragments (tasks, leads) that keep only the rows feeding the scopes in `keys`."""
    if keys is None or "overall" in keys:
        return "", "", {}
    parts = {"region": set(), "round": set(), "organization": set()}
    for key in keys:
        scope, *rest = key.split(":")
        if scope in (RateScope.REGION, RateScope.CATEGORY):
            parts["region"].add(rest[0])
        elif scope in (RateScope.ROUND, RateScope.ROUND_ORGANIZATION):
            parts["round"].add(int(rest[0]))
        elif scope == RateScope.ORGANIZATION:
            parts["organization"].add(int(rest[0]))
    region_ids = set()
    for region in Region.objects.filter(code__in=parts["region"]):
        region_ids.update(Region.objects.in_region(region).values_list("pk", flat=True))
    params, task_terms, lead_terms = {}, [], []
    for name, ids, task_col, lead_col in (
        ("regions", region_ids, "t.region_id", "o.region_id"),
        ("rounds", parts["round"], "t.round_id", "i.round_id"),
        ("orgs", parts["organization"], "t.organization_id", "i.organization_id"),
    ):
        if ids:
            placeholders = ", ".join(f"%({name}{n})s" for n in range(len(ids)))
            params.update({f"{name}{n}": value for n, value in enumerate(sorted(ids))})
            task_terms.append(f"{task_col} IN ({placeholders})")
            lead_terms.append(f"{lead_col} IN ({placeholders})")
    if not task_terms:
        return "AND 1 = 0", "AND 1 = 0", {}
    return f"AND ({' OR '.join(task_terms)})", f"AND ({' OR '.join(lead_terms)})", params


def rates_select_sql(*, keys=None) -> tuple[str, dict]:
    """The bare aggregate query (no write): one row per scope. Used by the write and by bench_rates."""
    task_filter, lead_filter, params = _filters(keys)
    key_filter = ""
    if keys is not None:
        placeholders = ", ".join(f"%(key{n})s" for n in range(len(keys)))
        params.update({f"key{n}": key for n, key in enumerate(sorted(keys))})
        key_filter = f"AND s.scope_key IN ({placeholders})"
    sql = f"""
      WITH {_cells_sql(task_filter, lead_filter)},
      scopes AS ({_scopes_sql()})
      SELECT s.scope, s.scope_key, %(day)s, s.region_id, s.round_id, s.organization_id, s.category,
             {", ".join(f"s.{m}" for m in COUNT_FIELDS)}, {_derived_sql()}, %(now)s
        FROM scopes s
       WHERE 1 = 1 {key_filter}
    """
    return sql, params


def _params(day: date, params: dict) -> dict:
    ops = connection.ops
    return {**params, "day": ops.adapt_datefield_value(day), "now": ops.adapt_datetimefield_value(timezone.now())}


def rates_write(*, day: date, keys=None) -> int:
    """Upsert the snapshots of `day` for every scope (or only `keys`); returns the rows written."""
    select, params = rates_select_sql(keys=keys)
    table = RateSnapshot._meta.db_table
    updates = ", ".join(f"{f} = excluded.{f}" for f in WRITTEN_FIELDS if f not in ("scope_key", "day"))
    sql = f"""
      INSERT INTO {table} ({", ".join(WRITTEN_FIELDS)})
      {select}
      ON CONFLICT (scope_key, day) DO UPDATE SET {updates}
      RETURNING scope_key
    """
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])
            _tune(cursor)
            cursor.execute(sql, _params(day, params))
            written = {row[0] for row in cursor.fetchall()}
        if keys is not None:
            written |= _write_empty(day, set(keys) - written)
    return len(written)


def _write_empty(day: date, keys: set) -> set:
    """A row of zeros (rate null) for touched scopes that no longer have tasks or leads."""
    rows = [row for row in (_empty_row(day, key) for key in keys) if row is not None]
    RateSnapshot.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["scope_key", "day"],
        update_fields=[*COUNT_FIELDS, *DERIVED_FIELDS, "computed_at"],
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


def rates_fetch(*, day: date, keys=None) -> list[tuple]:
    """Run the bare aggregate query and fetch its rows without writing (the floor of bench_rates)."""
    select, params = rates_select_sql(keys=keys)
    with transaction.atomic(), connection.cursor() as cursor:
        _tune(cursor)
        cursor.execute(select, _params(day, params))
        return cursor.fetchall()


def _tune(cursor):
    if connection.vendor == "postgresql":
        # The cells of a million tasks are hashed in memory rather than sorted on disk.
        cursor.execute("SET LOCAL work_mem = '64MB'")
