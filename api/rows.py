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
`tests/api/test_rows.py` checks each endpoint's rows against its serializer's output for the same objects.
"""
from collections.abc import Callable
from datetime import date
from decimal import Decimal, getcontext

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import connection
from django.db.models import F
from django.db.models.expressions import RawSQL
from django.utils import timezone
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

CONVERTED = (serializers.DateTimeField, serializers.DateField, serializers.DecimalField)


def _iso_datetime(field) -> bool:
    """A datetime field DRF writes in ISO 8601 in the current time zone (the usual case)."""
    return isinstance(field, serializers.DateTimeField) and api_settings.DATETIME_FORMAT.lower() == ISO_8601 \
        and getattr(field, "format", None) in (None, api_settings.DATETIME_FORMAT) and not hasattr(field, "timezone")


def _zoned_writer(tz):
    """Writes a datetime in the time zone `tz` as DRF does (UTC as `Z`); made once a page, which often repeats a
    time (rates recomputed together): each time is written once a page."""
    written = {}

    def write(value):
        if value is None:
            return None
        text = written.get(value)
        if text is None:
            text = value.astimezone(tz).isoformat()
            text = written[value] = text[:-6] + "Z" if text.endswith("+00:00") else text
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


def _related_value(model, attrs):
    """`source="a.b"` read by a correlated subquery on a's table when `a` is a foreign key, rather than a join:
    PostgreSQL plans each join of a page query against every index of the page's table (the task page at
    1,000,000 tasks: planned in 0.72 ms with its two joins, 0.19 ms with their subqueries); a null key's value
    stays null as with the outer join. The SQL is written once from the models' metadata (the page's table is
    its own alias in a `.values()` query), so it costs Django nothing to compile. Longer paths stay joins."""
    field = model._meta.get_field(attrs[0])
    if len(attrs) != 2 or not field.many_to_one:
        return F("__".join(attrs))
    quote = connection.ops.quote_name
    related = field.related_model._meta
    target = related.get_field(attrs[1])
    return RawSQL(f"SELECT {quote(target.column)} FROM {quote(related.db_table)} "
                  f"WHERE {quote(related.pk.column)} = {quote(model._meta.db_table)}.{quote(field.column)}",
                  (), output_field=target)


class RowPlan:
    """The plan of one serializer's rows. Each field becomes an expression over the values row `v` (and `today`),
    and the expressions one function, compiled once, that builds a page's rows as dict displays in the
    serializer's order: a Python call per value (a step function per field) cost more than the value itself
    (a page of 100 rates rows: 0.45 ms built by steps, 0.30 ms by the compiled function)."""

    def __init__(self, serializer_class, computed: dict[str, Callable] | None = None, needs: tuple[str, ...] = ()):
        """`computed`: name → function(values row, today) for fields that are not model fields; `needs`: model
        fields those functions read that the serializer does not show."""
        computed = computed or {}
        serializer = serializer_class()
        model = serializer.Meta.model
        self.fields: list[str] = []  # model fields, read as they are
        self.joins: dict = {}  # alias → a related model's field (a subquery or a join)
        self.zoned = 0  # datetime fields: their writers are made once a page (time zone) and passed in order
        namespace: dict = {}
        items = []
        for name, field in serializer.fields.items():
            attrs = field.source_attrs
            if name in computed:
                expression = self._bind(namespace, computed[name]) + "(v, today)"
            elif not attrs:
                raise ImproperlyConfigured(f"{serializer_class.__name__}.{name}: source='*', give its value in `computed`")
            elif len(attrs) > 1:
                self.joins[name] = _related_value(model, attrs)
                expression = f"v[{name!r}]"
            elif attrs[0].startswith("get_") and attrs[0].endswith("_display"):
                choice = model._meta.get_field(attrs[0][len("get_"):-len("_display")])
                self._read(choice.name)
                labels = self._bind(namespace, {value: str(label) for value, label in choice.flatchoices})
                expression = f"{labels}.get(v[{choice.name!r}], v[{choice.name!r}])"
            else:
                try:
                    model._meta.get_field(attrs[0])
                except FieldDoesNotExist:
                    raise ImproperlyConfigured(f"{serializer_class.__name__}.{name}: not a model field, "
                                               "give its value in `computed`") from None
                self._read(attrs[0])
                if _iso_datetime(field):
                    expression = f"zoned[{self.zoned}](v[{attrs[0]!r}])"
                    self.zoned += 1
                elif isinstance(field, CONVERTED):
                    converter = self._bind(namespace, _converter(field))
                    expression = f"(None if (x := v[{attrs[0]!r}]) is None else {converter}(x))"
                else:
                    expression = f"v[{attrs[0]!r}]"
            items.append(f"{name!r}: {expression}")
        for name in needs:
            self._read(name)
        source = f"def rows(values_rows, today, zoned):\n    return [{{{', '.join(items)}}} for v in values_rows]\n"
        exec(compile(source, f"<rows of {serializer_class.__name__}>", "exec"), namespace)
        self._rows = namespace["rows"]

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

    def rows(self, values_rows, today: date) -> list[dict]:
        tz = timezone.get_current_timezone()
        return self._rows(values_rows, today, [_zoned_writer(tz) for _ in range(self.zoned)])
