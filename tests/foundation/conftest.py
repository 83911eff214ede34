"""Fixtures of the foundation tests: a permit and a case in each test ward."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.gis.geos import Point

from backend.accounts.models import Role
from tests.factories import CaseFactory, PermitFactory, UserFactory, box


@pytest.fixture
def permit_a(ward_a: Any) -> Any:
    return PermitFactory(
        number="A-001/GPXD", ward=ward_a, parcel=box(106.690, 10.770, 106.6902, 10.7702)
    )


@pytest.fixture
def permit_b(ward_b: Any) -> Any:
    return PermitFactory(
        number="B-001/GPXD", ward=ward_b, parcel=box(106.710, 10.770, 106.7102, 10.7702)
    )


@pytest.fixture
def case_a(ward_a: Any, inspector_a: Any) -> Any:
    return CaseFactory(
        ward=ward_a, sequence=1, location=Point(106.69, 10.77, srid=4326), opened_by=inspector_a
    )


@pytest.fixture
def case_b(ward_b: Any, inspector_b: Any) -> Any:
    return CaseFactory(
        ward=ward_b, sequence=1, location=Point(106.71, 10.77, srid=4326), opened_by=inspector_b
    )


@pytest.fixture
def inspector_ab(ward_a: Any, ward_b: Any) -> Any:
    return UserFactory(username="inspector_ab", role=Role.INSPECTOR, wards=[ward_a, ward_b])


@pytest.fixture
def leader_b(ward_b: Any) -> Any:
    return UserFactory(username="leader_b", role=Role.WARD_LEADER, wards=[ward_b])
