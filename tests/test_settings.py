"""Settings come from the environment; run in a fresh interpreter so each case starts clean."""
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROBE = (
    "import json, django; from django.conf import settings; django.setup();"
    "db = settings.DATABASES['default'];"
    "print(json.dumps({'engine': db['ENGINE'], 'name': str(db['NAME']), 'debug': settings.DEBUG,"
    " 'eager': settings.CELERY_TASK_ALWAYS_EAGER, 'broker': settings.CELERY_BROKER_URL,"
    " 'hosts': settings.ALLOWED_HOSTS, 'lang': settings.LANGUAGE_CODE, 'tz': settings.TIME_ZONE, 'use_tz': settings.USE_TZ}))"
)


def probe(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"}}
    clean.update(env, DJANGO_SETTINGS_MODULE="config.settings")
    return subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=clean, capture_output=True, text=True)


def test_embedded_defaults_are_sqlite_and_eager_celery():
    result = probe(DEBUG="1")
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.sqlite3" and values["name"].endswith("db.sqlite3")
    assert values["eager"] is True and values["broker"] == "memory://"
    assert (values["lang"], values["tz"], values["use_tz"]) == ("zh-hans", "Asia/Shanghai", True)


def test_environment_chooses_postgres_redis_and_hosts():
    result = probe(SECRET_KEY="k" * 50, DATABASE_URL="postgres://u:p@db.example:5432/xc",
                   REDIS_URL="redis://cache:6379/1", ALLOWED_HOSTS="a.example,b.example")
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.postgresql" and values["name"] == "xc"
    assert values["eager"] is False and values["broker"] == "redis://cache:6379/1"
    assert values["hosts"] == ["a.example", "b.example"] and values["debug"] is False


def test_secret_key_is_required_when_debug_is_off():
    result = probe(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


HEALTH_PROBE = (
    "import json, django; from django.conf import settings; django.setup();"
    "from django.test import Client; c = Client();"
    "h = c.get('/healthz'); p = c.get('/accounts/login/');"
    "db = settings.DATABASES['default']; t = settings.CELERY_BROKER_TRANSPORT_OPTIONS;"
    "from rectification.rates.pending import _redis_client; k = _redis_client(settings.REDIS_URL).connection_pool.connection_kwargs;"
    "print(json.dumps({'health': h.status_code, 'login': p.status_code, 'checks': db['CONN_HEALTH_CHECKS'],"
    " 'broker': [t['socket_connect_timeout'], t['socket_timeout']],"
    " 'results': [settings.CELERY_REDIS_SOCKET_CONNECT_TIMEOUT, settings.CELERY_REDIS_SOCKET_TIMEOUT],"
    " 'cache': settings.CACHES['default']['OPTIONS'], 'pending': [k['socket_connect_timeout'], k['socket_timeout']]}))"
)


def test_production_health_check_answers_over_plain_http_and_every_redis_client_times_out():
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG", "SECURE_SSL_REDIRECT"}}
    clean.update(DJANGO_SETTINGS_MODULE="config.settings", SECRET_KEY="k" * 50, ALLOWED_HOSTS="testserver",
                 REDIS_URL="redis://127.0.0.1:1/0")
    result = subprocess.run([sys.executable, "-c", HEALTH_PROBE], cwd=ROOT, env=clean, capture_output=True, text=True)
    values = json.loads(result.stdout)
    # The container's health check is plain HTTP from inside: an answer, not the HTTPS redirect pages get.
    assert values["health"] == 200 and values["login"] == 301
    assert values["checks"] is True
    for connect, read in (values["broker"], values["results"], values["pending"],
                          (values["cache"]["socket_connect_timeout"], values["cache"]["socket_timeout"])):
        assert 0 < connect <= 2 and 0 < read <= 5
