"""The parts of `make bench` that need no dataset: wrk against a real local server, and the side-by-side table."""
import http.server
import os
import subprocess
import sys
import threading

import pytest

from benchmarks import api_load, report


@pytest.fixture
def http_server():
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            status = 200 if self.headers.get("Authorization") == "Token k" else 401
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


def test_wrk_load_reports_rate_latency_and_refused_requests(http_server):
    good = api_load.load(http_server, api_load.token_headers("k"), seconds=1, connections=2)
    assert good["rps"] > 0 and 0 < good["p50_ms"] <= good["p99_ms"] and good["non_2xx"] == 0

    refused = api_load.load(http_server, api_load.token_headers("wrong"), seconds=1, connections=2)
    assert refused["non_2xx"] > 0


def test_load_reports_the_cpu_per_request_of_the_processes_it_watches(http_server):
    """The server answers from a thread of this process: its CPU is what wrk's requests cost it."""
    measured = api_load.load(http_server, api_load.token_headers("k"), seconds=1, connections=2,
                             watched={"server": lambda: [os.getpid()], "nobody here": list})
    assert measured["requests"] > 0 and 0 < measured["cpu_ms:server"] < 1000
    assert measured["cpu_ms:nobody here"] is None  # e.g. PostgreSQL on another machine: unknown, not 0
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert child.pid in api_load.server_processes(os.getpid())["gunicorn"]()  # a master's children are found
    finally:
        child.kill()
        child.wait()


def test_table_puts_the_sizes_side_by_side():
    results = {
        "machine": {"date": "2026-12-01", "cpu": "Test CPU", "cores": 2, "python": "3.11"},
        "sizes": {
            "10,000 tasks": {"pages": {"overview: p95 (ms)": 12.25, "overview: SQL queries": 9}},
            "100,000 tasks": {"pages": {"overview: p95 (ms)": 14.0, "overview: SQL queries": 9}},
        },
    }
    table = report.markdown(results)
    assert "| section | figure | 10,000 tasks | 100,000 tasks |" in table
    assert "| pages | overview: p95 (ms) | 12.2 | 14.0 |" in table
    assert "| pages | overview: SQL queries | 9 | 9 |" in table
    assert "Test CPU (2 cores)" in table and "2026-12-01" in table


def test_a_failed_section_keeps_the_others_and_exits_non_zero(tmp_path, monkeypatch, capsys):
    """The runner itself, with sections that answer at once: the real ones need datasets of PostgreSQL."""
    import subprocess

    from benchmarks import __main__ as bench
    from benchmarks import datasets

    monkeypatch.setattr(datasets, "prepare", lambda url, tasks, log: datasets.Dataset(tasks=tasks, url=url, seed_s=1.5))
    monkeypatch.setattr(datasets, "manage", lambda *args, **kwargs: "")
    monkeypatch.setattr(bench, "inprocess", lambda *args: {})

    def ingest_fails(dataset, options, log):
        raise subprocess.CalledProcessError(1, ["manage.py", "bench_ingest"], stderr="Traceback …\nCommandError: 语料中没有 .txt 文章 | x")

    monkeypatch.setattr(bench, "SECTIONS", [("rates", lambda d, o, log: {"full recompute (s)": 2.5}), ("ingest", ingest_fails),
                                            ("pages", lambda d, o, log: {"overview: p50 (ms)": 12.0})])
    output = tmp_path / "BENCHMARKS.md"
    with pytest.raises(SystemExit) as exited:
        bench.main(["--sizes", "10000", "--output", str(output)])
    assert exited.value.code == 1
    table = output.read_text(encoding="utf-8")
    assert "| rates | full recompute (s) | 2.5 |" in table and "| pages | overview: p50 (ms) | 12.0 |" in table
    assert "| ingest | error | CalledProcessError: " in table and "CommandError: 语料中没有 .txt 文章 \\| x |" in table
    assert "a section failed" in capsys.readouterr().err


def test_with_a_checkout_before_the_api_load_runs_in_turns_and_gives_medians(tmp_path, monkeypatch):
    """`--before`: every section per checkout, then the API load three times per checkout, the checkouts in turn
    (a slower spell of a shared machine falls on both columns); each figure the median of its runs, errors summed."""
    from benchmarks import __main__ as bench
    from benchmarks import datasets

    before = tmp_path / "before"
    (before / ".venv" / "bin").mkdir(parents=True)
    (before / "manage.py").write_text("")
    (before / ".venv" / "bin" / "python").write_text("")
    monkeypatch.setattr(datasets, "prepare", lambda url, tasks, log: datasets.Dataset(tasks=tasks, url=url))
    monkeypatch.setattr(datasets, "manage", lambda *args, **kwargs: "")
    monkeypatch.setattr(bench, "inprocess", lambda *args: {})
    order, rates = [], iter([300.0, 400.0, 900.0, 410.0, 310.0, 420.0])

    def api(dataset, options, log):
        order.append("before" if dataset.root == before else "after")
        return {"tasks: req/s": next(rates), "tasks: errors": len(order) == 4, "tasks: CPU, PostgreSQL (ms)": None}

    monkeypatch.setattr(bench, "SECTIONS", [("rates", lambda d, o, log: {"full recompute (s)": 2.5}), ("api", api),
                                            ("ingest", lambda d, o, log: {"articles per second": 70.0})])
    output = tmp_path / "BENCHMARKS.md"
    bench.main(["--sizes", "10000", "--output", str(output), "--before", str(before)])
    assert order == ["before", "after"] * 3
    table = output.read_text(encoding="utf-8")
    assert "| api | tasks: req/s | 310.0 | 410.0 |" in table  # medians of 300/900/310 and 400/410/420
    assert "| api | tasks: errors | 0 | 1 |" in table and "| api | runs (median of) | 3 | 3 |" in table
    assert table.index("| rates |") < table.index("| api |") < table.index("| ingest |")


def test_notes_below_the_table_are_kept(tmp_path):
    path = tmp_path / "BENCHMARKS.md"
    assert report.notes_of(path) == ""
    path.write_text(f"# Benchmarks\n| old table |\n\n{report.NOTES}\n## Profiles\ntext\n", encoding="utf-8")
    assert report.notes_of(path) == f"\n{report.NOTES}\n## Profiles\ntext\n"


@pytest.mark.django_db(transaction=True)
def test_the_load_test_logs_in_through_the_login_page(live_server, settings, xianan):
    import urllib.request

    from accounts.roles import Role
    from tests.factories import make_user

    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False  # plain HTTP, as `make bench` runs gunicorn
    admin = make_user("bench-admin", role=Role.REGION_ADMIN, region=xianan)
    admin.set_password("bench-password")
    admin.save()
    headers = api_load.login(live_server.url, "bench-admin", "bench-password")
    with urllib.request.urlopen(urllib.request.Request(f"{live_server.url}/", headers=headers)) as page:
        assert page.status == 200 and page.url == f"{live_server.url}/"  # the overview, not the login page
    with pytest.raises(SystemExit):
        api_load.login(live_server.url, "bench-admin", "wrong-password")
