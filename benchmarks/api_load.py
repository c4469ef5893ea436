"""Requests per second and latency of API endpoints under load: gunicorn on 127.0.0.1, wrk as the client."""
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager

from benchmarks.datasets import ROOT, Dataset, manage
from benchmarks.inprocess import BENCH_API_CLIENT

PORT = 8765
# The production settings of README's "Production" section, over plain HTTP on the loopback.
GUNICORN_ARGS = ["--workers", "4", "--worker-class", "sync", "--bind", f"127.0.0.1:{PORT}", "--log-level", "warning"]
# Production runs with Redis (Celery and the cache of rates answers); the benchmark uses REDIS_URL, else this.
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


@contextmanager
def gunicorn(dataset: Dataset):
    env = dataset.env(DEBUG="0", ALLOWED_HOSTS="127.0.0.1", SECURE_SSL_REDIRECT="0", SECURE_COOKIES="0",
                      REDIS_URL=os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL)
    # Cached answers of another dataset (the same Redis serves every size) must not be served for this one.
    bumped = subprocess.run([sys.executable, "manage.py", "shell", "-v0", "-c",
                             "from rectification.rates import snapshot_version_bump; snapshot_version_bump()"],
                            cwd=ROOT, env=env, capture_output=True, text=True)
    if bumped.returncode:
        raise SystemExit(f"the API benchmark runs gunicorn as in production, with Redis at {env['REDIS_URL']} "
                         f"(set REDIS_URL): {bumped.stderr.strip().splitlines()[-1]}")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", *GUNICORN_ARGS], cwd=ROOT, env=env
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


def load(url: str, token: str, seconds: int, connections: int = 16) -> dict:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-H", f"Authorization: Token {token}", url],
        check=True, capture_output=True, text=True, timeout=seconds + 60,
    ).stdout
    return parse_wrk(output)


def measure(dataset: Dataset, endpoints: dict[str, str], seconds: int) -> dict:
    token = manage(dataset, "issue_token", "--user", BENCH_API_CLIENT, "--name", "make bench", capture=True).split()[-1]
    results = {}
    with gunicorn(dataset) as base:
        for name, path in endpoints.items():
            load(base + path, token, 2)  # warm the workers' connections and caches
            results[name] = load(base + path, token, seconds)
    return results
