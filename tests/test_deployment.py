"""The production-shaped stack described by docker-compose.yml hangs together."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from django.core.management import get_commands, load_command_class

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_TEXT = (ROOT / "docker-compose.yml").read_text()
COMPOSE = yaml.safe_load(COMPOSE_TEXT)
SERVICES = COMPOSE["services"]
SETTINGS = (ROOT / "backend" / "settings.py").read_text()
APP_IMAGE = "ttxd-web:latest"
RUNTIME_ROLE = "ttxd_app"


def app_services() -> dict[str, Any]:
    """The services that run the application's image."""
    return {name: s for name, s in SERVICES.items() if s.get("image") == APP_IMAGE}


def database_url(service: str) -> Any:
    """The service's DATABASE_URL, each ${VAR…} of compose written as <VAR>."""
    raw = SERVICES[service]["environment"]["DATABASE_URL"]
    return urlsplit(re.sub(r"\$\{(\w+)[^}]*\}", r"<\1>", raw))


def manage_calls(command: str) -> list[list[str]]:
    """Each `python manage.py NAME ARGS…` of a service's shell command, as argument lists."""
    calls = []
    for part in re.split(r"&&|;", command):
        words = shlex.split(part.replace('sh -c "', "").replace('"', " "))
        if "manage.py" in words:
            calls.append(words[words.index("manage.py") + 1 :])
    return calls


def test_compose_describes_database_migrations_web_object_store_and_scheduler() -> None:
    assert {"db", "migrate", "web", "minio", "minio-init", "scheduler"} <= set(SERVICES)
    assert SERVICES["db"]["image"].startswith("postgis/postgis:15")
    assert SERVICES["web"]["build"] == "." and (ROOT / "Dockerfile").exists()
    assert set(app_services()) == {"migrate", "web", "scheduler"}
    assert "gunicorn" in SERVICES["web"]["command"]
    assert "scan_deadlines" in SERVICES["scheduler"]["command"]
    assert "mc mb" in SERVICES["minio-init"]["entrypoint"]
    # Static files are collected in the image at build time.
    assert "collectstatic" in (ROOT / "Dockerfile").read_text()


def test_only_the_one_shot_migrate_service_migrates_and_it_grants_the_runtime_role() -> None:
    calls = manage_calls(SERVICES["migrate"]["command"])
    assert [call[0] for call in calls] == ["migrate", "grant_runtime_role"]
    grant = calls[1]
    parser = load_command_class("backend.audit", "grant_runtime_role").create_parser(
        "manage.py", "grant_runtime_role"
    )
    options = parser.parse_args(grant[1:])
    assert options.name == RUNTIME_ROLE and options.login
    assert options.password_env == "TTXD_APP_DB_PASSWORD"
    assert options.password_env in SERVICES["migrate"]["environment"]
    assert SERVICES["migrate"].get("restart") == "no"
    for name in ("web", "scheduler"):
        ran = [call[0] for call in manage_calls(SERVICES[name]["command"])]
        assert "migrate" not in ran and "grant_runtime_role" not in ran, name


def test_web_and_scheduler_connect_as_the_runtime_role_after_migrate_succeeded() -> None:
    owner = SERVICES["db"]["environment"]["POSTGRES_USER"]
    assert database_url("migrate").username == owner
    assert owner != RUNTIME_ROLE
    for name in ("web", "scheduler"):
        url = database_url(name)
        assert url.username == RUNTIME_ROLE, name
        # The same password migrate gives the role.
        assert url.password == "<TTXD_APP_DB_PASSWORD>", name
        assert (url.hostname, url.path) == ("db", "/ttxd")
        assert SERVICES[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }
        # The owner's password is nowhere in their environment.
        assert not any(
            "POSTGRES_PASSWORD" in str(value) for value in SERVICES[name]["environment"].values()
        ), name
    assert database_url("migrate").password == "<POSTGRES_PASSWORD>"


def test_every_dependency_names_a_service() -> None:
    for name, service in SERVICES.items():
        for needed in service.get("depends_on", {}):
            assert needed in SERVICES, f"{name} depends on unknown service {needed}"
            assert needed != name


def test_management_commands_that_compose_runs_exist() -> None:
    commands = get_commands()
    names = re.findall(r"manage\.py (\w+)", COMPOSE_TEXT)
    assert {"migrate", "grant_runtime_role", "scan_deadlines"} <= set(names)
    for name in names:
        assert name in commands, name


def test_the_app_reads_every_variable_compose_sets() -> None:
    for service_name, service in app_services().items():
        # A variable is read by settings, or named to a command (--password-env VAR).
        named_to_commands = {
            call[call.index("--password-env") + 1]
            for call in manage_calls(service.get("command", ""))
            if "--password-env" in call
        }
        for name in service["environment"]:
            assert f'"{name}"' in SETTINGS or name in named_to_commands, (
                f"{service_name}: {name} is set by compose but never read"
            )


def test_env_example_sets_every_variable_compose_requires() -> None:
    required = set(re.findall(r"\$\{(\w+):\?", COMPOSE_TEXT))
    assert {"POSTGRES_PASSWORD", "TTXD_APP_DB_PASSWORD", "DJANGO_SECRET_KEY"} <= required
    example = {
        line.split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    }
    assert required <= example, required - example
