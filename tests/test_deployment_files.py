"""Docker cannot run here, so the compose file is checked against the code it names."""
import importlib
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_compose_services_name_modules_and_commands_that_exist():
    from django.core.management import get_commands

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)
    for name in ("postgres", "redis", "web", "worker", "beat"):
        assert "healthcheck" in services[name], name
    for name in ("web", "worker", "beat"):
        assert services[name]["restart"] in ("always", "unless-stopped"), name
    commands = get_commands()
    for name in ("web", "worker", "beat"):
        command = services[name]["command"]
        for module in re.findall(r"([\w.]+):application", command):
            assert hasattr(importlib.import_module(module), "application"), module
        for app in re.findall(r"celery -A (\w+)", command):
            assert hasattr(importlib.import_module(app), "celery_app"), app
        for management_command in re.findall(r"manage\.py (\w+)", command):
            assert management_command in commands, management_command
        assert services[name]["environment"]["DATABASE_URL"].startswith("postgres://")
    assert "migrate" in services["web"]["command"]


def test_dockerfile_copies_every_app():
    dockerfile = (ROOT / "Dockerfile").read_text()
    for app in ("config", "accounts", "inspection", "rectification", "ingest"):
        assert f"COPY {app} " in dockerfile
