"""Queries run more often than Django can afford to build them."""
import itertools
import re
from types import SimpleNamespace

from django.db import connections
from django.db.models.query import get_related_populators

_names = itertools.count(1)


class PreparedLookup:
    """A queryset of one row by one value, compiled to SQL once per process and then only run.

    Building the SQL of the token lookup (a select_related over three tables) cost ~0.3 ms of every API request,
    four times what running it costs; the SQL is the same each time but for the value looked up. `build(value)`
    gives the queryset (the one definition of what is looked up); the rows become model instances as Django's
    own iterable makes them (`from_db`, the related populators of select_related, annotations as attributes).
    On PostgreSQL with kept connections (`CONN_MAX_AGE` not 0) the statement is also prepared once per connection
    (`PREPARE`/`EXECUTE`), so the server neither parses nor plans it again: a lookup by a unique key has one plan
    whatever the value. A connection per request (or a transaction-pooling proxy, where a session's statements
    may sit on another server connection) runs the SQL as it is.
    """

    SENTINEL = "\x00prepared-lookup\x00"  # stands for the value while compiling; never sent

    def __init__(self, build):
        self.build = build
        self.name = f"prepared_lookup_{next(_names)}"
        self._plan = None

    def _prepare(self):
        queryset = self.build(self.SENTINEL)
        compiler = queryset.query.get_compiler(queryset.db)
        sql, params = compiler.as_sql()
        fields = compiler.klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        numbers = itertools.count(1)
        return SimpleNamespace(
            db=queryset.db, model=queryset.model, sql=sql, params=tuple(params),
            position=params.index(self.SENTINEL), start=start, end=end, compiler=compiler,
            attnames=[column[0].target.attname for column in compiler.select[start:end]],
            populators=get_related_populators(compiler.klass_info, compiler.select, queryset.db),
            converters=compiler.get_converters([column[0] for column in compiler.select]),
            annotations=list(compiler.annotation_col_map.items()),
            # Django's placeholders as PostgreSQL's numbered ones ("%%" is a literal per cent sign).
            server_sql=re.sub(r"%%|%s", lambda m: "%" if m.group() == "%%" else f"${next(numbers)}", sql),
        )

    def first(self, value):
        plan = self._plan = self._plan or self._prepare()
        params = list(plan.params)
        params[plan.position] = value
        connection = connections[plan.db]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql" and connection.settings_dict["CONN_MAX_AGE"] != 0:
                self._execute_prepared(connection, cursor, plan, params)
            else:
                cursor.execute(plan.sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        if plan.converters:
            row = next(plan.compiler.apply_converters([row], plan.converters))
        obj = plan.model.from_db(plan.db, plan.attnames, row[plan.start:plan.end])
        for populator in plan.populators:
            populator.populate(row, obj)
        for name, position in plan.annotations:
            setattr(obj, name, row[position])
        return obj

    def _execute_prepared(self, connection, cursor, plan, params):
        # A prepared statement lives as long as its session (a rollback keeps it): it is prepared again only on
        # a new connection, which is a new object under the same DatabaseWrapper.
        prepared = connection.__dict__.setdefault("prepared_lookups", {})
        if prepared.get(self.name) is not connection.connection:
            cursor.execute(f"PREPARE {self.name} AS {plan.server_sql}")
            prepared[self.name] = connection.connection
        cursor.execute(f"EXECUTE {self.name} ({', '.join(['%s'] * len(params))})", params)
