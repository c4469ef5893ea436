from celery import shared_task

from ledger import services


# LEDGER_MAX_ROWS (100,000) rows validate and write in a few minutes; the limits stop a run that hangs.
@shared_task(soft_time_limit=1500, time_limit=1560)
def ledger_import_run(ledger_import_id: int) -> str | None:
    """A large import, run by a worker from the bytes stored with its record; progress goes on the record."""
    record = services.ledger_import_run_queued(ledger_import_id)
    return record.status if record else None


@shared_task(soft_time_limit=60, time_limit=90)
def imports_sweep() -> dict:
    """Every minute (beat): resend waiting imports, fail stuck ones with the reason."""
    return services.imports_sweep()
