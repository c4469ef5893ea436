"""Writing a day's snapshots: the full run, the incremental run of touched keys, `is_latest`, the recompute
entry points (see the package docstring)."""
from contextlib import contextmanager
from datetime import date

from dateutil.relativedelta import relativedelta
from django.db import connection, transaction
from django.utils import timezone

from inspection.models import InspectionRound, Lead, Organization, Region
from rectification.choices import RateScope
from rectification.models import RateSnapshot, RectificationTask
from rectification.rates.cache import snapshot_version_bump
from rectification.rates.keys import ScopeKey
from rectification.rates.sql import (
    DERIVED_FIELDS,
    LEVELS_UP,
    MEASURES,
    ROUND_SCOPES,
    WRITTEN_FIELDS,
    _in,
    _key_filter,
    _overall_rollup_sql,
    _region_rollup_sql,
    _row_select,
    rates_select_sql,
)

ADVISORY_LOCK_KEY = 74241203  # pg_advisory_xact_lock: one recompute at a time


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
            round_keys = {k for k in keys if ScopeKey.parse(k).scope in ROUND_SCOPES}
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
    for key in map(ScopeKey.parse, keys):
        if key.scope == RateScope.ORGANIZATION:
            organizations.add(key.organization_id)
        else:
            rounds.add(key.round_id)
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
        parsed = ScopeKey.parse(key)
        if parsed.scope in (RateScope.REGION, RateScope.CATEGORY):
            touched.setdefault(parsed.region_code, set()).add(key)
    by_level = {}
    for pk, code, level in Region.objects.filter(code__in=touched).values_list("pk", "code", "level"):
        by_level.setdefault(level, {})[pk] = touched[code]
    written = set()
    for level in LEVELS_UP:
        if level in by_level:
            level_keys = set().union(*by_level[level].values())
            categories = {parsed.category for parsed in map(ScopeKey.parse, level_keys)
                          if parsed.scope == RateScope.CATEGORY}
            params = {}
            scopes = _region_rollup_sql(by_level[level], categories, params)
            done = _upsert(cursor, _row_select(scopes, _key_filter(level_keys, params)), params, day, latest)
            written |= done | _write_empty(day, latest, level_keys - done)
    return written


def _write_empty(day: date, latest: bool, keys: set) -> set:
    """A row of zeros (rate null) for touched scopes that no longer have tasks or leads."""
    rows = [row for row in (_empty_row(day, key) for key in keys) if row is not None]
    codes = dict(Region.objects.filter(pk__in={row.region_id for row in rows}).values_list("pk", "code"))
    for row in rows:
        row.is_latest, row.region_code = latest, codes.get(row.region_id)
    RateSnapshot.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["scope_key", "day"],
        update_fields=[*MEASURES, *DERIVED_FIELDS, "computed_at", "is_latest"],
    )
    return {row.scope_key for row in rows}


def _empty_row(day: date, key: str) -> RateSnapshot | None:
    """The snapshot of a scope with nothing in it, or None when the scope's objects are gone."""
    parsed = ScopeKey.parse(key)
    scope = parsed.scope
    row = RateSnapshot(scope=scope, scope_key=key, day=day, computed_at=timezone.now())
    if scope == RateScope.OVERALL:
        return row
    if scope in (RateScope.REGION, RateScope.CATEGORY):
        row.region = Region.objects.filter(code=parsed.region_code).first()
        row.category = parsed.category if scope == RateScope.CATEGORY else ""
        return row if row.region else None
    if scope == RateScope.ROUND:
        row.round = InspectionRound.objects.filter(pk=parsed.round_id).first()
        if row.round is None:
            return None
        row.region_id = row.round.organizer_id
        return row
    organization = Organization.objects.filter(pk=parsed.organization_id).first()
    if organization is None:
        return None
    row.organization, row.region_id = organization, organization.region_id
    if scope == RateScope.ROUND_ORGANIZATION:
        row.round = InspectionRound.objects.filter(pk=parsed.round_id).first()
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


def rates_recompute_all(day: date | None = None) -> int:
    """Every scope's snapshot for `day` (today by default); returns the rows written."""
    return rates_write(day=day or timezone.localdate())


def rates_recompute_history(*, today: date, months: int = 12) -> int:
    """Snapshots as of the same day of each of the last `months` months, and of `today` (seed_demo)."""
    if connection.vendor == "postgresql":  # after a bulk load (maybe in this transaction): plans from real counts
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {RectificationTask._meta.db_table}, {Lead._meta.db_table}")
    days = [today - relativedelta(months=back) for back in range(months, 0, -1)] + [today]
    return sum(rates_recompute_all(day) for day in days)


def rates_recompute_keys(keys, day: date | None = None) -> int:
    """Only the scopes in `keys` (scope_key strings) for `day` (today by default).

    `keys` are whole sets from `rates_place_keys` (a region's figure is summed from its
    organisations' rows, so a changed place's organisation key comes with its region keys).
    """
    keys = set(keys)
    return rates_write(day=day or timezone.localdate(), keys=keys) if keys else 0
