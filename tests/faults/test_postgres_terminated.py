"""PostgreSQL ends the web process's connection (restart, failover, pg_terminate_backend): the next request
succeeds, because the health check (`core.db.postgresql`) replaces a dead kept connection before the request uses
it, without a round trip to the server for a connection in good order."""
import subprocess
import sys
import urllib.request

import pytest

from api.services import token_issue
from tests.factories import make_user
from tests.faults.conftest import ROOT, app_env, free_port, wait_until


def test_the_request_after_the_backend_was_terminated_succeeds(postgres, regions, tmp_path):
    from accounts.roles import Role

    user = make_user("pg-viewer", role=Role.VIEWER, region=regions.get(code="421202"))
    _, key = token_issue(user=user, name="故障测试")
    port = free_port()
    log = (tmp_path / "gunicorn.log").open("w")
    # One gunicorn worker keeping its connection (DB_CONN_MAX_AGE), as in production; no Redis needed here.
    web = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "--timeout", "30"], cwd=ROOT, env=app_env("", DB_CONN_MAX_AGE="600"), stdout=log, stderr=subprocess.STDOUT)
    try:
        def get():
            request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/regions/?code=421202",
                                             headers={"Authorization": f"Token {key}", "Host": "127.0.0.1"})
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    return response.status
            except urllib.error.HTTPError as error:
                return error.code
            except OSError:
                return None
        assert wait_until(get, 30) == 200, (tmp_path / "gunicorn.log").read_text()
        with postgres.cursor() as cursor:  # the web worker's connection: every other backend of the test database
            cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = current_database() AND pid <> pg_backend_pid()")
            assert cursor.fetchall(), "the web worker kept no connection to terminate"
        assert [get() for _ in range(3)] == [200, 200, 200], (tmp_path / "gunicorn.log").read_text()[-3000:]
    finally:
        web.terminate()
        web.wait(20)


@pytest.fixture
def kept(postgres):
    """A second connection of the test's database with the production settings' health checks, as a web
    worker keeps it between requests."""
    from django.db import connections

    wrapper = connections.create_connection("default")
    wrapper.settings_dict = {**wrapper.settings_dict, "CONN_MAX_AGE": 600, "CONN_HEALTH_CHECKS": True}
    wrapper.ensure_connection()
    sent = []
    usable = wrapper.is_usable
    wrapper.is_usable = lambda: sent.append("SELECT 1") or usable()
    yield wrapper, sent
    wrapper.close()


def next_request(wrapper):
    wrapper.health_check_done = False  # what Django's request_finished does (close_if_unusable_or_obsolete)
    wrapper.close_if_health_check_failed()


def test_a_connection_in_good_order_is_checked_without_a_round_trip(kept):
    wrapper, sent = kept
    for _ in range(3):
        next_request(wrapper)
        with wrapper.cursor() as cursor:
            cursor.execute("SELECT 2")
            assert cursor.fetchone() == (2,)
    assert sent == [] and wrapper.connection is not None


def test_a_connection_the_server_ended_is_replaced_before_the_request_uses_it(kept, postgres):
    wrapper, sent = kept
    next_request(wrapper)
    pid = wrapper.connection.get_backend_pid()
    with postgres.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    assert wait_until(wrapper._server_has_spoken, 10), "the server's farewell never reached the socket"
    next_request(wrapper)
    assert sent == ["SELECT 1"] and wrapper.connection is None
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid


def test_a_connection_idle_for_a_while_is_checked_by_a_round_trip(kept, monkeypatch):
    from core.db.postgresql import base

    wrapper, sent = kept
    next_request(wrapper)
    monkeypatch.setattr(base, "QUIET_SECONDS", 0.0)
    next_request(wrapper)
    assert sent == ["SELECT 1"] and wrapper.connection is not None
