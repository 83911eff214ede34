"""The API answers as its OpenAPI schema says: Schemathesis against a real server.

A gunicorn process serves the test database (committed data: a transactional
test); the test signs in for a real device token and runs `st run` on every
operation of /api/schema/ with the checks below. Any finding fails the test,
with Schemathesis's report (each failure with a curl line to reproduce it).

Deterministic: the same examples on every run, a bounded number per
operation, nothing but loopback.
"""

from __future__ import annotations

import json
import os
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
from django.contrib.gis.geos import Point
from django.db import connection

from backend.accounts.models import Role
from backend.cases.services.opening import case_open
from backend.notifications.services import notifications_record
from tests.conftest import seed_violation_catalogue
from tests.factories import WARD_A_BOX, PermitFactory, UserFactory, WardFactory, box

pytestmark = [pytest.mark.contract]

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
PASSWORD = "contract-Pass-2026"
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
]
MAX_EXAMPLES = 25
# Signing out revokes the token the run uses: it gets a run of its own, last.
SIGN_OUT_PATH = "/api/auth/logout/"


def _seed_rules_and_calendar() -> None:
    """The data migration's rows, which an earlier transactional test's flush removed."""
    import importlib

    from django.apps import apps

    from backend.cases.models import CalendarDay, DeadlineRule

    seed = importlib.import_module("backend.cases.migrations.0003_seed_deadline_rules_and_calendar")
    if DeadlineRule.objects.count() < len(seed.RULES) or CalendarDay.objects.count() < len(
        seed.DAYS
    ):
        seed.seed(apps, None)


@pytest.fixture
def contract_data(transactional_db: Any) -> dict[str, list[int]]:
    """A ward with a leader (the token's user), an open case, a permit and a notice."""
    _seed_rules_and_calendar()
    seed_violation_catalogue()
    ward = WardFactory(code="90001", slug="WARDA", name="Phường A", boundary=box(*WARD_A_BOX))
    leader = UserFactory(username="contract_leader", role=Role.WARD_LEADER, wards=[ward])
    leader.set_password(PASSWORD)
    leader.save()
    case = case_open(
        actor=leader,
        location=Point(106.69, 10.77, srid=4326),
        violation_type="art16_7",
        address="1 Đường Thử",
    )
    permit = PermitFactory(ward=ward)
    notifications_record(
        [
            {
                "recipient_id": leader.pk,
                "case_id": case.pk,
                "kind": "deadline_passed",
                "key": f"contract:{case.pk}",
                "params": {"stage": case.stage},
            }
        ]
    )
    return {"case_ids": [case.pk], "permit_ids": [permit.pk], "ward_ids": [ward.pk]}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgis://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def server(contract_data: Any, tmp_path: Path) -> Iterator[str]:
    """gunicorn serving the test database, as in production (DEBUG off, two workers)."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        # The project's settings with the tests' password hashing (the module says why).
        "DJANGO_SETTINGS_MODULE": "tests.support.server_settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "TTXD_STORAGE": "local",
        "TTXD_MEDIA_ROOT": str(tmp_path / "media"),
    }
    env.pop("DATABASE_TEST_NAME", None)
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "backend.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail("gunicorn exited:\n" + (tmp_path / "gunicorn.log").read_text())
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2):  # noqa: S310
                    break
            except (urllib.error.URLError, OSError):
                if time.monotonic() > deadline:
                    pytest.fail("gunicorn did not answer /healthz within 60 s")
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _device_token(url: str, device: str) -> str:
    request = urllib.request.Request(  # noqa: S310 - loopback
        f"{url}/api/auth/token/",
        data=json.dumps(
            {"username": "contract_leader", "password": PASSWORD, "device": device}
        ).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        token = json.load(response)["token"]
    assert isinstance(token, str) and token
    return token


def _config(ids: dict[str, list[int]]) -> str:
    """Path ids drawn half the time from rows that exist, so operations are
    exercised past their 404s; the other half stay fuzzed."""
    lines = ["[dictionaries]"]
    for name, values in ids.items():
        lines.append(f"{name} = {{ values = {json.dumps(values)} }}")
    for name, pattern in (
        ("case_ids", "^/api/(map/)?cases/"),
        ("permit_ids", "^/api/(map/)?permits/"),
        ("ward_ids", "^/api/wards/"),
    ):
        lines += [
            "",
            "[[operations]]",
            f'include-path-regex = "{pattern}"',
            f'parameters = {{ "path.id" = {{ dictionary = "{name}", probability = 0.5 }} }}',
        ]
    return "\n".join(lines) + "\n"


def _schemathesis(url: str, token: str, config: Path, report: Path, *scope: str) -> None:
    command = [
        str(VENV_BIN / "st"),
        "--config-file",
        str(config),
        "--no-color",
        "run",
        f"{url}/api/schema/?format=json",
        "--checks",
        ",".join(CHECKS),
        "--phases",
        "examples,coverage,fuzzing",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--generation-deterministic",
        "--generation-with-security-parameters",
        "false",
        "--workers",
        "1",
        "--request-timeout",
        "30",
        "--header",
        f"Authorization: Token {token}",
        "--report",
        "junit",
        "--report-junit-path",
        str(report),
        *scope,
    ]
    result = subprocess.run(  # noqa: S603 - our own venv's CLI
        command, cwd=report.parent, capture_output=True, text=True, timeout=600, check=False
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"Schemathesis found the API unlike its schema:\n{output}"
    assert "Tested:" in output, output


def test_every_operation_answers_as_the_schema_says(
    server: str, contract_data: dict[str, list[int]], tmp_path: Path
) -> None:
    config = tmp_path / "schemathesis.toml"
    config.write_text(_config(contract_data))
    # Both before fuzzing: its failed sign-ins lock sign-in from this address.
    token = _device_token(server, "contract")
    sign_out_token = _device_token(server, "contract sign-out")
    _schemathesis(
        server,
        token,
        config,
        tmp_path / "contract.xml",
        "--exclude-path",
        SIGN_OUT_PATH,
    )
    _schemathesis(
        server,
        sign_out_token,
        config,
        tmp_path / "sign-out.xml",
        "--include-path",
        SIGN_OUT_PATH,
    )
