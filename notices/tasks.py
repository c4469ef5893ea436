"""Celery jobs of notices: thin wrappers around `notices.services`, all idempotent (see there)."""
from smtplib import SMTPException

from celery import shared_task
from django.db import DatabaseError

from notices import services

RETRY = {"autoretry_for": (SMTPException, OSError, DatabaseError), "retry_backoff": True, "retry_backoff_max": 600,
         "max_retries": 8}


@shared_task(**RETRY)
def notices_email_send(event_keys: list[str]) -> int:
    """Mail the notices of these events (queued on commit by `notify`); retried on SMTP or database errors."""
    return services.notices_email_send(event_keys)


@shared_task(soft_time_limit=300, time_limit=360, **RETRY)
def notices_email_sweep() -> int:
    """Every 5 minutes (beat): mail the recent notices whose mail job was lost (a broker outage)."""
    return services.notices_email_sweep()


@shared_task(**RETRY)
def notices_digest_send() -> int:
    """Daily: one digest mail per user who chose it."""
    return services.notices_digest_send()


@shared_task(**RETRY)
def notices_due_soon_scan() -> int:
    """Daily: tell units and groups of tasks due within the notice window."""
    return services.notices_due_soon_scan()
