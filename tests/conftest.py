"""Fixtures shared by every app's tests."""
import datetime as dt
import os
import shutil
import tempfile

import pytest

from inspection.models import Region
from inspection.services import regions_load

DEMO_TODAY = dt.date(2026, 6, 30)

# The worlds tests are built in (one module): registered here for every test folder.
pytest_plugins = ["tests.worlds"]


def pytest_configure(config):
    # Tests do not run collectstatic, so the hashed-manifest storage of production has no manifest.
    from django.conf import settings

    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    # Tests run with DEBUG off (production security settings) but speak plain HTTP to the test client.
    settings.SECURE_SSL_REDIRECT = False
    # Password hashing is deliberately slow; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests read a token's audit row right after its request: written in the request. The batches written by
    # a thread (production) are tested against a real gunicorn in tests/api/test_token_audit_batches.py.
    settings.AUDIT_FLUSH_SECONDS = 0
    # Uploaded files (evidence) go to a folder of this run, removed at its end.
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="xuncha-test-media-")


def pytest_unconfigure(config):
    from django.conf import settings

    if "xuncha-test-media-" in str(settings.MEDIA_ROOT):
        shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


def pytest_runtest_setup(item):
    """Tests marked `corpus` score against the development corpus (ingest/corpus.py), which a clone has not:
    without it they skip, saying why; under CI=true, where the corpus is laid beside the project, they fail."""
    if item.get_closest_marker("corpus") is None:
        return
    from ingest.corpus import corpus_missing

    reason = corpus_missing()
    if not reason:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true needs the article corpus: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def django_capture_on_commit_callbacks(django_capture_on_commit_callbacks):
    """pytest-django's capture, where work gathered once per transaction (rates keys, warnings to refresh:
    `core.on_commit.on_commit_gathered`) starts a new batch, as a new transaction would: the test's
    own transaction never commits, so a batch its fixtures began would otherwise swallow what the test does."""
    from contextlib import contextmanager

    from django.db import transaction

    @contextmanager
    def capture(**kwargs):
        transaction.get_connection().__dict__["_gathered_on_commit"] = {}
        with django_capture_on_commit_callbacks(**kwargs) as callbacks:
            yield callbacks

    return capture


@pytest.fixture(autouse=True)
def _fresh_rates_cache():
    """Cached rates answers and pages (Redis when REDIS_URL is set) must not outlive the test whose database they
    show. (Tests run with the cache on; a test's own uncommitted changes show to it, see core.versioned_cache.)"""
    from core import versioned_cache
    from rectification.rates import snapshot_version_bump

    snapshot_version_bump()
    versioned_cache.version_bump(versioned_cache.LIVE_VERSION_KEY)
    versioned_cache._paused_until = 0.0  # a Redis fault of an earlier test pauses nothing here


@pytest.fixture(autouse=True)
def _fresh_region_copies():
    """The filters' in-process regions by code (`core.filters.regions_by_code`) must not outlive the test's rows."""
    from core.filters import regions_by_code

    regions_by_code.clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the national divisions once into the test database."""
    with django_db_blocker.unblock():
        regions_load()


@pytest.fixture
def regions(db):
    """The national divisions; loaded once per database (transactional tests flush them)."""
    if not Region.objects.filter(code="421202").exists():
        regions_load()
    return Region.objects


@pytest.fixture
def xianning(regions):
    return regions.get(code="421200")


@pytest.fixture
def xianan(regions):
    return regions.get(code="421202")


@pytest.fixture
def tongcheng(regions):
    return regions.get(code="421222")


@pytest.fixture
def demo(regions):
    """A small deterministic demo data set."""
    from inspection.demo import demo_build

    return demo_build(seed=7, tasks=400, today=DEMO_TODAY)


@pytest.fixture
def worker(monkeypatch):
    """A real Celery worker (solo pool, in a thread) on the REDIS_URL broker, for tests marked celery_worker."""
    from celery.contrib.testing.worker import start_worker
    from django.db import connection

    from config.celery import app

    # Connections opened by the worker thread close after each task, so the test database can be flushed.
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)
    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=60):
        yield
