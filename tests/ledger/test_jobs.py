"""A stored import's worker job: claimed by status, attempts counted, resent by the sweep, failed when stuck, retried."""
from datetime import timedelta

import pytest
from django.utils import timezone

from ledger import services
from ledger.choices import ImportStatus
from ledger.models import LedgerImport
from ledger.tasks import ledger_import_run
from tests.ledger.conftest import ledger_row, xlsx_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    calls = []
    monkeypatch.setattr("config.celery.enqueue", lambda task, *args, **options: calls.append((task.name, args)) or True)
    return calls


def stored(inspection, status=ImportStatus.PENDING, **fields):
    return LedgerImport.objects.create(inspection=inspection, file_name="台账.xlsx", file_size=1, sha256="0" * 64,
                                       status=status, content=xlsx_upload([ledger_row(1)]).read(), **fields)


def test_a_stored_import_is_claimed_and_run_once(inspection):
    record = stored(inspection)
    assert services.ledger_import_run_queued(record.pk).status == ImportStatus.SUCCEEDED
    assert services.ledger_import_run_queued(record.pk) is None  # finished: a second message changes nothing
    assert inspection.findings.count() == 1


def test_an_import_that_keeps_killing_its_worker_fails_and_keeps_its_file(inspection):
    record = stored(inspection, status=ImportStatus.RUNNING, attempts=services.RUN_ATTEMPTS)
    assert services.ledger_import_run_queued(record.pk).status == ImportStatus.FAILED
    record.refresh_from_db()
    assert record.status == ImportStatus.FAILED and "中断 3 次" in record.errors[0]["message"]
    assert record.content is not None and not inspection.findings.exists()


def test_the_sweep_resends_waiting_imports_and_fails_stuck_ones(inspection, sent):
    now = timezone.now()
    waiting = stored(inspection, queued_at=now - timedelta(minutes=10))
    stuck = stored(inspection, status=ImportStatus.RUNNING,
                   started_at=now - timedelta(seconds=ledger_import_run.time_limit + 61))
    running = stored(inspection, status=ImportStatus.RUNNING, started_at=now)
    assert services.imports_sweep(now) == {"resent": 1, "failed_running": 1, "failed_pending": 0}
    assert sent == [("ledger.tasks.ledger_import_run", (waiting.pk,))]
    stuck.refresh_from_db()
    running.refresh_from_db()
    assert stuck.status == ImportStatus.FAILED and "导入中断" in stuck.errors[0]["message"]
    assert running.status == ImportStatus.RUNNING


def test_a_failed_import_with_its_file_is_retried_from_its_page(client, inspection, admin_user, sent,
                                                                 django_capture_on_commit_callbacks):
    record = stored(inspection, status=ImportStatus.FAILED, attempts=3, error_count=1,
                    errors=[{"row": None, "column": None, "message": "导入中断"}])
    client.force_login(admin_user)
    assert "重新导入" in client.get(f"/ledger/imports/{record.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/ledger/imports/{record.pk}/retry/").status_code == 302
    record.refresh_from_db()
    assert (record.status, record.attempts, record.error_count) == (ImportStatus.PENDING, 0, 0)
    assert sent == [("ledger.tasks.ledger_import_run", (record.pk,))]
    finished = stored(inspection, status=ImportStatus.SUCCEEDED)
    LedgerImport.objects.filter(pk=finished.pk).update(content=None)
    assert "重新导入" not in client.get(f"/ledger/imports/{finished.pk}/").content.decode()


def test_a_retried_import_uploaded_long_ago_waits_its_full_queue_time_again(inspection, admin_user, sent, settings):
    """The queue's time limit counts from the retry: an import uploaded 7 h ago and retried during an outage is
    not failed by the next sweep."""
    record = stored(inspection, status=ImportStatus.FAILED)
    LedgerImport.objects.filter(pk=record.pk).update(created_at=timezone.now() - timedelta(hours=7))
    services.ledger_import_retry(record=record, user=admin_user)
    now = timezone.now()
    assert services.imports_sweep(now)["failed_pending"] == 0
    later = now + timedelta(seconds=settings.LEDGER_QUEUE_LIMIT_SECONDS + 1)
    assert services.imports_sweep(later)["failed_pending"] == 1
