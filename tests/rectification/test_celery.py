"""Rates through a real Celery worker on Redis: a burst of changes → one recompute per scope; retry."""
import time

import pytest
from django.conf import settings
from django.db import OperationalError
from django.utils import timezone

from rectification.models import RateSnapshot, TaskWarning
from rectification.rates import pending

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL) for a real worker"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def recomputes(monkeypatch):
    """Every call of the keyed recompute (the real one runs), as the worker makes it."""
    calls, real = [], pending.rates_recompute_keys

    def recording(keys, day=None):
        calls.append(set(keys))
        return real(keys, day)

    monkeypatch.setattr(pending, "rates_recompute_keys", recording)
    return calls


@pytest.fixture
def rates_worker(settings, rates_world, worker):
    """The worker, started after the rates_world was built; what building it touched is dropped."""
    settings.RATES_DEBOUNCE_SECONDS = 2
    pending.rates_pending.take()
    pending.rates_pending.clear_scheduled()


def wait_for(calls, count, *, timeout=60):
    deadline = time.monotonic() + timeout
    while len(calls) < count and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(settings.RATES_DEBOUNCE_SECONDS + 2)  # long enough for a second drain, were one scheduled


def today_row(key):
    return RateSnapshot.objects.get(scope_key=key, day=timezone.localdate())


def test_a_burst_of_changes_is_one_recompute_per_scope(rates_world, recomputes, rates_worker):
    today = timezone.localdate()
    tasks = [rates_world.t3, rates_world.t4, rates_world.t5, rates_world.t9]
    for task in tasks * 3:  # twelve commits, one after another
        task.progress_note = f"{task.progress_note}。"
        task.save()
    rates_world.t3.status, rates_world.t3.closed_on = "closed", today
    rates_world.t3.save()

    wait_for(recomputes, 1)
    assert len(recomputes) == 1
    keys = recomputes[0]
    assert {"overall", "region:421202", "region:421222", f"round:{rates_world.A.pk}", f"round:{rates_world.B.pk}",
            f"round_organization:{rates_world.B.pk}:{rates_world.O4.pk}", "category:421202:political"} <= keys
    assert today_row("overall").tasks_total == 8 and today_row("overall").closed == 5  # t1 t2 t3 t6 t7
    assert today_row(f"round_organization:{rates_world.A.pk}:{rates_world.O1.pk}").closed == 3


def test_a_drain_that_fails_once_is_retried_and_gets_it_right(rates_world, recomputes, rates_worker, monkeypatch):
    real, attempts = pending.rates_recompute_keys, []

    def fails_once(keys, day=None):
        attempts.append(set(keys))
        if len(attempts) == 1:
            raise OperationalError("connection lost (simulated)")
        return real(keys, day)

    monkeypatch.setattr(pending, "rates_recompute_keys", fails_once)
    rates_world.t4.status, rates_world.t4.closed_on = "closed", timezone.localdate()
    rates_world.t4.save()

    wait_for(recomputes, 1)
    assert len(attempts) == 2 and attempts[0] == attempts[1] == recomputes[0]  # the keys were put back for the retry
    assert today_row(f"organization:{rates_world.O2.pk}").closed == 1
    assert pending.rates_pending.take() == set()


def test_the_scheduled_jobs_run_in_the_worker(rates_world, rates_worker):
    from rectification import tasks as jobs

    rows = jobs.rates_recompute_all.delay("2026-06-30").get(timeout=60)
    assert rows == RateSnapshot.objects.filter(day="2026-06-30").count() > 0
    assert RateSnapshot.objects.get(scope_key="overall", day="2026-06-30").tasks_total == 7
    TaskWarning.objects.all().delete()  # those the tasks' saves issued
    assert jobs.warnings_refresh.delay().get(timeout=60) == {"issued": 4, "lifted": 0}
    assert set(TaskWarning.objects.values_list("level", flat=True)) == {"red"}
