"""Requests per second and latency under load: gunicorn on 127.0.0.1, wrk as the client (16 connections), and
the CPU time per request of gunicorn's processes and of PostgreSQL's (when it runs on this machine).

API endpoints with a token; the rates endpoint a second time against a gunicorn with the rates cache off
(`RATES_CACHE_SECONDS=0`: every request builds its answer); pages with the session cookie of a region admin
who logged in once through the login page.
"""
import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from contextlib import contextmanager

from benchmarks.datasets import Dataset, manage
from benchmarks.inprocess import BENCH_ADMIN, BENCH_API_CLIENT, BENCH_PASSWORD

PORT = 8765
# The production settings of README's "Production" section, over plain HTTP on the loopback.
GUNICORN_ARGS = ["--workers", "3", "--worker-class", "sync", "--bind", f"127.0.0.1:{PORT}", "--log-level", "warning"]
# Production runs with Redis (Celery and the cache of rates answers); the benchmark uses REDIS_URL, else this.
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


@contextmanager
def gunicorn(dataset: Dataset, **settings):
    """gunicorn of the dataset's checkout (its gunicorn.conf.py, if any, as in production), with `settings`."""
    env = dataset.env(DEBUG="0", ALLOWED_HOSTS="127.0.0.1", SECURE_SSL_REDIRECT="0", SECURE_COOKIES="0",
                      REDIS_URL=os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL, **settings)
    # Cached answers and pages of another dataset (the same Redis serves every size) must not be served for this
    # one. (A checkout from before the live version has no core.versioned_cache: only its snapshot version.)
    bump = ("from rectification.rates import snapshot_version_bump; snapshot_version_bump()\n"
            "try:\n    from core.versioned_cache import LIVE_VERSION_KEY, version_bump\n"
            "except ImportError:\n    pass\nelse:\n    version_bump(LIVE_VERSION_KEY)")
    bumped = subprocess.run([dataset.python, "manage.py", "shell", "-v0", "-c", bump],
                            cwd=dataset.root, env=env, capture_output=True, text=True)
    if bumped.returncode:
        raise SystemExit(f"the API benchmark runs gunicorn as in production, with Redis at {env['REDIS_URL']} "
                         f"(set REDIS_URL): {bumped.stderr.strip().splitlines()[-1]}")
    process = subprocess.Popen(
        [dataset.python, "-m", "gunicorn", "config.wsgi:application", *GUNICORN_ARGS], cwd=dataset.root, env=env
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", PORT), timeout=1).close()
                break
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError("gunicorn did not start")
        yield f"http://127.0.0.1:{PORT}", process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


def cpu_seconds(pids) -> float:
    """User + system CPU time of the processes `pids` so far, with that of their children that have ended (so a
    PostgreSQL backend that ended during a run counts in its postmaster's figure)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime (fields 14–17 of proc(5))
    return total / os.sysconf("SC_CLK_TCK")


def processes(where) -> list[int]:
    """Process ids of this machine for which `where(pid, parent pid, command name)` holds."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    head, tail = stat.read().rsplit(")", 1)
            except OSError:
                continue
            if where(int(entry), int(tail.split()[1]), head.split("(", 1)[1]):
                found.append(int(entry))
    return found


def server_processes(master: int) -> dict[str, Callable[[], list[int]]]:
    """What serves a request, found when a run starts and again when it ends (a backend may start meanwhile):
    gunicorn's master and workers, and every PostgreSQL process of this machine (its background writers too, and
    any other work it does meanwhile: a figure for a quiet machine)."""
    return {"gunicorn": lambda: processes(lambda pid, parent, name: master in (pid, parent)),
            "PostgreSQL": lambda: processes(lambda pid, parent, name: name == "postgres")}


def parse_wrk(output: str) -> dict:
    def ms(value, unit):
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    latencies = {p: ms(v, u) for p, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)}
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    requests = re.search(r"(\d+) requests in", output)
    return {"rps": rps, "p50_ms": latencies.get("50"), "p99_ms": latencies.get("99"),
            "non_2xx": int(errors.group(1)) if errors else 0, "requests": int(requests.group(1)) if requests else 0}


def load(url: str, headers: dict[str, str], seconds: int, connections: int = 16, watched=None) -> dict:
    """wrk's figures; with `watched` ({name: a function giving process ids}), also each group's CPU time per
    request (ms): where the two cores went (a group with no process on this machine has None)."""
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    header_args = [arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}")]
    before = {name: cpu_seconds(find()) for name, find in (watched or {}).items()}
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", *header_args, url],
        check=True, capture_output=True, text=True, timeout=seconds + 60,
    ).stdout
    figures = parse_wrk(output)
    for name, find in (watched or {}).items():
        pids = find()
        used = cpu_seconds(pids) - before[name]
        figures[f"cpu_ms:{name}"] = used * 1000 / figures["requests"] if pids and figures["requests"] else None
    return figures


def token_headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Token {token}"}


def login(base: str, username: str, password: str) -> dict[str, str]:
    """Log in through the login page as a browser does (CSRF cookie and field); the session cookie's header."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/accounts/login/", timeout=30).read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": csrf})
    opener.open(urllib.request.Request(f"{base}/accounts/login/", data=form.encode(),
                                       headers={"Referer": f"{base}/accounts/login/"}), timeout=30)
    session = next((cookie.value for cookie in jar if cookie.name == "sessionid"), None)
    if session is None:
        raise SystemExit(f"{username} could not log in at {base}/accounts/login/")
    return {"Cookie": f"sessionid={session}"}


def measure_each(server, endpoints: dict[str, str], headers: dict[str, str], seconds: int) -> dict:
    base, master = server
    results = {}
    for name, path in endpoints.items():
        load(base + path, headers, 2)  # warm the workers' connections and caches
        results[name] = load(base + path, headers, seconds, watched=server_processes(master))
    return results


def measure(dataset: Dataset, endpoints: dict[str, str], uncached: dict[str, str], pages: dict[str, str],
            seconds: int) -> dict:
    """`endpoints` with a token, `uncached` with a token and the rates cache off, `pages` as the region admin."""
    token = manage(dataset, "issue_token", "--user", BENCH_API_CLIENT, "--name", "make bench", capture=True).split()[-1]
    with gunicorn(dataset) as server:
        results = measure_each(server, endpoints, token_headers(token), seconds)
        results.update(measure_each(server, pages, login(server[0], BENCH_ADMIN, BENCH_PASSWORD), seconds))
    with gunicorn(dataset, RATES_CACHE_SECONDS="0") as server:
        results.update(measure_each(server, uncached, token_headers(token), seconds))
    return results
