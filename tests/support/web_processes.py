"""Real gunicorn processes serving the test database, for what must hold across processes.

Production runs several gunicorn workers, in several replicas: anything kept
in a process's memory (a cache, a counter) is not shared. These helpers start
gunicorn with deploy/gunicorn.conf.py on free loopback ports, so a test can
send requests to different processes and see that PostgreSQL alone decides.

Usage — the `two_web_processes` fixture (exposed in tests/conftest.py):

    @pytest.fixture
    def web_processes_env() -> dict[str, str]:
        # Settings for the children, as the environment variables settings read.
        return {"TTXD_LOGIN_FAILURES_PER_USERNAME": "4"}

    def test_something(two_web_processes: tuple[str, str]) -> None:
        first, second = two_web_processes  # "http://127.0.0.1:<port>", one per instance
        urllib.request.urlopen(f"{first}/healthz")
        ...

The fixture is transactional (the children read only committed rows): rows
the test creates are visible to them, and the tables are emptied afterwards.
The children run tests.support.server_settings (the tests' fast password
hashing, so users made by factories can sign in there), this test process's
SECRET_KEY (digests and signatures agree both ways) and media files under
the test's tmp_path. Each instance's log is in tmp_path, and shown if it
does not get ready.

For other shapes (one instance, three, a readiness check of its own) use
`web_processes_serving` or `gunicorn_serving` directly.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent.parent
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
READY_TIMEOUT_S = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def database_url_of_tests() -> str:
    """DATABASE_URL of the test database this process uses (not the development one)."""
    db = connection.settings_dict
    password = f":{urllib.parse.quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    return f"postgis://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def healthz_answers(port: int) -> bool:
    """/healthz answered 200: gunicorn is up and its workers reach the database."""
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).close()  # noqa: S310
    except (OSError, urllib.error.URLError):
        return False
    return True


def _start(env: dict[str, str], log_path: Path) -> tuple[subprocess.Popen[bytes], int, Any]:
    port = free_port()
    log = log_path.open("wb")
    process = subprocess.Popen(  # noqa: S603
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--config",
            str(GUNICORN_CONF),
            "backend.wsgi:application",
        ],
        cwd=ROOT,
        # Only what is given: the developer's own environment (another
        # DATABASE_URL, DEBUG) must not leak into what the test checks.
        env={**env, "PATH": os.environ["PATH"], "GUNICORN_BIND": f"127.0.0.1:{port}"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    return process, port, log


def _wait_ready(
    process: subprocess.Popen[bytes], port: int, log: Any, log_path: Path, ready: Any
) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while not ready(port):
        if process.poll() is not None or time.monotonic() > deadline:
            log.flush()
            pytest.fail("gunicorn did not get ready:\n" + log_path.read_text())
        time.sleep(0.2)


def _stop(process: subprocess.Popen[bytes], log: Any) -> None:
    process.terminate()
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)
    log.close()


@contextmanager
def gunicorn_serving(
    env: dict[str, str], log_path: Path, ready: Callable[[int], bool]
) -> Iterator[int]:
    """gunicorn with deploy/gunicorn.conf.py and exactly `env`, on a free loopback port.

    Yields the port once `ready(port)` is true; stops gunicorn afterwards.
    """
    process, port, log = _start(env, log_path)
    try:
        _wait_ready(process, port, log, log_path, ready)
        yield port
    finally:
        _stop(process, log)


def web_process_env(tmp_path: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The children's environment: the test database, this process's secret, then `extra`."""
    return {
        "DJANGO_SETTINGS_MODULE": "tests.support.server_settings",
        "DJANGO_SECRET_KEY": str(settings.SECRET_KEY),
        "DATABASE_URL": database_url_of_tests(),
        "TTXD_MEDIA_ROOT": str(tmp_path / "media"),
        # Two workers each: four processes in all, started quickly.
        "GUNICORN_WORKERS": "2",
        **(extra or {}),
    }


@contextmanager
def web_processes_serving(count: int, env: dict[str, str], log_dir: Path) -> Iterator[list[str]]:
    """`count` gunicorn instances with `env`, started together; yields their base URLs.

    Ready once each answers /healthz. Needs committed data (a transactional
    test) for the children to see anything the test made.
    """
    started: list[tuple[subprocess.Popen[bytes], int, Any, Path]] = []
    try:
        for index in range(count):
            log_path = log_dir / f"gunicorn-{index + 1}.log"
            started.append((*_start(env, log_path), log_path))
        for process, port, log, log_path in started:
            _wait_ready(process, port, log, log_path, healthz_answers)
        yield [f"http://127.0.0.1:{port}" for _process, port, _log, _path in started]
    finally:
        for process, _port, log, _path in started:
            _stop(process, log)


@pytest.fixture
def web_processes_env() -> dict[str, str]:
    """Extra environment for the children of `two_web_processes`; override it to set settings."""
    return {}


@pytest.fixture
def two_web_processes(
    transactional_db: Any, web_processes_env: dict[str, str], tmp_path: Path
) -> Iterator[tuple[str, str]]:
    """Two gunicorn instances on the test database: their base URLs (see the module)."""
    env = web_process_env(tmp_path, web_processes_env)
    with web_processes_serving(2, env, tmp_path) as (first, second):
        yield first, second
