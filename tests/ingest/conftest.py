"""Ingest tests run on the articles of tests/data/ (tests/articles.py); Celery runs in-process unless a test starts a worker."""
import pytest

from config.celery import app


@pytest.fixture(autouse=True)
def eager_celery(request):
    """In-process tasks, except in the tests that start a real worker."""
    if request.node.get_closest_marker("celery_worker"):
        yield
        return
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous
