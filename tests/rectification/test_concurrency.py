"""Two recomputes of the same scope at once leave one correct snapshot (PostgreSQL, two threads)."""
import datetime as dt
import threading
import time

import pytest
from django.db import connection, connections, transaction

from rectification import rates
from rectification.models import RateSnapshot, RectificationTask
from rectification.rates import rates_recompute_all, rates_recompute_keys
from tests.worlds import D

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory locks are PostgreSQL's"),
]


def in_thread(target, errors):
    def run():
        try:
            target()
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    return threading.Thread(target=run)


def test_two_full_recomputes_at_once_leave_one_row_per_scope(rates_world):
    barrier, errors = threading.Barrier(2), []

    def recompute():
        barrier.wait()
        rates_recompute_all(D)

    threads = [in_thread(recompute, errors), in_thread(recompute, errors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    rows = RateSnapshot.objects.filter(day=D)
    assert rows.count() == rows.values("scope_key").distinct().count() == rates.rates_write(day=D)
    assert rows.get(scope_key="overall").tasks_total == 7


def test_a_recompute_waits_for_the_one_in_progress_and_writes_the_newer_figures(rates_world):
    """The first recompute holds the lock (its transaction still open) while a task closes; the
    second, started after the change, waits for it and then writes figures that include the change."""
    key = f"round:{rates_world.A.pk}"
    rates_recompute_all(D)
    first_wrote, release, order, errors = threading.Event(), threading.Event(), [], []

    def first():
        with transaction.atomic():
            rates_recompute_keys({key}, D)
            first_wrote.set()
            release.wait(30)
            order.append("first")

    def second():
        rates_recompute_keys({key}, D)
        order.append("second")

    one = in_thread(first, errors)
    one.start()
    assert first_wrote.wait(30)
    RectificationTask.objects.filter(pk=rates_world.t3.pk).update(status="closed", closed_on=D)
    two = in_thread(second, errors)
    two.start()
    time.sleep(1)
    assert order == []  # the second is waiting for the lock
    release.set()
    one.join(30)
    two.join(30)
    assert errors == [] and order == ["first", "second"]
    row = RateSnapshot.objects.get(scope_key=key, day=D)
    assert (row.closed, RateSnapshot.objects.filter(scope_key=key, day=D).count()) == (4, 1)


def test_full_runs_of_two_days_at_once_leave_one_latest_row_per_scope_on_the_newer_day(rates_world):
    """Whichever run takes the lock first, the newer day's rows end up the latest ones (is_latest)."""
    rates_recompute_all(D)
    later = D + dt.timedelta(days=1)
    barrier, errors = threading.Barrier(3), []

    def recompute(day):
        def run():
            barrier.wait()
            rates_recompute_all(day)
        return run

    threads = [in_thread(recompute(later), errors), in_thread(recompute(D), errors),
               in_thread(lambda: (barrier.wait(), rates_recompute_keys({f"round:{rates_world.A.pk}"}, D)), errors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    latest = list(RateSnapshot.objects.filter(is_latest=True).values_list("scope_key", "day"))
    assert len(latest) == len(dict(latest)) == RateSnapshot.objects.filter(day=later).count()
    assert {day for _, day in latest} == {later}
