"""A worker holding a countdown task survives its Redis going away and coming back (celery/kombu 5.7 crashed:
`restore_unacked` → AttributeError 'NoneType' object has no attribute 'hostname'; see config/worker.py)."""
import time

from tests.faults.conftest import wait_until


def test_the_worker_survives_a_redis_restart_with_a_countdown_task_pending(broker, start_worker):
    from config.celery import enqueue
    from rectification.tasks import rates_drain

    worker = start_worker(broker.url)
    assert enqueue(rates_drain, countdown=60)  # held by the worker, unacknowledged, like the debounced drain
    assert wait_until(lambda: "rates_drain" in worker.output() and "received" in worker.output(), 30), worker.output()

    broker.stop()
    time.sleep(3)
    broker.start()
    # The worker reconnects and keeps consuming: a task sent after the blip runs.
    assert wait_until(lambda: worker.output().count("Connected to redis") >= 2 or not worker.alive(), 60), worker.output()
    assert worker.alive(), worker.output()[-3000:]
    assert "Unrecoverable error" not in worker.output()
    assert enqueue(rates_drain)  # this process's pooled connection died with the old server: one retry
    assert wait_until(lambda: "rates_drain" in worker.output() and "succeeded" in worker.output(), 60), worker.output()[-3000:]
