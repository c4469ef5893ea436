"""Touched scope keys: gathered per transaction, kept in the pending set until a drain recomputes them.

A change to tasks or leads *touches* the scope keys it affects:
the keys go into the pending table (`PendingRateScope`) in the same transaction, and after it commits one
Celery task (`rectification.tasks.rates_drain`) is scheduled a few seconds
later; it takes the whole set and recomputes those scopes for today. A burst of changes therefore
costs one recompute per scope.
"""
import functools
import logging
import threading
from datetime import date, timedelta

import redis
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from core.on_commit import on_commit_gathered
from core.versioned_cache import live_changed
from rectification.models import PendingRateScope
from rectification.rates.keys import rates_place_keys, rates_task_places
from rectification.rates.write import rates_recompute_keys

logger = logging.getLogger(__name__)


def rates_touch_tasks(tasks) -> None:
    """Recompute, after commit, the scopes of `tasks` (a queryset or ids) as they are now."""
    rates_touch(rates_place_keys(rates_task_places(tasks)))


def rates_touch(keys) -> None:
    """Have `keys` recomputed: they are recorded now, in the current transaction (so a committed change never
    loses them, whatever Redis or the workers do), and one drain is scheduled once it commits."""
    keys = set(keys)
    if keys:
        rates_pending.add(keys)
        on_commit_gathered("rates", keys, _rates_drain_schedule)
        live_changed()  # what a touch recomputes the pages also show from the records themselves


def _rates_drain_schedule(keys):
    # Best effort: when Redis is down or hung the change is still committed and its keys recorded;
    # `rates_sweep` schedules the drain once the broker is back.
    if rates_pending.mark_scheduled():
        from config.celery import enqueue
        from rectification.tasks import rates_drain

        enqueue(rates_drain, countdown=settings.RATES_DEBOUNCE_SECONDS)


class RatesPending:
    """The scope keys waiting for a recompute (`PendingRateScope`, in the database) and whether a drain is
    already scheduled (a flag in Redis when REDIS_URL is set, else in this process)."""

    SCHEDULED = "xuncha:rates:scheduled"

    def __init__(self):
        self._lock, self._scheduled = threading.Lock(), False

    def add(self, keys) -> None:
        """Record `keys`, in the caller's transaction."""
        PendingRateScope.objects.bulk_create([PendingRateScope(scope_key=key) for key in keys])

    def take(self) -> set[str]:
        """Every pending key, removed in the caller's transaction (a rollback puts them back). Rows written by
        transactions that commit meanwhile stay for the next drain."""
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {PendingRateScope._meta.db_table} RETURNING scope_key")
            return {key for (key,) in cursor.fetchall()}

    def oldest(self):
        """When the longest-waiting key was recorded (None: nothing waits)."""
        return PendingRateScope.objects.order_by("pk").values_list("created_at", flat=True).first()

    def mark_scheduled(self) -> bool:
        """True when the caller must schedule a drain (none is scheduled yet); False too when Redis fails."""
        if not settings.REDIS_URL:
            with self._lock:
                first, self._scheduled = not self._scheduled, True
                return first
        try:
            # Expires in case the scheduled drain is lost, so a later change schedules another.
            return bool(_redis_client(settings.REDIS_URL).set(
                self.SCHEDULED, 1, nx=True, ex=max(60, 10 * settings.RATES_DEBOUNCE_SECONDS)))
        except redis.RedisError as exc:
            logger.warning("rates: drain not scheduled, Redis unavailable (rates_sweep will): %s", exc)
            return False

    def clear_scheduled(self) -> None:
        """A drain starts: a key added from now on schedules the next one."""
        if not settings.REDIS_URL:
            with self._lock:
                self._scheduled = False
            return
        _redis_client(settings.REDIS_URL).delete(self.SCHEDULED)


@functools.lru_cache(maxsize=4)
def _redis_client(url: str) -> redis.Redis:
    # One connection pool per process; a Redis that hangs fails the call in seconds instead of blocking it.
    return redis.Redis.from_url(url, socket_connect_timeout=settings.REDIS_CONNECT_TIMEOUT,
                                socket_timeout=settings.REDIS_SOCKET_TIMEOUT)


rates_pending = RatesPending()


def rates_drain_pending(day: date | None = None) -> set[str]:
    """Recompute every pending scope (the Celery task `rates_drain`); returns the keys recomputed. The keys are
    taken and recomputed in one transaction: a drain that fails leaves them pending for its retry."""
    rates_pending.clear_scheduled()
    with transaction.atomic():
        keys = rates_pending.take()
        rates_recompute_keys(keys, day=day)
    return keys


def rates_sweep(now=None) -> bool:
    """The beat job's work: schedule a drain when keys have waited past the debounce (a drain lost with Redis,
    or never scheduled because Redis was down when the change committed). True when one was sent."""
    from config.celery import enqueue
    from rectification.tasks import rates_drain

    oldest = rates_pending.oldest()
    now = now or timezone.now()
    if oldest is None or oldest > now - timedelta(seconds=settings.RATES_DEBOUNCE_SECONDS + 30):
        return False
    return enqueue(rates_drain)
