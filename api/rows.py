"""List pages built from `.values()` rows instead of model instances run through serializer fields.

A ModelSerializer spends ~0.15 ms a row getting each attribute through its field; a busy list endpoint
spends most of its time there. `RowPlan` reads the serializer once and turns its fields into a `.values()`
call plus an expression per field, so the rows carry exactly the serializer's names and values — the serializer
stays the one definition of an endpoint's layout and of its documented schema:
- a model field (a foreign key is its id) is read as it is; dates, datetimes and decimals go through the
  serializer field's own `to_representation` (ISO dates, Asia/Shanghai datetimes, numbers);
- `source="a.b"` is read by a subquery on a's table (`a` a foreign key; a longer path through its join);
  `get_<field>_display` is the choice's label;
- anything else (a model property such as a task's stage) needs a function of the row in `computed`,
  called with the row and today's date; a field neither kind is an error when the plan is built.
Where a view asks (`ValuesListMixin.database_writes_rows`, on PostgreSQL), the database writes the JSON of
every field it can (see `RowPlan`), Python the rest.
`tests/api/test_rows.py` checks each endpoint's answer, byte for byte, against its serializer's output for the
same objects through DRF's renderer, both ways.
"""
from collections.abc import Callable
from datetime import date
from decimal import Decimal, getcontext
from typing import NamedTuple

import orjson
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import connection, models
from django.db.models import F, TextField
from django.db.models.expressions import RawSQL
from django.utils import timezone
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

from api.renderers import dumps

CONVERTED = (serializers.DateTimeField, serializers.DateField, serializers.DecimalField)
INTEGERS = (models.IntegerField, models.AutoField)
FORMAT_VALUES = 90  # values one format() call writes (PostgreSQL takes at most 100 arguments)


def _iso_datetime(field) -> bool:
    """A datetime field DRF writes in ISO 8601 in the current time zone (the usual case)."""
    return isinstance(field, serializers.DateTimeField) and api_settings.DATETIME_FORMAT.lower() == ISO_8601 \
        and getattr(field, "format", None) in (None, api_settings.DATETIME_FORMAT) and not hasattr(field, "timezone")


def _zoned_writer(tz, as_json: bool = False):
    """Writes a datetime in the time zone `tz` as DRF does (UTC as `Z`), or its JSON text (`as_json`); made once a
    page, which often repeats a time (rates recomputed together): each time is written once a page."""
    written = {}

    def write(value):
        if value is None:
            return "null" if as_json else None
        text = written.get(value)
        if text is None:
            text = value.astimezone(tz).isoformat()
            text = text[:-6] + "Z" if text.endswith("+00:00") else text
            text = written[value] = f'"{text}"' if as_json else text
        return text
    return write


def _converter(field):
    """What `field.to_representation` gives for a value, as DRF's JSON renderer would write it; the usual cases
    (ISO dates, decimals as numbers) without its per-call set-up."""
    default_format = getattr(field, "format", None) in (None, api_settings.DATE_FORMAT)
    if isinstance(field, serializers.DateField) and not isinstance(field, serializers.DateTimeField) \
            and default_format and api_settings.DATE_FORMAT.lower() == ISO_8601:
        return date.isoformat
    if isinstance(field, serializers.DecimalField) and not field.normalize_output \
            and not getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING) \
            and field.decimal_places is not None:
        context = getcontext().copy()
        context.prec = field.max_digits or context.prec
        quantum = Decimal(".1") ** field.decimal_places

        def to_representation(value):  # the serializer's quantized Decimal, which the renderer writes as a float
            return float(value.quantize(quantum, rounding=field.rounding, context=context))
        return to_representation
    return field.to_representation


def _related_sql(model, attrs) -> tuple[str, object] | None:
    """`source="a.b"` read by a correlated subquery on a's table when `a` is a foreign key, rather than a join:
    PostgreSQL plans each join of a page query against every index of the page's table (the task page at
    1,000,000 tasks: planned in 0.72 ms with its two joins, 0.19 ms with their subqueries); a null key's value
    stays null as with the outer join. The SQL is written once from the models' metadata (the page's table is
    its own alias in a `.values()` query), so it costs Django nothing to compile. `None` for a longer path (a join)."""
    field = model._meta.get_field(attrs[0])
    if len(attrs) != 2 or not field.many_to_one:
        return None
    related = field.related_model._meta
    target = related.get_field(attrs[1])
    return (f"(SELECT {_quote(target.column)} FROM {_quote(related.db_table)} "
            f"WHERE {_quote(related.pk.column)} = {_column(model, field)})"), target


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _column(model, field) -> str:
    return f"{_quote(model._meta.db_table)}.{_quote(field.column)}"


def _json_sql(field, serializer_field, value: str, nullable: bool = True) -> str | None:
    """SQL writing the model field's `value` as the JSON text DRF's renderer writes for it (PostgreSQL; never NULL:
    `null`), or None where Python must write it (datetimes in the current time zone, other kinds). Texts and dates
    by `to_json`, whose escaping is orjson's; decimals shown as numbers as Python writes the float of the quantized
    value (`87.5`, `100.0`): exact while every value has at most 15 digits."""
    if isinstance(field, models.ForeignKey):
        field = field.target_field
    if isinstance(field, INTEGERS):
        return value if not nullable else f"COALESCE(({value})::text, 'null')"
    if isinstance(field, models.DecimalField):
        plain = isinstance(serializer_field, serializers.DecimalField) and _written_plainly(serializer_field) \
            and (field.max_digits or 99) <= 15 and field.decimal_places > 0
        if not plain:
            return None
        return f"COALESCE(trim_scale({value})::text || CASE WHEN min_scale({value}) = 0 THEN '.0' ELSE '' END, 'null')"
    if isinstance(field, models.DateTimeField):
        return None
    if isinstance(field, models.DateField) and \
            (not isinstance(serializer_field, serializers.DateField) or _written_plainly(serializer_field)):
        return f"COALESCE(to_json({value})::text, 'null')"
    if isinstance(field, (models.CharField, models.TextField, models.BooleanField)) and \
            not isinstance(serializer_field, CONVERTED):
        return f"COALESCE(to_json({value})::text, 'null')"
    return None


def _written_plainly(serializer_field) -> bool:
    """DRF writes the field's values the usual way (ISO dates, decimals as numbers), the way the database writes
    them too; otherwise (a date format or decimals as strings) Python writes them. (A bound method is a new object
    at every access: compared with `==`.)"""
    return _converter(serializer_field) != serializer_field.to_representation


class _Part(NamedTuple):
    expression: str  # Python, over the values row `v` (and `today`, `zoned`)
    reads: tuple[str, ...] = ()  # model fields the expression reads
    join: object = None  # an expression selected besides the fields, under the field's name
    sql: str | None = None  # SQL writing the value's JSON (in the database)
    params: tuple = ()
    zoned: bool = False  # the expression already gives JSON text (a datetime's writer)


class RowPlan:
    """The plan of one serializer's rows, compiled once into a function that builds a page's rows in the
    serializer's order: a Python call per value (a step function per field) cost more than the value itself.

    With `in_database` (PostgreSQL) the database writes each row's JSON: the fields it can write (numbers,
    texts, dates, decimals, choice labels, related values) become one text column per run of such fields (a
    `format()` of their JSON texts), and Python adds the rest (datetimes in the current time zone, computed
    fields) between them; a row is an `orjson.Fragment`, written into the answer as it is. Turning 100 rates
    rows into Python objects and back into JSON cost ~1.2 ms of a 2.9 ms request; written by the database they
    cost Python ~0.35 ms and PostgreSQL ~0.4 ms more. Otherwise the rows are dict displays of the values rows.
    `keys`: fields the paginator reads from the values rows (a cursor's position).

    `stored` (with `in_database`): a text column of the model that holds, where it is not null, the JSON the
    database would write for the row (the plan's one run of fields, `stored_sql`), kept by a trigger of the
    model's table; the page reads it instead of writing the JSON again (the rates' latest rows: see
    `rectification.api.stored_json`)."""

    def __init__(self, serializer_class, computed: dict[str, Callable] | None = None, needs: tuple[str, ...] = (),
                 keys: tuple[str, ...] = (), *, in_database: bool = False, stored: str | None = None):
        """`computed`: name → function(values row, today) for fields that are not model fields; `needs`: the model
        fields those functions read."""
        computed = computed or {}
        serializer = serializer_class()
        self.in_database = in_database
        self.model = serializer_class.Meta.model
        self.stored = stored if in_database else None
        self.stored_sql: tuple[str, tuple] | None = None  # the format() that `stored` holds, and its parameters
        self.fields: list[str] = []  # model fields, read as they are
        self.joins: dict = {}  # alias → an expression read besides the fields (a related value, a row's JSON)
        self.zoned = 0  # datetime fields: their writers are made once a page (time zone) and passed in order
        namespace: dict = {"_json_text": _json_text, "_Fragment": orjson.Fragment}
        items = []  # the row's parts: "name: expression" (dicts) or expressions giving JSON text (in the database)
        segment: list[tuple[str, str, tuple]] = []  # the database's run of fields being written: (key, SQL, params)
        for index, (name, field) in enumerate(serializer.fields.items()):
            part = self._part(namespace, serializer_class, name, field, computed)
            if not self.in_database:
                items.append(f"{name!r}: {part.expression}")
            else:
                key = ("," if index else "") + _dumps(name) + ":"
                if part.sql is not None:
                    segment.append((key, part.sql, part.params))
                    if len(segment) == FORMAT_VALUES:
                        items += self._segment(segment)
                    continue
                items += self._segment(segment)
                items.append(f"{key!r} + {part.expression if part.zoned else f'_json_text({part.expression})'}")
            for read in part.reads:
                self._read(read)
            if part.join is not None:
                self.joins[name] = part.join
        for name in (*needs, *keys):
            self._read(name)
        if self.in_database:
            items += self._segment(segment)
            row = f"_Fragment('{{' + {' + '.join(items)} + '}}')"
        else:
            row = f"{{{', '.join(items)}}}"
        source = f"def rows(values_rows, today, zoned):\n    return [{row} for v in values_rows]\n"
        exec(compile(source, f"<rows of {serializer_class.__name__}>", "exec"), namespace)
        self._rows = namespace["rows"]

    def _part(self, namespace: dict, serializer_class, name: str, field, computed: dict) -> "_Part":
        """How one serializer field is read: its Python expression over the values row `v`, the model fields it
        reads, an expression to select besides them, and the SQL writing its JSON where the database can."""
        model = serializer_class.Meta.model
        attrs = field.source_attrs
        if name in computed:
            return _Part(self._bind(namespace, computed[name]) + "(v, today)")
        if not attrs:
            raise ImproperlyConfigured(f"{serializer_class.__name__}.{name}: source='*', give its value in `computed`")
        if len(attrs) > 1:
            related = _related_sql(model, attrs)
            if related is None:
                return _Part(f"v[{name!r}]", join=F("__".join(attrs)))
            subquery, target = related
            return _Part(f"v[{name!r}]", join=RawSQL(subquery, (), output_field=target),
                         sql=_json_sql(target, field, subquery))
        if attrs[0].startswith("get_") and attrs[0].endswith("_display"):
            choice = model._meta.get_field(attrs[0][len("get_"):-len("_display")])
            labels = {value: str(label) for value, label in choice.flatchoices}
            expression = f"{self._bind(namespace, labels)}.get(v[{choice.name!r}], v[{choice.name!r}])"
            column = _column(model, choice)
            otherwise = _json_sql(choice, None, column, choice.null)  # a value without a label: as it is
            if otherwise is None:
                return _Part(expression, reads=(choice.name,))
            return _Part(expression, reads=(choice.name,),
                         sql=f"CASE {column}{' WHEN %s THEN %s' * len(labels)} ELSE {otherwise} END",
                         params=tuple(item for value, label in labels.items() for item in (value, _dumps(label))))
        try:
            model_field = model._meta.get_field(attrs[0])
        except FieldDoesNotExist:
            raise ImproperlyConfigured(f"{serializer_class.__name__}.{name}: not a model field, "
                                       "give its value in `computed`") from None
        sql = _json_sql(model_field, field, _column(model, model_field), model_field.null)
        if _iso_datetime(field):
            self.zoned += 1
            return _Part(f"zoned[{self.zoned - 1}](v[{attrs[0]!r}])", reads=(attrs[0],), sql=sql, zoned=True)
        if isinstance(field, CONVERTED):
            converter = self._bind(namespace, _converter(field))
            return _Part(f"(None if (x := v[{attrs[0]!r}]) is None else {converter}(x))", reads=(attrs[0],), sql=sql)
        return _Part(f"v[{attrs[0]!r}]", reads=(attrs[0],), sql=sql)

    def _segment(self, segment: list) -> list[str]:
        """The run of fields the database writes, as one text column of the values rows (emptied)."""
        if not segment:
            return []
        alias = f"_json{sum(name.startswith('_json') for name in self.joins)}"
        # One format() a row: its `%s` (written `%%s`: the driver's own placeholders are `%s`) take the values' JSON.
        template = "".join(key.replace("'", "''").replace("%", "%%%%") + "%%s" for key, _, _ in segment)
        sql = f"format('{template}', {', '.join(sql for _, sql, _ in segment)})"
        params = tuple(param for _, _, params in segment for param in params)
        if self.stored:
            if self.stored_sql is not None:
                raise ImproperlyConfigured(f"{self.model.__name__}.{self.stored} holds one run of fields, not two")
            self.stored_sql = sql, params
            sql = f"COALESCE({_column(self.model, self.model._meta.get_field(self.stored))}, {sql})"
        self.joins[alias] = RawSQL(sql, params, output_field=TextField())
        segment.clear()
        return [f"v[{alias!r}]"]

    @staticmethod
    def _bind(namespace: dict, value) -> str:
        """A name for `value` in the compiled function's globals."""
        name = f"_{len(namespace)}"
        namespace[name] = value
        return name

    def _read(self, name):
        if name not in self.fields:
            self.fields.append(name)

    def values(self, queryset):
        return queryset.values(*self.fields, **self.joins)

    def rows(self, values_rows, today: date) -> list:
        """A page's rows: dicts, or `orjson.Fragment`s of JSON written by the database (`in_database`)."""
        tz = timezone.get_current_timezone()
        return self._rows(values_rows, today, [_zoned_writer(tz, self.in_database) for _ in range(self.zoned)])


def _dumps(value) -> str:
    return dumps(value).decode()


_written: dict = {}  # (type, value) → its JSON text, for the few values computed fields give (a stage, a flag)


def _json_text(value) -> str:
    """`_dumps` of a computed field's value, each hashable value written once a process (up to 1,000 of them)."""
    key = (value.__class__, value)  # the type too: True == 1
    try:
        return _written[key]
    except KeyError:
        text = _dumps(value)
        if len(_written) < 1000:
            _written[key] = text
        return text
    except TypeError:  # unhashable
        return _dumps(value)
