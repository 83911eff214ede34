"""The production-shaped stack described by docker-compose.yml hangs together."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SETTINGS = (ROOT / "backend" / "settings.py").read_text()


def test_compose_describes_database_web_object_store_and_scheduler():
    services = COMPOSE["services"]
    assert {"db", "web", "minio", "minio-init", "scheduler"} <= set(services)
    assert services["db"]["image"].startswith("postgis/postgis:15")
    assert services["web"]["build"] == "." and (ROOT / "Dockerfile").exists()
    assert "migrate" in services["web"]["command"] and "collectstatic" in services["web"]["command"]
    assert "gunicorn" in services["web"]["command"]
    assert "scan_deadlines" in services["scheduler"]["command"]
    assert "mc mb" in services["minio-init"]["entrypoint"]


def test_every_dependency_names_a_service():
    services = COMPOSE["services"]
    for name, service in services.items():
        for needed in service.get("depends_on", {}):
            assert needed in services, f"{name} depends on unknown service {needed}"


def test_management_commands_that_compose_runs_exist():
    commands = get_commands()
    text = (ROOT / "docker-compose.yml").read_text()
    for name in re.findall(r"manage\.py (\w+)", text):
        assert name in commands, name


def test_the_app_reads_every_variable_compose_sets():
    env = COMPOSE["services"]["web"]["environment"]
    for name in env:
        assert f'"{name}"' in SETTINGS, f"{name} is set by compose but never read"
