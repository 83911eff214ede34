"""gunicorn and nginx in front of the app: slow clients, body limits, trusted headers."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from backend.core.proxies import client_address_from_proxies
from tests.support.web_processes import (
    GUNICORN_CONF,
    ROOT,
    database_url_of_tests,
    gunicorn_serving,
    healthz_answers,
)

NGINX_CONF = (ROOT / "deploy" / "nginx" / "ttxd.conf").read_text()


def gunicorn_settings() -> dict[str, Any]:
    values: dict[str, Any] = {}
    exec(compile(GUNICORN_CONF.read_text(), str(GUNICORN_CONF), "exec"), values)  # noqa: S102
    return values


@pytest.fixture
def gunicorn(db: Any, tmp_path: Path) -> Iterator[str]:
    """gunicorn on the test database with the development defaults."""
    env = {
        "DJANGO_SETTINGS_MODULE": "backend.settings",
        "DJANGO_SECRET_KEY": "test-" + "k" * 60,
        "DATABASE_URL": database_url_of_tests(),
    }
    with gunicorn_serving(env, tmp_path / "gunicorn.log", healthz_answers) as port:
        yield f"http://127.0.0.1:{port}"


@pytest.mark.django_db
def test_the_web_services_health_check_passes_with_its_https_settings(tmp_path: Path) -> None:
    """The compose health check, run as compose runs it, against gunicorn as compose starts it.

    Plain HTTP to gunicorn, with HTTPS redirects on and only the site's name
    allowed: the proxy waits for this check before it starts.
    """
    from tests.test_deployment import SERVICES, container_env, operator_env

    env = {**container_env("web", operator_env()), "DATABASE_URL": database_url_of_tests()}
    command = SERVICES["web"]["healthcheck"]["test"]
    assert command[0] == "CMD"

    def check(port: int) -> subprocess.CompletedProcess[bytes]:
        argv = [a.replace("127.0.0.1:8000", f"127.0.0.1:{port}") for a in command[1:]]
        assert argv[0] == "python"
        return subprocess.run(  # noqa: S603
            [sys.executable, *argv[1:]],
            env={**env, "PATH": os.environ["PATH"]},
            capture_output=True,
            timeout=30,
            check=False,
        )

    with gunicorn_serving(env, tmp_path / "gunicorn.log", lambda port: True) as port:
        deadline = time.monotonic() + 60
        while (result := check(port)).returncode != 0 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert result.returncode == 0, result.stderr.decode()[-2000:]


def test_clients_that_send_slowly_do_not_hold_up_everyone_else(gunicorn: str) -> None:
    """As many stalled requests as there are worker processes: others are still served.

    A phone on a weak network sends its request a few bytes at a time. With
    one request per process (gunicorn's default sync workers) these would
    take every worker; threaded workers give each one thread.
    """
    port = int(gunicorn.rsplit(":", 1)[1])
    stalled = []
    try:
        for _ in range(gunicorn_settings()["workers"]):
            client = socket.create_connection(("127.0.0.1", port), timeout=5)
            # Headers begun, never finished.
            client.sendall(b"POST /api/cases/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Len")
            stalled.append(client)
        time.sleep(0.5)
        started = time.monotonic()
        with urllib.request.urlopen(f"{gunicorn}/healthz", timeout=10) as response:  # noqa: S310
            assert response.status == 200
        assert time.monotonic() - started < 5
    finally:
        for client in stalled:
            client.close()


def test_gunicorn_threads_bound_requests_and_trust_no_forwarded_header() -> None:
    conf = gunicorn_settings()
    assert conf["worker_class"] == "gthread" and conf["threads"] >= 2
    assert 0 < conf["timeout"] <= 120
    # Requests in flight may finish as long as nginx waits for them.
    read_timeout = max(int(v.rstrip("s")) for v in nginx_directives("proxy_read_timeout"))
    assert conf["graceful_timeout"] >= read_timeout
    # ... and docker compose stop waits for them before it kills the container.
    from tests.test_deployment import SERVICES

    assert int(SERVICES["web"]["stop_grace_period"].rstrip("s")) > conf["graceful_timeout"]
    assert conf["limit_request_line"] <= 8190 and conf["limit_request_fields"] <= 100
    assert conf["limit_request_field_size"] <= 8190
    # HTTPS is Django's decision (SECURE_PROXY_SSL_HEADER), not gunicorn's.
    assert conf["secure_scheme_headers"] == {} and conf["forwarded_allow_ips"] == ""


def nginx_directives(name: str, text: str = NGINX_CONF) -> list[str]:
    return re.findall(rf"^\s*{re.escape(name)}\s+([^;]*);", text, re.M)


def nginx_app_server() -> str:
    """The server block that proxies to the app (the one whose location passes to web:8000)."""
    blocks = re.split(r"^server \{", NGINX_CONF, flags=re.M)
    (block,) = [b for b in blocks if "set $web web:8000;" in b]
    return block


def megabytes(value: str) -> int:
    match = re.fullmatch(r"(\d+)([km]?)", value.lower())
    assert match, value
    number, unit = int(match.group(1)), match.group(2)
    return number * {"": 1, "k": 1024, "m": 1024 * 1024}[unit]


def test_nginx_takes_whole_uploads_before_the_app_and_within_the_apps_limits() -> None:
    assert nginx_directives("proxy_request_buffering", nginx_app_server()) == ["on"]
    # The app's own limits answer first (its 413 is in Vietnamese); nginx
    # only stops what is far beyond them.
    app_limit = max(settings.TTXD_PHOTO_MAX_BYTES, settings.TTXD_STEP_ATTACHMENT_MAX_BYTES)
    body_limits = [
        megabytes(v) for v in nginx_directives("client_max_body_size", nginx_app_server())
    ]
    assert max(body_limits) > app_limit
    assert max(body_limits) <= app_limit + 10 * 1024 * 1024
    assert nginx_directives("client_body_timeout") and nginx_directives("client_header_timeout")


def test_nginx_overwrites_every_forwarded_header_the_app_could_trust() -> None:
    headers = {
        line.split(None, 1)[0].lower(): line.split(None, 1)[1].strip()
        for line in nginx_directives("proxy_set_header", nginx_app_server())
    }
    assert headers["x-forwarded-proto"] == "$scheme"
    # Replaced, never appended ($proxy_add_x_forwarded_for would keep the client's).
    assert headers["x-forwarded-for"] == "$remote_addr"
    assert "$proxy_add_x_forwarded_for" not in NGINX_CONF
    assert headers["x-forwarded-host"] == '""' and headers["forwarded"] == '""'
    # The header nginx sets is the one compose tells Django to trust.
    from tests.test_deployment import SERVICES

    assert SERVICES["web"]["environment"]["DJANGO_SECURE_PROXY_SSL_HEADER"] == "X-Forwarded-Proto"


def test_the_client_address_comes_from_the_proxy_only_when_told_to_trust_one() -> None:
    seen: dict[str, Any] = {}

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen.update(environ)
        return []

    environ = {
        "REMOTE_ADDR": "172.18.0.9",
        "HTTP_X_FORWARDED_FOR": "203.0.113.7",
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_X_FORWARDED_HOST": "evil.example",
        "HTTP_HOST": "ttxd.example.gov.vn",
        "wsgi.url_scheme": "http",
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/",
        "SERVER_NAME": "web",
        "SERVER_PORT": "8000",
    }
    client_address_from_proxies(app, 0)(dict(environ), lambda *a: None)
    assert seen["REMOTE_ADDR"] == "172.18.0.9"
    seen.clear()
    client_address_from_proxies(app, 1)(dict(environ), lambda *a: None)
    assert seen["REMOTE_ADDR"] == "203.0.113.7"
    # Scheme and host stay as they came: Django's settings decide about those.
    assert seen["wsgi.url_scheme"] == "http" and seen["HTTP_HOST"] == "ttxd.example.gov.vn"
