"""Redis (broker, pending-scope flag) stopped, then frozen, while staff write: every committed write answers
normally within seconds, uploads and imports accepted meanwhile are processed once Redis is back, and the
snapshots then equal a full recompute."""
import time

from django.test import Client
from django.utils import timezone

from ingest.choices import ArticleStatus
from ingest.models import Article
from ledger.choices import ImportStatus
from ledger.models import LedgerImport
from rectification.models import PendingRateScope, RateSnapshot, RectificationTask
from tests.api.conftest import clients  # noqa: F401  (token clients of the world's users)
from tests.factories import make_finding
from tests.faults.conftest import wait_until
from tests.ledger.conftest import ledger_row, xlsx_upload

FIGURES = [f.attname for f in RateSnapshot._meta.concrete_fields if f.name not in ("id", "computed_at", "is_latest")]


def snapshots(day):
    return {row["scope_key"]: row for row in RateSnapshot.objects.filter(day=day).values("scope_key", *FIGURES)}


def test_committed_writes_during_a_redis_outage_answer_and_their_work_is_done_afterwards(
        broker, start_worker, world, clients, settings):  # noqa: F811
    from ingest.services import articles_sweep
    from ledger.services import imports_sweep
    from rectification.rates import rates_recompute_all, rates_sweep

    today = timezone.localdate()
    rates_recompute_all(today)
    worker = start_worker(broker.url)
    settings.LEDGER_ASYNC_ROWS = 0  # every import goes to the worker
    admin_api = clients["region_admin"]
    admin_page = Client()
    admin_page.force_login(world.users["region_admin"])
    latencies = {}

    def writes(phase: str, count: int):
        times = []
        for n in range(count):
            finding = make_finding(world.home.inspection, description=f"{phase}问题{n}")
            started = time.monotonic()
            response = admin_api.post("/api/v1/tasks/", {"finding": finding.pk, "responsible_unit": "办公室"}, format="json")
            times.append(time.monotonic() - started)
            assert response.status_code == 201, (phase, response.content)
            task = RectificationTask.objects.get(pk=response.json()["id"])
            task.status, task.closed_on = "closed", today  # a closing, saved like the admin saves it
            task.save()
        started = time.monotonic()
        article = admin_api.post("/api/v1/articles/", {"text": f"咸安区委{phase}巡察共发现问题{count}个，移交问题线索2件。"},
                                 format="json")
        times.append(time.monotonic() - started)
        assert article.status_code == 201, article.content
        started = time.monotonic()
        upload = admin_page.post(f"/ledger/inspections/{world.home.inspection.pk}/import/",
                                 {"file": xlsx_upload([ledger_row(500 + n) for n in range(3)], name=f"{phase}.xlsx")})
        times.append(time.monotonic() - started)
        assert upload.status_code == 302
        latencies[phase] = max(times)

    broker.stop()
    writes("停止", 4)
    broker.start()
    broker.freeze()
    writes("冻结", 4)
    broker.thaw()

    assert PendingRateScope.objects.exists()  # recorded with the writes, waiting
    assert Article.objects.filter(status=ArticleStatus.QUEUED).count() == 2
    # What beat does every minute, once Redis is back.
    assert wait_until(lambda: rates_sweep(timezone.now() + timezone.timedelta(minutes=1)), 30)
    articles_sweep(timezone.now() + timezone.timedelta(minutes=5))
    imports_sweep(timezone.now() + timezone.timedelta(minutes=5))

    done = wait_until(lambda: not PendingRateScope.objects.exists()
                      and not Article.objects.filter(status__in=(ArticleStatus.QUEUED, ArticleStatus.PARSING)).exists()
                      and not LedgerImport.objects.exclude(status__in=(ImportStatus.SUCCEEDED, ImportStatus.FAILED)).exists(),
                      90, step=0.5)
    assert done, worker.output()[-4000:]
    assert set(Article.objects.values_list("status", flat=True)) == {ArticleStatus.PARSED}
    ours = LedgerImport.objects.filter(file_name__in=["停止.xlsx", "冻结.xlsx"])
    assert list(ours.values_list("status", flat=True)) == [ImportStatus.SUCCEEDED] * 2
    print(f"\nslowest answer while Redis was stopped: {latencies['停止']:.2f} s, frozen: {latencies['冻结']:.2f} s")
    assert latencies["停止"] < 5 and latencies["冻结"] < 8, latencies

    incremental = snapshots(today)
    rates_recompute_all(today)
    assert incremental == snapshots(today)
    assert incremental["overall"]["closed"] >= 8
