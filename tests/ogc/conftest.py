"""Two wards with permits and cases each, an old ward version, and clients by role."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.test import Client
from django.utils import timezone

from backend.accounts.models import Role
from backend.accounts.services import device_token_issue
from backend.cases.models import Stage, ViolationType
from backend.sites.services.permit_sync import sites_sync_from_permits
from tests.factories import (
    WARD_A_BOX,
    CaseFactory,
    PermitFactory,
    UserFactory,
    WardFactory,
    box,
)


@pytest.fixture
def city(ward_a: Any, ward_b: Any) -> dict[str, Any]:
    """Ward A: 3 cases, 2 permits, 2 tips; ward B: 2 cases, 1 permit, 1 tip; and a closed old
    version of A."""
    old_a = WardFactory(
        code=ward_a.code,
        slug="WARDAOLD",
        name="Phường A (cũ)",
        boundary=box(*WARD_A_BOX),
        valid_from=datetime.date(2020, 1, 1),
        valid_to=datetime.date(2025, 7, 1),
    )
    tz = timezone.get_current_timezone()
    cases_a = [
        CaseFactory(
            ward=ward_a,
            location=Point(106.685 + i * 0.004, 10.765 + i * 0.004, srid=4326),
            stage=[Stage.DETECTED, Stage.SUSPENDED, Stage.CLOSED][i],
            violation_type=ViolationType.CLAUSE_7,
            detected_at=datetime.datetime(2026, 3, 1 + i * 10, 9, 0, tzinfo=tz),
            address=f"{i + 1} Đường A",
        )
        for i in range(3)
    ]
    cases_b = [
        CaseFactory(
            ward=ward_b,
            location=Point(106.705 + i * 0.004, 10.77, srid=4326),
            violation_type=ViolationType.CLAUSE_6,
            detected_at=datetime.datetime(2026, 4, 1 + i, 9, 0, tzinfo=tz),
        )
        for i in range(2)
    ]
    permits_a = [
        PermitFactory(ward=ward_a, issued_on=datetime.date(2025, 9, 1)),
        PermitFactory(ward=ward_a, issued_on=datetime.date(2025, 10, 1), parcel=None),
    ]
    permits_b = [
        PermitFactory(
            ward=ward_b,
            issued_on=datetime.date(2025, 11, 1),
            parcel=box(106.710, 10.770, 106.7102, 10.7702),
        )
    ]
    # Every permit with a place becomes a construction site (the sites collection).
    sites_sync_from_permits()
    # Citizens' reports (the tips collection): two in ward A, one in ward B.
    from tests.intake.conftest import file_tip

    tips_a = [file_tip(lon=106.6905 + i * 0.001, submission_key=f"a{i}") for i in range(2)]
    tips_b = [file_tip(lat=10.77, lon=106.711, submission_key="b0")]
    return {
        "tips_a": tips_a,
        "tips_b": tips_b,
        "old_a": old_a,
        "cases_a": cases_a,
        "cases_b": cases_b,
        "permits_a": permits_a,
        "permits_b": permits_b,
    }


def session_client(user: Any | None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    if user is not None:
        client.force_login(user)
    return client


def token_client(user: Any) -> Client:
    token = device_token_issue(user=user, device="QGIS").token
    return Client(HTTP_ACCEPT_LANGUAGE="vi", HTTP_AUTHORIZATION=f"Token {token}")


def get_json(client: Client, url: str, status: int = 200, **extra: Any) -> Any:
    response = client.get(url, **extra)
    assert response.status_code == status, (url, response.status_code, response.content[:500])
    return json.loads(response.content)


@pytest.fixture
def no_ward_user(db: Any) -> Any:
    return UserFactory(username="no_ward", role=Role.INSPECTOR)
