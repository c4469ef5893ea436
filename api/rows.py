"""List pages built from `.values()` rows instead of model instances run through serializer fields.

A ModelSerializer spends ~0.15 ms a row getting each attribute through its field; a busy list endpoint
spends most of its time there. `RowPlan` reads the serializer once and turns its fields into a `.values()`
call plus a step per field, so the rows carry exactly the serializer's names and values — the serializer
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
from operator import itemgetter

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import connection
from django.db.models import F
from django.db.models.expressions import RawSQL
from django.utils import timezone
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

CONVERTED = (serializers.DateTimeField, serializers.DateField, serializers.DecimalField)


class _Column(str):
    """A value shown as the query gives it: the column's key in the values row."""


def _value(key):
    return _Column(key)


def _iso_datetime(field) -> bool:
    """A datetime field DRF writes in ISO 8601 in the current time zone (the usual case)."""
    return isinstance(field, serializers.DateTimeField) and api_settings.DATETIME_FORMAT.lower() == ISO_8601 \
        and getattr(field, "format", None) in (None, api_settings.DATETIME_FORMAT) and not hasattr(field, "timezone")


def _zoned(key):
    """A datetime column in the time zone `tz`, looked up once a page (`RowPlan.rows`), not once a value. A page
    often repeats a time (rates recomputed together), written once a page."""
    def step_in(tz):
        written = {}

        def to_representation(value):
            text = written.get(value)
            if text is None:
                text = value.astimezone(tz).isoformat()
                text = written[value] = text[:-6] + "Z" if text.endswith("+00:00") else text
            return text
        return lambda values, today: None if values[key] is None else to_representation(values[key])
    return step_in


def _converted(key, field):
    """What `field.to_representation` gives for the column `key`, as DRF's JSON renderer would write it; the
    usual cases (ISO dates, decimals as numbers) without its per-call set-up."""
    to_representation = field.to_representation
    default_format = getattr(field, "format", None) in (None, api_settings.DATE_FORMAT)
    if isinstance(field, serializers.DateField) and not isinstance(field, serializers.DateTimeField) \
            and default_format and api_settings.DATE_FORMAT.lower() == ISO_8601:
        to_representation = date.isoformat
    elif isinstance(field, serializers.DecimalField) and not field.normalize_output \
            and not getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING) \
            and field.decimal_places is not None:
        context = getcontext().copy()
        context.prec = field.max_digits or context.prec
        quantum = Decimal(".1") ** field.decimal_places

        def to_representation(value):  # the serializer's quantized Decimal, which the renderer writes as a float
            return float(value.quantize(quantum, rounding=field.rounding, context=context))
    return lambda values, today: None if values[key] is None else to_representation(values[key])


def _related_value(model, attrs):
    """`source="a.b"` read by a correlated subquery on a's table when `a` is a foreign key, rather than a join:
    PostgreSQL plans each join of a page query against every index of the page's table (the task list's two
    joins cost ~0.5 ms of planning a request at 1,000,000 tasks; their subqueries ~0.05 ms); a null key's value
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


def _label(key, labels):
    return lambda values, today: labels.get(values[key], values[key])


class RowPlan:
    def __init__(self, serializer_class, computed: dict[str, Callable] | None = None, needs: tuple[str, ...] = ()):
        """`computed`: name → function(values row, today) for fields that are not model fields; `needs`: model
        fields those functions read that the serializer does not show."""
        computed = computed or {}
        serializer = serializer_class()
        model = serializer.Meta.model
        self.fields: list[str] = []  # model fields, read as they are
        self.joins: dict = {}  # alias → a related model's field (a subquery or a join)
        # (name, function of the values row and today), in order; a datetime's is made per page from the time zone
        self.steps: list[tuple[str, Callable]] = []
        self.zoned: set[str] = set()
        for name, field in serializer.fields.items():
            attrs = field.source_attrs
            if name in computed:
                step = computed[name]
            elif not attrs:
                raise ImproperlyConfigured(f"{serializer_class.__name__}.{name}: source='*', give its value in `computed`")
            elif len(attrs) > 1:
                self.joins[name] = _related_value(model, attrs)
                step = _value(name)
            elif attrs[0].startswith("get_") and attrs[0].endswith("_display"):
                choice = model._meta.get_field(attrs[0][len("get_"):-len("_display")])
                self._read(choice.name)
                step = _label(choice.name, {value: str(label) for value, label in choice.flatchoices})
            else:
                try:
                    model._meta.get_field(attrs[0])
                except FieldDoesNotExist:
                    raise ImproperlyConfigured(f"{serializer_class.__name__}.{name}: not a model field, "
                                               "give its value in `computed`") from None
                self._read(attrs[0])
                if _iso_datetime(field):
                    step = _zoned(attrs[0])
                    self.zoned.add(name)
                else:
                    step = _converted(attrs[0], field) if isinstance(field, CONVERTED) else _value(attrs[0])
            self.steps.append((name, step))
        for name in needs:
            self._read(name)
        # A row starts as the columns in the serializer's order (one C-level getter; the other fields take any
        # column's value as a placeholder, which keeps their place in the order) and the other fields are set after.
        keys = [step if isinstance(step, _Column) else (self.fields or list(self.joins))[0] for _, step in self.steps]
        self._names = tuple(name for name, _ in self.steps)
        self._columns = itemgetter(*keys) if len(keys) > 1 else (lambda values: (values[keys[0]],))
        self._others = [(name, step) for name, step in self.steps if not isinstance(step, _Column)]

    def _read(self, name):
        if name not in self.fields:
            self.fields.append(name)

    def values(self, queryset):
        return queryset.values(*self.fields, **self.joins)

    def rows(self, values_rows, today: date) -> list[dict]:
        tz = timezone.get_current_timezone()
        others = [(name, step(tz) if name in self.zoned else step) for name, step in self._others]
        names, columns = self._names, self._columns
        rows = []
        for values in values_rows:
            row = dict(zip(names, columns(values)))
            for name, step in others:
                row[name] = step(values, today)
            rows.append(row)
        return rows
