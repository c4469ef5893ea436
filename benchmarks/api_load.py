"""Requests per second and latency under load: gunicorn on 127.0.0.1, wrk as the client (16 connections).

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
from contextlib import contextmanager

from benchmarks.datasets import Dataset, manage
from benchmarks.inprocess import BENCH_ADMIN, BENCH_API_CLIENT, BENCH_PASSWORD

PORT = 8765
# The production settings of README's "Production" section, over plain HTTP on the loopback.
GUNICORN_ARGS = ["--workers", "4", "--worker-class", "sync", "--bind", f"127.0.0.1:{PORT}", "--log-level", "warning"]
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
        yield f"http://127.0.0.1:{PORT}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def parse_wrk(output: str) -> dict:
    def ms(value, unit):
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    latencies = {p: ms(v, u) for p, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)}
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {"rps": rps, "p50_ms": latencies.get("50"), "p99_ms": latencies.get("99"),
            "non_2xx": int(errors.group(1)) if errors else 0}


def load(url: str, headers: dict[str, str], seconds: int, connections: int = 16) -> dict:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    header_args = [arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}")]
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", *header_args, url],
        check=True, capture_output=True, text=True, timeout=seconds + 60,
    ).stdout
    return parse_wrk(output)


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


def measure_each(base: str, endpoints: dict[str, str], headers: dict[str, str], seconds: int) -> dict:
    results = {}
    for name, path in endpoints.items():
        load(base + path, headers, 2)  # warm the workers' connections and caches
        results[name] = load(base + path, headers, seconds)
    return results


def measure(dataset: Dataset, endpoints: dict[str, str], uncached: dict[str, str], pages: dict[str, str],
            seconds: int) -> dict:
    """`endpoints` with a token, `uncached` with a token and the rates cache off, `pages` as the region admin."""
    token = manage(dataset, "issue_token", "--user", BENCH_API_CLIENT, "--name", "make bench", capture=True).split()[-1]
    with gunicorn(dataset) as base:
        results = measure_each(base, endpoints, token_headers(token), seconds)
        results.update(measure_each(base, pages, login(base, BENCH_ADMIN, BENCH_PASSWORD), seconds))
    with gunicorn(dataset, RATES_CACHE_SECONDS="0") as base:
        results.update(measure_each(base, uncached, token_headers(token), seconds))
    return results
