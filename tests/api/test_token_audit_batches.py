"""Token use is audited off the request path (accounts.audit.token_use_log), against a real gunicorn with the
project's gunicorn.conf.py on the test's PostgreSQL database: every use is written within the interval while
the server runs, and what gathered since the last batch is written when a worker stops."""
import subprocess
import sys
import urllib.request

from accounts.choices import AuditAction
from accounts.models import AuditEvent
from api.services import token_issue
from tests.factories import make_user
from tests.faults.conftest import ROOT, app_env, free_port, postgres, wait_until  # noqa: F401 (postgres: fixture)

PATH = "/api/v1/regions/?code=421202"


def start_gunicorn(tmp_path, flush_seconds: str):
    port = free_port()
    log = (tmp_path / f"gunicorn-{port}.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=ROOT, env=app_env("", AUDIT_FLUSH_SECONDS=flush_seconds), stdout=log, stderr=subprocess.STDOUT)
    return process, port


def get(port, key) -> int | None:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{PATH}",
                                     headers={"Authorization": f"Token {key}", "Host": "127.0.0.1"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except OSError:
        return None


def uses(token) -> int:
    return AuditEvent.objects.filter(action=AuditAction.API_TOKEN, details__token=token.pk).count()


def test_every_token_use_is_written_in_batches_and_at_shutdown(postgres, regions, tmp_path):  # noqa: F811
    from accounts.roles import Role

    user = make_user("audit-viewer", role=Role.VIEWER, region=regions.get(code="421202"))
    token, key = token_issue(user=user, name="审计批量测试")

    # Written every second while the server runs.
    process, port = start_gunicorn(tmp_path, "1")
    try:
        assert wait_until(lambda: get(port, key) == 200, 30), "gunicorn did not answer"
        assert [get(port, key) for _ in range(40)] == [200] * 40
        assert wait_until(lambda: uses(token) == 41, 10), f"{uses(token)} of 41 uses written"
    finally:
        process.terminate()
        process.wait(30)

    # A batch not yet due when the workers stop is written as they go.
    process, port = start_gunicorn(tmp_path, "600")
    try:
        assert wait_until(lambda: get(port, key) == 200, 30), "gunicorn did not answer"
        assert [get(port, key) for _ in range(25)] == [200] * 25
        assert uses(token) == 41  # held in the workers: not written in the requests
    finally:
        process.terminate()
        process.wait(30)
    assert uses(token) == 41 + 26
    event = AuditEvent.objects.filter(action=AuditAction.API_TOKEN, details__token=token.pk).latest("at")
    assert event.user == user and event.region_id == user.region_id and event.ip == "127.0.0.1"
    assert event.details == {"token": token.pk, "method": "GET", "path": "/api/v1/regions/"}
