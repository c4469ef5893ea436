"""The latest rate snapshots keep their API row's JSON (`RateSnapshot.api_json`), written by a trigger.

A rates page not served from the answers' cache had PostgreSQL write each row's JSON with one `format()` of 28
fields: 0.30 of the page query's 0.45 ms at a million tasks. The latest rows (what the list shows unless a past
day is asked) now keep that text, written by a `BEFORE INSERT OR UPDATE` trigger of the table whatever writes a
row (the recompute's INSERT … SELECT and upserts, `is_latest` turned off, a region's new code, `save()`); older
rows keep none (a year of daily rows would double the table), and the page reads `COALESCE(api_json, format(…))`
(`RowPlan`'s `stored`).

The trigger writes the list's own expression (`RowPlan.stored_sql`, made from the serializer), put into the
database by a migration: a change of the serializer's fields needs a new migration that calls `install` again
(`tests/api/test_rows.py` fails until it exists).
"""
from rectification.models import RateSnapshot

TRIGGER = "rectification_ratesnapshot_api_json"


def _table(connection) -> str:
    return connection.ops.quote_name(RateSnapshot._meta.db_table)


def trigger_function_sql(cursor) -> str:
    """The trigger's function: the rates list's JSON of the row being written, for a latest row (else null)."""
    from rectification.api.views import RateViewSet

    sql, params = RateViewSet.row_plan().stored_sql
    expression = cursor.mogrify(sql, params).decode().replace(f"{_table(cursor.db)}.", "NEW.")  # the labels as literals
    return (f"CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $trigger$\n"
            f"BEGIN\n    NEW.api_json := CASE WHEN NEW.is_latest THEN {expression} END;\n    RETURN NEW;\nEND\n$trigger$")


def install(apps, schema_editor):
    """(Re)write the trigger and give every latest row its JSON. PostgreSQL only (elsewhere rows are written in
    Python and the column stays empty)."""
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    table = _table(connection)
    with connection.cursor() as cursor:
        cursor.execute(trigger_function_sql(cursor))
        cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {table}")
        cursor.execute(f"CREATE TRIGGER {TRIGGER} BEFORE INSERT OR UPDATE ON {table} "
                       f"FOR EACH ROW EXECUTE FUNCTION {TRIGGER}()")
        cursor.execute(f"UPDATE {table} SET api_json = NULL WHERE is_latest")  # the trigger writes each one's


def uninstall(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {_table(connection)}")
            cursor.execute(f"DROP FUNCTION IF EXISTS {TRIGGER}()")
