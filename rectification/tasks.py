"""Celery jobs of the rectification side: thin wrappers around `rectification.services`.

All are idempotent (they recompute or converge to the state the dates call for), so a retry or a
redelivery after a lost worker (`acks_late`) is safe. Scheduled in `CELERY_BEAT_SCHEDULE`.
"""
from datetime import date

from celery import shared_task
from django.db import DatabaseError
from redis.exceptions import RedisError

from rectification import rates, services

RETRY = {"autoretry_for": (DatabaseError, RedisError, OSError), "retry_backoff": True, "retry_backoff_max": 300, "max_retries": 6}


@shared_task(**RETRY)
def rates_drain() -> list[str]:
    """Recompute today's snapshots of every scope touched since the last drain."""
    return sorted(rates.rates_drain_pending())


@shared_task(soft_time_limit=60, time_limit=90)
def rates_sweep() -> bool:
    """Every minute (beat): schedule a drain for scope keys left waiting (a Redis outage, a lost message)."""
    return rates.rates_sweep()


@shared_task(**RETRY)
def rates_recompute_all(day: str | None = None) -> int:
    """Every scope's snapshot for `day` (ISO date; today by default). Nightly."""
    return rates.rates_recompute_all(date.fromisoformat(day) if day else None)


@shared_task(**RETRY)
def warnings_refresh() -> dict:
    return services.warnings_refresh()


@shared_task(soft_time_limit=300, time_limit=360, **RETRY)
def warnings_sweep() -> int:
    """Every minute (beat): refresh the warnings a committed change recorded but did not refresh."""
    return services.warnings_sweep()
