"""Reads of rectification figures that the pages, the API and ingest share.

Rates come from `RateSnapshot` rows (written only by the recompute jobs), never from
aggregating tasks per request. Every function takes a queryset the caller has already
scoped with `.visible_to(user)`, so the rule of who sees what stays in `core.scoping`.
"""
import hashlib
import logging
import uuid
from contextlib import suppress
from datetime import date
from functools import reduce
from operator import or_

from django.conf import settings
from django.core.cache import cache
from django.db.models import Exists, OuterRef, Subquery
from redis.exceptions import RedisError

from rectification.choices import RateScope
from rectification.models import RateSnapshot

logger = logging.getLogger(__name__)


def scope_key(scope: str, *parts) -> str:
    """The `RateSnapshot.scope_key` of a scope: scope_key("region", "421202") == "region:421202"."""
    return ":".join([scope, *(str(part) for part in parts)])


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


SNAPSHOT_VERSION_KEY = "rates:snapshot-version"


def snapshot_version() -> str:
    """A token that changes whenever snapshots are written (or who may read which changes): part of the
    key of every cached rates answer, so a recompute ends them all at once."""
    version = cache.get(SNAPSHOT_VERSION_KEY)
    if version is None:
        cache.add(SNAPSHOT_VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(SNAPSHOT_VERSION_KEY, "")  # whoever added first wins; "" when nothing is cached
    return version


def snapshot_version_bump() -> None:
    cache.set(SNAPSHOT_VERSION_KEY, uuid.uuid4().hex, timeout=None)


def snapshot_cached(key_parts: tuple, build):
    """`build()`, cached under `key_parts` for the current snapshot version, for at most RATES_CACHE_SECONDS.
    `key_parts` must hold everything the answer depends on besides the snapshots (who asks, what they asked).
    The cache only saves work: when Redis cannot be reached the answer is built as if nothing were cached."""
    try:
        key = "rates:answer:" + hashlib.sha256(repr((snapshot_version(), *key_parts)).encode()).hexdigest()
        value = cache.get(key)
    except RedisError as error:
        logger.warning("rates cache unavailable, answering uncached: %s", error)
        return build()
    if value is None:
        value = build()
        with suppress(RedisError):
            cache.set(key, value, settings.RATES_CACHE_SECONDS)
    return value


def rate_trend(snapshots, key: str, *, date_from: date | None = None, date_to: date | None = None):
    """The history of one scope, oldest first, between `date_from` and `date_to` (both inclusive)."""
    rows = snapshots.filter(scope_key=key)
    if date_from is not None:
        rows = rows.filter(day__gte=date_from)
    if date_to is not None:
        rows = rows.filter(day__lte=date_to)
    return rows.order_by("day")
