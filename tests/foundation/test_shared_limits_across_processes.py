"""Limits counted in PostgreSQL hold across web processes (two gunicorn instances).

Each instance runs its own workers: a limit kept in a process's memory would
let a client through by spreading its requests over them.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest

from backend.accounts.models import Role
from tests.factories import UserFactory

LIMIT = 4
PASSWORD = "pass-1234-word"  # set by UserFactory


@pytest.fixture
def web_processes_env() -> dict[str, str]:
    # Per address off: every request here comes from 127.0.0.1.
    return {
        "TTXD_LOGIN_FAILURES_PER_USERNAME": str(LIMIT),
        "TTXD_LOGIN_FAILURES_PER_IP": "0",
        "TTXD_LOGIN_FAILURE_WINDOW_MINUTES": "15",
    }


def token_login(base_url: str, username: str, password: str) -> tuple[int, dict[str, Any], Any]:
    request = urllib.request.Request(  # noqa: S310 (loopback)
        f"{base_url}/api/auth/token/",
        data=json.dumps({"username": username, "password": password}).encode(),
        headers={"Content-Type": "application/json", "Accept-Language": "en"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.loads(response.read()), response.headers
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read()), error.headers


def test_failed_sign_ins_spread_over_two_processes_lock_the_username(
    two_web_processes: tuple[str, str],
) -> None:
    UserFactory(username="thanh_tra", role=Role.INSPECTOR)
    UserFactory(username="bystander", role=Role.INSPECTOR)
    first, second = two_web_processes
    # Each process sees only half of the failures: neither alone reaches the limit.
    for attempt in range(LIMIT):
        status, body, _headers = token_login((first, second)[attempt % 2], "thanh_tra", "wrong")
        assert status == 400, body
    for base_url in (first, second):
        status, body, headers = token_login(base_url, "thanh_tra", PASSWORD)
        assert status == 429, body
        assert body["detail"].startswith("Too many failed sign-in attempts")
        assert 14 * 60 < int(headers["Retry-After"]) <= 15 * 60
        # Only that username is locked; the right password works elsewhere.
        status, body, _headers = token_login(base_url, "bystander", PASSWORD)
        assert status == 200 and body["token"], body
