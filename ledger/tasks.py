from celery import shared_task

from ledger import services
from ledger.models import LedgerImport


@shared_task
def ledger_import_run(ledger_import_id: int) -> str:
    """A large import, run by a worker from the bytes stored with its record; progress goes on the record."""
    record = services.ledger_import_run(ledger_import=LedgerImport.objects.get(pk=ledger_import_id))
    return record.status
