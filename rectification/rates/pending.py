"""Touched scope keys: gathered per transaction, kept in the pending set until a drain recomputes them.

A change to tasks or leads *touches* the scope keys it affects:
after the transaction commits the keys go into a pending set (Redis when REDIS_URL is set, else
this process) and one Celery task (`rectification.tasks.rates_drain`) is scheduled a few seconds
later; it takes the whole set and recomputes those scopes for today. A burst of changes therefore
costs one recompute per scope.
"""
import functools
import threading
from datetime import date

import redis
from django.conf import settings

from core.on_commit import on_commit_gathered
from rectification.rates.keys import rates_place_keys, rates_task_places
from rectification.rates.write import rates_recompute_keys


def rates_touch_tasks(tasks) -> None:
    """Recompute, after commit, the scopes of `tasks` (a queryset or ids) as they are now."""
    rates_touch(rates_place_keys(rates_task_places(tasks)))


def rates_touch(keys) -> None:
    """Have `keys` recomputed once the current transaction commits (at once outside a transaction): the
    keys of one transaction go into the pending set together, and one drain is scheduled for them."""
    on_commit_gathered("rates", set(keys), _rates_pending_add)


def _rates_pending_add(keys):
    if rates_pending.add(keys):
        from rectification.tasks import rates_drain

        rates_drain.apply_async(countdown=settings.RATES_DEBOUNCE_SECONDS)


class RatesPending:
    """The set of scope keys waiting for a recompute, and whether a drain is already scheduled."""

    SET, SCHEDULED = "xuncha:rates:pending", "xuncha:rates:scheduled"

    def __init__(self):
        self._local, self._lock, self._scheduled = set(), threading.Lock(), False

    def _redis(self):
        return _redis_client(settings.REDIS_URL) if settings.REDIS_URL else None

    def add(self, keys) -> bool:
        """Add `keys`; True when the caller must schedule a drain (none is scheduled yet)."""
        client = self._redis()
        if client is None:
            with self._lock:
                self._local.update(keys)
                first, self._scheduled = not self._scheduled, True
                return first
        with client.pipeline() as pipe:
            pipe.sadd(self.SET, *keys)
            # Expires in case the scheduled drain is lost, so a later change schedules another.
            pipe.set(self.SCHEDULED, 1, nx=True, ex=max(60, 10 * settings.RATES_DEBOUNCE_SECONDS))
            return bool(pipe.execute()[1])

    def take(self) -> set[str]:
        """Every pending key, removed from the set. Clears the flag first, so a key added after the
        take schedules a new drain."""
        client = self._redis()
        if client is None:
            with self._lock:
                keys, self._local, self._scheduled = self._local, set(), False
                return keys
        client.delete(self.SCHEDULED)
        with client.pipeline() as pipe:  # MULTI/EXEC: read and delete as one step
            pipe.smembers(self.SET)
            pipe.delete(self.SET)
            members = pipe.execute()[0]
        return {key.decode() for key in members}

    def put_back(self, keys) -> None:
        """Keys of a failed drain, kept for its retry."""
        client = self._redis()
        if client is None:
            with self._lock:
                self._local.update(keys)
        elif keys:
            client.sadd(self.SET, *keys)


@functools.lru_cache(maxsize=4)
def _redis_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)  # one connection pool per process


rates_pending = RatesPending()


def rates_drain_pending(day: date | None = None) -> set[str]:
    """Recompute every pending scope (the Celery task `rates_drain`); returns the keys recomputed."""
    keys = rates_pending.take()
    try:
        rates_recompute_keys(keys, day=day)
    except Exception:
        rates_pending.put_back(keys)
        raise
    return keys
