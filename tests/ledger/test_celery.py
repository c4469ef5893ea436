"""A 50,000-row ledger through the page and a real Celery worker (Redis); skipped without REDIS_URL."""
import io
import time

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from inspection.models import Finding
from ledger.choices import ImportStatus
from ledger.models import LedgerImport
from rectification.models import RectificationTask
from tests.factories import make_inspection, make_organization, make_round
from tests.ledger.conftest import FEEDBACK, make_user

ROWS = 50_000

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL) for a real worker"),
    pytest.mark.django_db(transaction=True),
]


def large_ledger() -> SimpleUploadedFile:
    """Only the required columns (and the evidence a closing row needs), written in streaming mode: the smallest
    file of this size."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("整改台账")
    sheet.append(["序号", "问题类别", "问题描述", "责任单位", "整改状态", "完成时间", "佐证材料"])
    for number in range(1, ROWS + 1):
        closed = number % 4 == 0
        sheet.append([number, "作风建设", "办事拖拉、服务群众意识不强", "办公室", "已销号" if closed else "整改中",
                      "2026年6月1日" if closed else None, "整改报告" if closed else None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("大台账.xlsx", buffer.getvalue())


def test_50000_rows_import_in_a_worker_with_progress_on_the_page(client, xianan, worker, settings):
    settings.LEDGER_ASYNC_ROWS = 1000
    inspection = make_inspection(make_round(xianan), make_organization(xianan), feedback=FEEDBACK)
    client.force_login(make_user("big-admin", xianan, admin=True))

    response = client.post(reverse("ledger:import", args=[inspection.pk]), {"file": large_ledger()})
    record = LedgerImport.objects.get()
    assert response.url == reverse("ledger:import-detail", args=[record.pk])
    page = client.get(response.url).content.decode()
    assert "ledger/progress.js" in page and "data-progress-url" in page

    seen, deadline = [], time.monotonic() + 900
    while time.monotonic() < deadline:
        progress = client.get(reverse("ledger:import-progress", args=[record.pk])).json()
        seen.append(progress["rows_processed"])
        if progress["finished"]:
            break
        time.sleep(0.5)
    record.refresh_from_db()
    assert record.status == ImportStatus.SUCCEEDED, record.errors
    assert (record.rows_total, record.rows_processed, record.rows_created) == (ROWS, ROWS, ROWS)
    assert record.content is None and seen == sorted(seen) and len(set(seen)) > 0
    assert Finding.objects.filter(inspection=inspection).count() == ROWS
    assert RectificationTask.objects.filter(inspection=inspection, status="closed").count() == ROWS // 4
