"""Reads of rectification figures that the pages, the API and ingest share.

Rates come from `RateSnapshot` rows (written only by the recompute jobs), never from
aggregating tasks per request. Every function takes a queryset the caller has already
scoped with `.visible_to(user)`, so the rule of who sees what stays in `core.scoping`.
"""
from datetime import date
from functools import reduce
from operator import or_

from django.db.models import Exists, OuterRef, Subquery

from rectification.choices import RateScope
from rectification.models import RateSnapshot


def rates_latest(snapshots, *, as_of: date | None = None):
    """For every scope in `snapshots`, its newest row on or before `as_of` (today's newest when None).

    An incremental recompute writes only the scopes it touched, so scopes may have their newest rows
    on different days. The newest rows carry `is_latest` (kept by the recompute jobs), read from
    partial indexes; an `as_of` before the newest stored day (history) takes each scope's newest row
    up to it with a correlated subquery on the (scope_key, day) index.
    """
    if as_of is None or not _rows_after(as_of):
        return snapshots.filter(is_latest=True)
    newest = (RateSnapshot.objects.filter(scope_key=OuterRef("scope_key"), day__lte=as_of)
              .order_by("-day").values("day")[:1])
    return snapshots.filter(day__lte=as_of, day=Subquery(newest))


def _rows_after(day: date) -> bool:
    """Whether any snapshot is later than `day`: one probe of the (scope, day) index per scope, in one query."""
    later = reduce(or_, (Exists(RateSnapshot.objects.filter(scope=scope, day__gt=day)) for scope in RateScope.values))
    return RateSnapshot.objects.filter(later).exists()


def rate_trend(snapshots, key: str, *, date_from: date | None = None, date_to: date | None = None):
    """The history of one scope, oldest first, between `date_from` and `date_to` (both inclusive)."""
    rows = snapshots.filter(scope_key=key)
    if date_from is not None:
        rows = rows.filter(day__gte=date_from)
    if date_to is not None:
        rows = rows.filter(day__lte=date_to)
    return rows.order_by("day")
