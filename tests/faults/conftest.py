"""Fault tests: a Redis server, a Celery worker and a gunicorn of the test's own, on loopback ports.

Each test is bounded in time. Without the redis-server binary or PostgreSQL (the worker and gunicorn must share
the test's database) they skip with the reason; under CI=true they fail instead, so CI never passes by skipping.
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def unavailable(reason: str):
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI: {reason}")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition, timeout: float, step: float = 0.2):
    """Poll `condition` until it returns something true; that value, or None after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    return None


class RedisServer:
    """A redis-server on its own loopback port, without persistence: stopping it loses everything in it."""

    def __init__(self, binary: str, log: Path):
        self.binary, self.port, self.log, self.process = binary, free_port(), log, None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "no"], stdout=self.log.open("a"), stderr=subprocess.STDOUT)
        assert wait_until(self.answers, 10), "redis-server did not start"

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(7) == b"+PONG\r\n"
        except OSError:
            return False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
            self.process.wait(10)

    def freeze(self):
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self):
        self.process.send_signal(signal.SIGCONT)


@pytest.fixture
def redis_server(tmp_path):
    binary = shutil.which("redis-server")
    if binary is None:
        unavailable("needs the redis-server binary (apt-get install redis-server) to run a Redis of its own")
    server = RedisServer(binary, tmp_path / "redis.log")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def postgres(transactional_db):
    from django.db import connection

    if connection.vendor != "postgresql":
        unavailable("needs PostgreSQL (DATABASE_URL): the worker and the web process share the test's database")
    return connection


def database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def app_env(redis_url: str, **extra) -> dict:
    """The environment of a worker or gunicorn of the test: production settings on the test's database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "PYTEST"))}
    env.update(DATABASE_URL=database_url(), REDIS_URL=redis_url, SECRET_KEY="fault-test-secret-key-" + "x" * 30,
               DEBUG="0", SECURE_SSL_REDIRECT="0", SECURE_COOKIES="0", ALLOWED_HOSTS="127.0.0.1",
               DJANGO_SETTINGS_MODULE="config.settings", **extra)
    return env


class Worker:
    """`celery worker` (prefork, one pool child) in a subprocess."""

    def __init__(self, env: dict, log: Path):
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-P", "prefork", "-c", "1", "-l", "info",
             "--without-mingle", "--without-gossip", "--without-heartbeat", "-n", f"fault{os.getpid()}@%h"],
            cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
        assert wait_until(lambda: " ready." in self.output() or self.process.poll() is not None, 90), self.output()
        assert self.alive(), self.output()

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def alive(self) -> bool:
        return self.process.poll() is None

    def children(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()] if path.exists() else []

    def stop(self):
        if self.alive():
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


@pytest.fixture
def broker(redis_server, settings, monkeypatch):
    """This process sends to (and keeps its pending-scope flag in) the test's own Redis."""
    from config.celery import app

    settings.REDIS_URL = redis_server.url
    settings.RATES_DEBOUNCE_SECONDS = 1
    monkeypatch.setattr(app, "_pool", None)  # the usual pool is put back, open, afterwards
    monkeypatch.setattr(app.amqp, "_producer_pool", None)
    monkeypatch.setitem(app.conf, "broker_url", redis_server.url)
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    yield redis_server
    app.pool.force_close_all()


@pytest.fixture
def start_worker(postgres, tmp_path):
    """Start a worker of the test's own (`start_worker(redis_url)`); stopped at the end."""
    workers = []

    def start(redis_url: str, **env) -> Worker:
        workers.append(Worker(app_env(redis_url, RATES_DEBOUNCE_SECONDS="1", **env), tmp_path / f"worker{len(workers)}.log"))
        return workers[-1]

    yield start
    for worker in workers:
        worker.stop()
