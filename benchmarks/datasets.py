"""One PostgreSQL database per dataset size, built once with seed_demo and reused afterwards."""
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import dj_database_url
import psycopg2

ROOT = Path(__file__).resolve().parents[1]
SEED = 2026


@dataclass
class Dataset:
    tasks: int
    url: str
    seed_s: float | None = None  # None when reused
    root: Path = ROOT  # the checkout measured on it (`--before` measures another one on the same data)
    python: str = sys.executable

    @property
    def label(self) -> str:
        return f"{self.tasks:,}"

    def env(self, **extra) -> dict:
        env = {**os.environ, "DATABASE_URL": self.url, "DJANGO_SETTINGS_MODULE": "config.settings"}
        env.setdefault("SECRET_KEY", "benchmark-only-secret-key")
        env.update(extra)
        return env


def manage(dataset: Dataset, *args, capture=False, **env) -> str:
    result = subprocess.run(
        [dataset.python, "manage.py", *args], cwd=dataset.root, env=dataset.env(**env), check=True,
        capture_output=capture, text=True,
    )
    return result.stdout if capture else ""


def database_url_for(base_url: str, tasks: int) -> str:
    config = dj_database_url.parse(base_url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        raise SystemExit("make bench runs on PostgreSQL: set DATABASE_URL=postgres://…")
    return base_url.rsplit("/", 1)[0] + f"/{config['NAME']}_bench_{tasks}"


def connect(url: str, dbname: str | None = None):
    config = dj_database_url.parse(url)
    return psycopg2.connect(
        dbname=dbname or config["NAME"], user=config["USER"], password=config["PASSWORD"] or None,
        host=config["HOST"] or None, port=config["PORT"] or None,
    )


def ensure_database(url: str):
    name = dj_database_url.parse(url)["NAME"]
    connection = connect(url, dbname="postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def task_count(url: str) -> int:
    connection = connect(url)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM rectification_rectificationtask")
            return cursor.fetchone()[0]
    except psycopg2.Error:
        return -1
    finally:
        connection.close()


SEED_COMMENT = "seed_demo seconds: "


def record_seed_time(url: str, seconds: float):
    """Kept as the database's comment, so a reused dataset still reports how long it took to build."""
    connection = connect(url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        name = dj_database_url.parse(url)["NAME"]
        cursor.execute(f'COMMENT ON DATABASE "{name}" IS %s', [f"{SEED_COMMENT}{seconds:.1f}"])
    connection.close()


def recorded_seed_time(url: str) -> float | None:
    connection = connect(url)
    with connection.cursor() as cursor:
        cursor.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = current_database()")
        comment = cursor.fetchone()[0] or ""
    connection.close()
    return float(comment[len(SEED_COMMENT):]) if comment.startswith(SEED_COMMENT) else None


def prepare(base_url: str, tasks: int, log=print) -> Dataset:
    """Migrate, and seed unless the database already holds exactly `tasks` tasks."""
    dataset = Dataset(tasks=tasks, url=database_url_for(base_url, tasks))
    ensure_database(dataset.url)
    manage(dataset, "migrate", "--noinput", "-v0")
    if task_count(dataset.url) == tasks:
        log(f"[{dataset.label}] reusing {dataset.url.rsplit('/', 1)[1]}")
        dataset.seed_s = recorded_seed_time(dataset.url)
        return dataset
    log(f"[{dataset.label}] seeding {tasks:,} tasks …")
    started = time.perf_counter()
    manage(dataset, "seed_demo", "--tasks", str(tasks), "--seed", str(SEED), "--reset", capture=True)
    dataset.seed_s = time.perf_counter() - started
    record_seed_time(dataset.url, dataset.seed_s)
    manage(dataset, "shell", "-c", "from django.db import connection; connection.cursor().execute('VACUUM ANALYZE')")
    return dataset
