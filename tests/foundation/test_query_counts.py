"""List endpoints run a fixed number of queries however many rows they return."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from backend.accounts.models import Role
from tests.factories import CaseFactory, PermitFactory, UserFactory, WardFactory, box

LISTS = ["/api/wards/", "/api/permits/", "/api/cases/"]


def add_rows(count: int, ward: Any, user: Any) -> None:
    """`count` more wards (the user works in all), permits and cases."""
    start = ward.permits.count()
    for i in range(start, start + count):
        extra_ward = WardFactory(
            code=f"7{i:04d}", slug=f"EXTRA{i}", boundary=box(106.60, 10.76, 106.62, 10.78)
        )
        if user.is_ward_user:
            user.memberships.create(ward=extra_ward)
        PermitFactory(
            ward=ward, parcel=box(106.69 + i * 1e-4, 10.77, 106.69005 + i * 1e-4, 10.77005)
        )
        CaseFactory(
            ward=ward,
            location=Point(106.69 + i * 1e-4, 10.77, srid=4326),
            opened_by=user,
            assigned_inspector=user,
        )


def queries_for(client: Client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries), len(response.json()["features"])


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.CITY_AUDITOR, Role.INSPECTOR])
def test_list_queries_do_not_grow_with_rows(ward_a: Any, role: str) -> None:
    user = UserFactory(role=role, wards=[ward_a] if role == Role.INSPECTOR else [])
    client = Client()
    client.force_login(user)

    add_rows(2, ward_a, user)
    few = {url: queries_for(client, url) for url in LISTS}
    add_rows(18, ward_a, user)
    many = {url: queries_for(client, url) for url in LISTS}

    for url in LISTS:
        (few_queries, few_rows), (many_queries, many_rows) = few[url], many[url]
        assert many_rows > few_rows, url
        assert many_queries == few_queries, (url, few_queries, many_queries)
        # session + user, the user's wards (ward roles), the page count, the page;
        # cases also read where the holiday table ends (deadlines past it warn).
        assert many_queries <= (6 if url == "/api/cases/" else 5), (url, many_queries)


@pytest.mark.django_db
def test_case_list_query_count_is_exact(
    django_assert_num_queries: Any, inspector_a: Any, ward_a: Any
) -> None:
    add_rows(10, ward_a, inspector_a)
    client = Client()
    client.force_login(inspector_a)
    client.get("/api/cases/")  # warm-up: content types and the like

    # session, user, the user's wards, count, page, the holiday table's last day
    with django_assert_num_queries(6):
        response = client.get("/api/cases/?stage=detected&in_bbox=106.6,10.7,106.8,10.9")
    assert len(response.json()["features"]) == 10
