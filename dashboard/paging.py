"""Keyset pagination for lists that may hold millions of rows (tasks, findings, warnings).

OFFSET pagination reads and discards every row before the page, and its page count needs a
COUNT(*) over the whole filtered list; both grow with the data. A keyset page instead starts
from the last row shown (`?after=`) or the first (`?before=`), read from an index on the
ordering columns, so the first, a middle and the last page (`?last=1`, the order reversed)
cost the same. The total shown is counted only up to `COUNT_LIMIT` rows ("超过 10000 条").
"""
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q

PER_PAGE = 50
COUNT_LIMIT = 10_000


@dataclass
class KeysetPage:
    rows: list
    has_previous: bool
    has_next: bool
    first_cursor: str = ""
    last_cursor: str = ""
    total: int = 0
    total_capped: bool = False
    query: str = ""  # the other GET parameters (the filters), for the page links


def _encode(value) -> str:
    return value.isoformat() if isinstance(value, (date, datetime)) else str(value)


def cursor_of(obj, fields) -> str:
    return "~".join(_encode(getattr(obj, name)) for name in fields)


def cursor_parse(cursor: str, model, fields):
    """The values of a cursor, typed by the model's fields; None when it does not parse."""
    parts = cursor.split("~")
    if len(parts) != len(fields):
        return None
    try:
        return [(model._meta.pk if name == "pk" else model._meta.get_field(name)).to_python(part)
                for name, part in zip(fields, parts)]
    except Exception:
        return None


def beyond(fields, values, *, descending: bool) -> Q:
    """Rows after (`fields`) = `values` in the order; `a >= x AND (a > x OR (a = x AND b > y))`, so the
    leading column bounds an index range scan."""
    op = "lt" if descending else "gt"
    condition = Q(**{f"{fields[-1]}__{op}": values[-1]})
    for name, value in reversed(list(zip(fields[:-1], values[:-1]))):
        condition = Q(**{f"{name}__{op}": value}) | (Q(**{name: value}) & condition)
    return Q(**{f"{fields[0]}__{op}e": values[0]}) & condition


def rows_in_order(queryset, ordered, limit):
    """The first `limit` rows of `ordered`, fetched in two small queries: their ids first (reading only the
    paged table and what the filters need, from an index where there is one), then those rows with the
    joins of `queryset` (`select_related`). Joining names onto every candidate row before the sort and the
    LIMIT is what makes a page slow on a large table."""
    ids = list(ordered.values_list("pk", flat=True)[:limit])
    found = queryset.in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def keyset_page(queryset, params, *, fields=("deadline", "pk"), descending=False, per_page=PER_PAGE) -> KeysetPage:
    """The page of `queryset` that `params` (request.GET) asks for: first, `after=`, `before=` or `last=1`."""
    model = queryset.model
    order = [f"-{name}" if descending else name for name in fields]
    reverse = [name[1:] if name.startswith("-") else f"-{name}" for name in order]
    after = cursor_parse(params.get("after", ""), model, fields) if params.get("after") else None
    before = cursor_parse(params.get("before", ""), model, fields) if params.get("before") else None
    last = params.get("last") == "1"

    if before is not None or last:
        backwards = queryset.order_by(*reverse)
        if before is not None:
            backwards = backwards.filter(beyond(fields, before, descending=not descending))
        rows = rows_in_order(queryset, backwards, per_page + 1)
        more = len(rows) > per_page
        rows = rows[:per_page][::-1]
        has_previous, has_next = more, before is not None
    else:
        forwards = queryset.order_by(*order)
        if after is not None:
            forwards = forwards.filter(beyond(fields, after, descending=descending))
        rows = rows_in_order(queryset, forwards, per_page + 1)
        has_next = len(rows) > per_page
        rows = rows[:per_page]
        has_previous = after is not None
    total = queryset.order_by()[: COUNT_LIMIT + 1].count()
    kept = params.copy()  # a QueryDict: repeated keys (category=a&category=b) survive
    for key in ("after", "before", "last", "page"):
        kept.pop(key, None)
    return KeysetPage(
        rows=rows, has_previous=has_previous, has_next=has_next,
        first_cursor=cursor_of(rows[0], fields) if rows else "", last_cursor=cursor_of(rows[-1], fields) if rows else "",
        total=min(total, COUNT_LIMIT), total_capped=total > COUNT_LIMIT, query=kept.urlencode(),
    )
