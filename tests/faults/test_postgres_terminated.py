"""PostgreSQL ends the web process's connection (restart, failover, pg_terminate_backend): the next request
succeeds, because CONN_HEALTH_CHECKS replaces a dead persistent connection before the request uses it."""
import subprocess
import sys
import urllib.request

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
