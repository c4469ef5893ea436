"""A worker's pool child killed (SIGKILL) in the middle of a large import: the message goes back to the queue
(acks_late + reject_on_worker_lost), a new child runs the import again from the start, and it ends — finished
here, or failed with a reason after three such deaths — within a bounded time, all or nothing."""
import os
import signal
import time

from django.core.files.uploadedfile import SimpleUploadedFile

from ledger.choices import ImportStatus
from ledger.models import LedgerImport
from tests.factories import make_inspection, make_organization, make_round
from tests.faults.conftest import wait_until
from tests.ledger.conftest import FEEDBACK, csv_upload, ledger_row

ROWS = 20_000


def test_an_import_whose_worker_child_is_killed_ends_within_a_bounded_time(broker, start_worker, regions):
    from ledger.services import ledger_import_create, ledger_import_queue

    xianan = regions.get(code="421202")
    inspection = make_inspection(make_round(xianan), make_organization(xianan, name="咸安区教育局"), feedback=FEEDBACK)
    worker = start_worker(broker.url)
    data = csv_upload([ledger_row(n) for n in range(1, ROWS + 1)]).read()
    record = ledger_import_create(inspection=inspection, file=SimpleUploadedFile("大台账.csv", data), user=None,
                                  keep_content=True)
    ledger_import_queue(record.pk)  # autocommit: sent at once

    def validating():
        record.refresh_from_db()
        return record.status == ImportStatus.RUNNING and record.rows_processed > 0
    assert wait_until(validating, 60), worker.output()[-3000:]
    children = worker.children()
    assert len(children) == 1
    killed_at = time.monotonic()
    os.kill(children[0], signal.SIGKILL)

    def ended():
        record.refresh_from_db()
        return record.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED)
    assert wait_until(ended, 240, step=0.5), (record.status, worker.output()[-3000:])
    print(f"\nimport ended {record.status} {time.monotonic() - killed_at:.1f} s after its worker child was killed "
          f"(attempts {record.attempts})")
    assert record.status == ImportStatus.SUCCEEDED and record.attempts == 2
    assert worker.alive() and "WorkerLostError" in worker.output()
    assert inspection.findings.count() == ROWS  # all of it, once
    assert LedgerImport.objects.get(pk=record.pk).content is None
