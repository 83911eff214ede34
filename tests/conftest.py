"""Shared fixtures: two wards side by side and a user of every role."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from backend.accounts.models import Role
from tests.factories import WARD_A_BOX, WARD_B_BOX, UserFactory, WardFactory, box


@pytest.fixture
def ward_a(db: Any) -> Any:
    return WardFactory(code="90001", slug="WARDA", name="Phường A", boundary=box(*WARD_A_BOX))


@pytest.fixture
def ward_b(db: Any) -> Any:
    return WardFactory(code="90002", slug="WARDB", name="Phường B", boundary=box(*WARD_B_BOX))


@pytest.fixture
def inspector_a(ward_a: Any) -> Any:
    return UserFactory(username="inspector_a", role=Role.INSPECTOR, wards=[ward_a])


@pytest.fixture
def inspector_b(ward_b: Any) -> Any:
    return UserFactory(username="inspector_b", role=Role.INSPECTOR, wards=[ward_b])


@pytest.fixture
def leader_a(ward_a: Any) -> Any:
    return UserFactory(username="leader_a", role=Role.WARD_LEADER, wards=[ward_a])


@pytest.fixture
def auditor(db: Any) -> Any:
    return UserFactory(username="auditor", role=Role.CITY_AUDITOR)


@pytest.fixture
def admin_user(db: Any) -> Any:
    return UserFactory(username="admin", role=Role.ADMIN, is_staff=True, is_superuser=True)


def api_as(user: Any, language: str = "vi") -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    client.force_authenticate(user)
    return client


@pytest.fixture
def api() -> Any:
    return api_as
