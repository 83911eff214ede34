"""Abuse limits on citizens' reports (issue 15 §5): per address, per device and per API key,
counted in PostgreSQL so they hold across web processes; a retry of a filed report is free."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from typing import Any

import pytest
from django.test import Client

from backend.intake.models import Tip
from backend.intake.services.clients import integration_client_issue
from tests.factories import WARD_A_BOX, WardFactory, box
from tests.intake.test_open311 import assert_error, form, post
from tests.intake.test_public_api import client, report, send

pytestmark = pytest.mark.django_db


def test_a_device_past_its_limit_is_told_when_to_come_back(ward_a: Any, settings: Any) -> None:
    settings.TTXD_TIP_RATE_PER_DEVICE = 2
    api = client()
    api.credentials(HTTP_X_DEVICE_ID="device-1")
    first_key = str(uuid.uuid4())
    assert send(report(), key=first_key, api=api).status_code == 201
    assert send(report(description="Lần thứ hai"), api=api).status_code == 201
    refused = send(report(description="Lần thứ ba"), api=api)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "thiết bị này" in refused.json()["detail"]
    assert Tip.objects.count() == 2
    # A retry of a report already filed is answered, not counted.
    again = send(report(), key=first_key, api=api)
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    # Another device (another phone behind the same Wi-Fi) still files.
    other = client()
    other.credentials(HTTP_X_DEVICE_ID="device-2")
    assert send(report(description="Điện thoại khác"), api=other).status_code == 201


def test_an_address_past_its_limit_is_refused_whatever_device_it_claims(
    ward_a: Any, settings: Any
) -> None:
    settings.TTXD_TIP_RATE_PER_IP = 2
    for n in range(2):
        api = client()
        api.credentials(HTTP_X_DEVICE_ID=f"rotating-{n}")
        assert send(report(description=f"Báo lần {n}"), api=api).status_code == 201
    api = client()
    api.credentials(HTTP_X_DEVICE_ID="rotating-3")
    refused = send(report(description="Lần nữa"), api=api)
    assert refused.status_code == 429 and "kết nối này" in refused.json()["detail"]


def test_an_api_key_past_its_limit_gets_the_open311_error(ward_a: Any, settings: Any) -> None:
    settings.TTXD_TIP_RATE_PER_API_KEY = 2
    settings.TTXD_TIP_RATE_PER_DEVICE = 0
    busy = integration_client_issue(actor=None, name="Tổng đài 1022")
    calm = integration_client_issue(actor=None, name="Ứng dụng phường")
    http = Client()
    for n in range(2):
        assert post(http, "json", form(busy.key, description=f"Lần {n}")).status_code == 200
    refused = post(http, "json", form(busy.key, description="Lần ba"))
    assert_error(refused, "json", 429, "ứng dụng này")
    assert int(refused["Retry-After"]) > 0
    # Not per address: the other app, from the same server address, still files.
    assert post(http, "xml", form(calm.key)).status_code == 200


@pytest.fixture
def web_processes_env() -> dict[str, str]:
    return {"TTXD_TIP_RATE_PER_IP": "3", "TTXD_TIP_MIN_FILL_SECONDS": "0"}


def _file(base: str, n: int) -> int:
    body = json.dumps({**report(description=f"Báo cáo số {n}"), "elapsed_ms": 10_000}).encode()
    request = urllib.request.Request(  # noqa: S310 (loopback)
        f"{base}/api/public/tips/",
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Idempotency-Key": str(uuid.uuid4()),
            "X-Device-Id": f"phone-{n}",
            "Accept-Language": "vi",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


@pytest.mark.django_db(transaction=True)
def test_the_address_limit_holds_across_two_web_processes(
    two_web_processes: tuple[str, str],
) -> None:
    WardFactory(code="90001", slug="WARDA", name="Phường A", boundary=box(*WARD_A_BOX))
    first, second = two_web_processes
    answers = [_file(base, n) for n, base in enumerate([first, second, first, second, first])]
    # Three in the window, whichever process took them; then both refuse.
    assert answers == [201, 201, 201, 429, 429]
    assert Tip.objects.count() == 3
