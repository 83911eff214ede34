"""The production-shaped stack described by docker-compose.yml hangs together."""

from __future__ import annotations

import json
import os
import re
import secrets
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from django.conf import settings
from django.core.management import get_commands, load_command_class

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_TEXT = (ROOT / "docker-compose.yml").read_text()
COMPOSE = yaml.safe_load(COMPOSE_TEXT)
SERVICES = COMPOSE["services"]
# The settings module and the parts it imports (backend/settings_*.py, environment.py).
SETTINGS = (
    "\n".join(path.read_text() for path in sorted((ROOT / "backend").glob("settings*.py")))
    + (ROOT / "backend" / "environment.py").read_text()
)
APP_IMAGE = "ttxd-web:latest"
RUNTIME_ROLE = "ttxd_app"
DOCKERFILE = (ROOT / "Dockerfile").read_text()
ENV_EXAMPLE_TEXT = (ROOT / ".env.example").read_text()
MINIO_INIT = (ROOT / "deploy" / "minio" / "init.sh").read_text()
GUNICORN_COMMAND = "gunicorn --config deploy/gunicorn.conf.py backend.wsgi:application"


# --- Compose's view of the environment ----------------------------------------
# `docker compose` reads .env and fills ${VAR}, ${VAR:-default}, ${VAR:?error}
# (and their forms without the colon) into the file; $$ is a literal $.
_INTERPOLATION = re.compile(r"\$(?:(\$)|\{(\w+)(?:(:?[-?+])([^}]*))?\}|(\w+))")


class MissingVariable(Exception):
    pass


def interpolate(text: str, variables: dict[str, str]) -> str:
    def expand(match: re.Match[str]) -> str:
        if match.group(1):
            return "$"
        name = match.group(2) or match.group(5)
        operator, argument = match.group(3), match.group(4) or ""
        assert "${" not in argument, "nested interpolation is not supported here"
        value = variables.get(name)
        present, filled = value is not None, bool(value)
        if operator is None:
            return value or ""
        if operator in (":?", "?"):
            if not (filled if operator == ":?" else present):
                raise MissingVariable(f"{name}: {argument}")
            return value or ""
        if operator in (":-", "-"):
            return (value or "") if (filled if operator == ":-" else present) else argument
        return argument if (filled if operator == ":+" else present) else ""

    return _INTERPOLATION.sub(expand, text)


def dotenv(text: str) -> dict[str, str]:
    """KEY=VALUE lines, as compose reads .env (comments and blank lines skipped)."""
    values = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, value = line.partition("=")
        values[name.strip()] = value.strip().strip("'\"")
    return values


def required_variables() -> set[str]:
    return set(re.findall(r"\$\{(\w+):\?", COMPOSE_TEXT))


def operator_env() -> dict[str, str]:
    """.env as an operator makes it: .env.example with each required secret filled in."""
    values = dotenv(ENV_EXAMPLE_TEXT)
    for name in required_variables():
        if not values.get(name):
            values[name] = secrets.token_hex(32)
    return values


def image_env() -> dict[str, str]:
    """The ENV instructions of the Dockerfile."""
    values = {}
    for block in re.findall(r"^ENV ((?:.*\\\n)*.*)$", DOCKERFILE, re.M):
        for word in shlex.split(block.replace("\\\n", " ")):
            name, _, value = word.partition("=")
            values[name] = value
    return values


def container_env(service: str, variables: dict[str, str]) -> dict[str, str]:
    """What a process in the service's container sees: the image's ENV, then compose's."""
    return {
        **image_env(),
        **{
            name: interpolate(str(value), variables)
            for name, value in SERVICES[service]["environment"].items()
        },
    }


def run_in(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run python ARGS… here with exactly `env` (and a PATH to find nothing else)."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**env, "PATH": os.environ["PATH"]},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


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
    assert set(app_services()) == {"migrate", "web", "scheduler", "audit-heads"}
    assert "gunicorn" in SERVICES["web"]["command"]
    assert "run_scheduler" in SERVICES["scheduler"]["command"]
    assert "proxy" in SERVICES and SERVICES["proxy"]["image"].startswith("nginx:")
    assert "mc mb" in MINIO_INIT
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


def test_audit_heads_are_published_daily_by_the_owner_after_a_clean_verification() -> None:
    # The app's role may only read published heads: publishing needs the owner.
    service = SERVICES["audit-heads"]
    assert [call[0] for call in manage_calls(service["command"])] == ["verify_audit"]
    assert "--publish" in manage_calls(service["command"])[0]
    assert "sleep 86400" in service["command"]
    url = database_url("audit-heads")
    owner = SERVICES["db"]["environment"]["POSTGRES_USER"]
    assert (url.username, url.password) == (owner, "<POSTGRES_PASSWORD>")
    assert service["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert "ports" not in service and "expose" not in service


def test_every_dependency_names_a_service() -> None:
    for name, service in SERVICES.items():
        for needed in service.get("depends_on", {}):
            assert needed in SERVICES, f"{name} depends on unknown service {needed}"
            assert needed != name


def test_management_commands_that_compose_runs_exist() -> None:
    commands = get_commands()
    names = re.findall(r"manage\.py (\w+)", COMPOSE_TEXT)
    assert {"migrate", "grant_runtime_role", "run_scheduler"} <= set(names)
    for name in names:
        assert name in commands, name
    # … and so do the jobs the scheduler runs.
    for job in settings.TTXD_SCHEDULED_JOBS.values():
        assert job["command"] in commands, job


# Read by gunicorn's configuration, not by the settings.
GUNICORN_READS = {
    name
    for name in ("GUNICORN_WORKERS", "GUNICORN_THREADS", "GUNICORN_BIND")
    if f'"{name}"' in (ROOT / "deploy" / "gunicorn.conf.py").read_text()
}


def test_the_app_reads_every_variable_compose_sets() -> None:
    for service_name, service in app_services().items():
        # A variable is read by settings, or named to a command (--password-env VAR).
        named_to_commands = {
            call[call.index("--password-env") + 1]
            for call in manage_calls(service.get("command", ""))
            if "--password-env" in call
        }
        for name in service["environment"]:
            if name in GUNICORN_READS:
                continue
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


def test_env_example_ships_no_secret_so_compose_refuses_to_start_until_each_is_set() -> None:
    example = dotenv(ENV_EXAMPLE_TEXT)
    secret_names = {n for n in example if re.search(r"PASSWORD|SECRET", n)}
    assert {
        "POSTGRES_PASSWORD",
        "TTXD_APP_DB_PASSWORD",
        "DJANGO_SECRET_KEY",
        "MINIO_ROOT_PASSWORD",
        "MINIO_APP_SECRET_KEY",
    } <= secret_names
    for name in secret_names:
        assert example[name] == "", f"{name} has a value in .env.example"
        assert name in required_variables(), f"compose starts without {name}"
    try:
        container_env("web", example)
    except MissingVariable:
        pass
    else:
        raise AssertionError("compose would start the web service with .env.example as it is")


def test_check_deploy_finds_nothing_with_the_web_services_environment() -> None:
    result = run_in(
        container_env("web", operator_env()),
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout


def test_check_deploy_warns_when_the_https_settings_are_left_out() -> None:
    # What the web service's settings protect against: the development defaults.
    env = {
        name: value
        for name, value in container_env("web", operator_env()).items()
        if not name.startswith("DJANGO_SECURE_")
    }
    result = run_in(env, "manage.py", "check", "--deploy")
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr, result.stderr


def test_web_service_settings_trust_only_the_proxys_headers_and_the_apps_store_keys() -> None:
    variables = operator_env()
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "o = s.STORAGES['default']['OPTIONS']; print(json.dumps({"
        "'proxy_ssl_header': s.SECURE_PROXY_SSL_HEADER, 'x_forwarded_host': s.USE_X_FORWARDED_HOST,"
        "'proxies': s.TTXD_TRUSTED_PROXY_COUNT, 'hsts': s.SECURE_HSTS_SECONDS,"
        "'cookies': [s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY],"
        "'redirect': s.SECURE_SSL_REDIRECT, 'access_key': o['access_key'],"
        "'secret_key': o['secret_key'], 'bucket': o['bucket_name'], 'hosts': s.ALLOWED_HOSTS}))"
    )
    result = run_in(container_env("web", variables), "-c", script)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["proxy_ssl_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert seen["x_forwarded_host"] is False and seen["proxies"] == 1
    assert seen["hsts"] >= 31536000 and seen["redirect"] is True
    assert seen["cookies"] == [True, True, True]
    # The app's own MinIO user, never the root account.
    assert seen["access_key"] == variables["MINIO_APP_ACCESS_KEY"] != variables["MINIO_ROOT_USER"]
    assert seen["secret_key"] == variables["MINIO_APP_SECRET_KEY"]
    assert seen["secret_key"] != variables["MINIO_ROOT_PASSWORD"]
    assert seen["bucket"] == variables["MINIO_BUCKET"]
    # The health check asks as the site's host, which must be allowed.
    assert urlsplit(variables["TTXD_SITE_URL"]).hostname in seen["hosts"]


def test_no_app_service_holds_the_object_stores_root_keys() -> None:
    for name, service in app_services().items():
        for value in service["environment"].values():
            assert "MINIO_ROOT" not in str(value), name


def test_only_the_tls_proxy_publishes_ports() -> None:
    published = {name for name, service in SERVICES.items() if service.get("ports")}
    assert published == {"proxy"}
    assert {str(port).split(":")[-1] for port in SERVICES["proxy"]["ports"]} == {
        "80",
        "443",
        "9443",
    }
    mounts = " ".join(SERVICES["proxy"]["volumes"])
    assert "./deploy/nginx/ttxd.conf:/etc/nginx/conf.d/default.conf:ro" in mounts


def test_web_runs_gunicorn_with_its_config_in_compose_and_in_the_image() -> None:
    assert SERVICES["web"]["command"] == GUNICORN_COMMAND
    cmd = re.search(r"^CMD (.*)$", DOCKERFILE, re.M)
    assert cmd and " ".join(json.loads(cmd.group(1))) == GUNICORN_COMMAND
    assert (ROOT / "deploy" / "gunicorn.conf.py").exists()


def test_minio_init_runs_the_script_that_creates_the_app_user_and_versions_the_bucket() -> None:
    init = SERVICES["minio-init"]
    assert init["entrypoint"] == ["sh", "/deploy/init.sh"]
    assert "./deploy/minio/init.sh:/deploy/init.sh:ro" in init["volumes"]
    for needed in ("MINIO_ROOT_PASSWORD", "MINIO_APP_ACCESS_KEY", "MINIO_APP_SECRET_KEY"):
        assert needed in init["environment"]
        assert f"${{{needed}" in MINIO_INIT or f"${needed}" in MINIO_INIT
    for step in (
        "mc admin policy create ttxd ttxd-app",
        'mc admin user add ttxd "$MINIO_APP_ACCESS_KEY" "$MINIO_APP_SECRET_KEY"',
        'mc admin policy attach ttxd ttxd-app --user "$MINIO_APP_ACCESS_KEY"',
        'mc version enable "ttxd/$MINIO_BUCKET"',
    ):
        assert step in MINIO_INIT, step
    # The same bucket and user as the app's.
    web = SERVICES["web"]["environment"]
    assert web["AWS_STORAGE_BUCKET_NAME"] == init["environment"]["MINIO_BUCKET"]
    assert web["AWS_ACCESS_KEY_ID"] == init["environment"]["MINIO_APP_ACCESS_KEY"]
    assert web["AWS_SECRET_ACCESS_KEY"] == init["environment"]["MINIO_APP_SECRET_KEY"]
