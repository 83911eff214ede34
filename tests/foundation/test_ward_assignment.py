"""A case's ward comes from its location by spatial containment, on its detection date."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from backend.accounts.models import Role
from backend.cases.models import ViolationCase
from backend.cases.services.opening import case_open
from backend.core.errors import InvalidInput
from backend.wards.selectors import ward_containing
from tests.factories import UserFactory, WardFactory, box
from tests.foundation.support import error_text, lon_offset, written_counts

DAY = datetime.date(2026, 3, 2)
LAT = 10.77
# Two wards sharing the meridian 106.70; the one drawn first has the HIGHER
# code, so "lowest code wins" cannot pass by accident of insertion order.
WEST_BOX = (106.68, 10.76, 106.70, 10.78)
EAST_BOX = (106.70, 10.76, 106.72, 10.78)


@pytest.fixture
def west(db: Any) -> Any:
    return WardFactory(code="90009", slug="WEST", name="Phường Tây", boundary=box(*WEST_BOX))


@pytest.fixture
def east(west: Any) -> Any:
    return WardFactory(code="90003", slug="EAST", name="Phường Đông", boundary=box(*EAST_BOX))


@pytest.fixture
def inspector_both(west: Any, east: Any) -> Any:
    return UserFactory(username="both", role=Role.INSPECTOR, wards=[west, east])


def detected(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def test_point_inside_a_ward_is_assigned_to_it(west: Any, east: Any) -> None:
    assert ward_containing(Point(106.69, LAT, srid=4326), DAY) == west
    assert ward_containing(Point(106.71, LAT, srid=4326), DAY) == east


@pytest.mark.parametrize(
    "point",
    [
        Point(106.70, LAT, srid=4326),
        Point(106.70, 10.76, srid=4326),
        Point(106.70, 10.78, srid=4326),
    ],
    ids=["on the shared edge", "on the shared south corner", "on the shared north corner"],
)
def test_point_on_a_shared_boundary_goes_to_the_lowest_code(
    west: Any, east: Any, point: Point
) -> None:
    assert ward_containing(point, DAY) == east  # code 90003 < 90009


def test_point_on_an_outer_edge_belongs_to_its_only_ward(west: Any, east: Any) -> None:
    assert ward_containing(Point(106.68, LAT, srid=4326), DAY) == west


def test_case_on_a_shared_boundary_is_opened_in_the_lowest_code_ward(inspector_both: Any) -> None:
    case = case_open(
        actor=inspector_both,
        location=Point(106.70, LAT, srid=4326),
        violation_type="art16_7",
        detected_at=detected(DAY),
    )
    assert case.ward.code == "90003"
    assert case.code == "EAST-2026-0001"


@pytest.mark.parametrize(
    "metres_west", [0.5, 40.0], ids=["half a metre outside", "forty metres outside"]
)
def test_point_just_outside_every_ward_has_no_ward(
    west: Any, east: Any, metres_west: float
) -> None:
    point = Point(106.68 - lon_offset(LAT, metres_west), LAT, srid=4326)
    assert ward_containing(point, DAY) is None


@pytest.mark.parametrize(
    ("lat", "lon"),
    [(LAT, 106.68 - lon_offset(LAT, 40.0)), (21.0285, 105.8542)],
    ids=["near but outside", "far away (Hanoi)"],
)
def test_opening_outside_every_ward_is_a_400_and_writes_nothing(
    api: Any, inspector_both: Any, lat: float, lon: float
) -> None:
    before = written_counts()
    response = api(inspector_both, "en").post(
        "/api/cases/", {"lat": lat, "lon": lon, "violation_type": "art16_7"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "outside_wards"
    assert "not inside any ward" in error_text(response)
    assert written_counts() == before


class TestBoundaryVersions:
    """Boundaries carry validity dates [valid_from, valid_to); the 1/7/2025 mergers."""

    @pytest.fixture
    def before_merger(self, db: Any) -> Any:
        return WardFactory(
            code="80001",
            slug="OLD",
            name="Phường Cũ",
            boundary=box(*WEST_BOX),
            valid_from=datetime.date(2020, 1, 1),
            valid_to=datetime.date(2025, 7, 1),
        )

    @pytest.fixture
    def after_merger(self, before_merger: Any) -> Any:
        return WardFactory(
            code="80002",
            slug="MERGED",
            name="Phường Mới",
            boundary=box(106.68, 10.76, 106.72, 10.78),
            valid_from=datetime.date(2025, 7, 1),
        )

    def test_version_that_ended_before_the_detection_date_is_not_used(
        self, before_merger: Any
    ) -> None:
        point = Point(106.69, LAT, srid=4326)
        assert ward_containing(point, datetime.date(2025, 6, 30)) == before_merger
        assert ward_containing(point, datetime.date(2025, 7, 1)) is None
        assert ward_containing(point, DAY) is None

    def test_version_that_starts_after_the_detection_date_is_not_used(
        self, after_merger: Any
    ) -> None:
        point = Point(106.69, LAT, srid=4326)
        assert ward_containing(point, datetime.date(2025, 6, 30)) != after_merger
        assert ward_containing(point, datetime.date(2025, 7, 1)) == after_merger

    def test_case_gets_the_version_valid_on_its_local_detection_date(
        self, before_merger: Any, after_merger: Any
    ) -> None:
        user = UserFactory(role=Role.INSPECTOR, wards=[before_merger, after_merger])
        point = Point(106.69, LAT, srid=4326)
        # 16:30 UTC on 30/6 is 23:30 in Ho Chi Minh City; 17:30 UTC is 00:30 on 1/7.
        last_old_day = datetime.datetime(2025, 6, 30, 16, 30, tzinfo=datetime.UTC)
        first_new_day = datetime.datetime(2025, 6, 30, 17, 30, tzinfo=datetime.UTC)

        old = case_open(
            actor=user, location=point, violation_type="art16_7", detected_at=last_old_day
        )
        new = case_open(
            actor=user, location=point, violation_type="art16_7", detected_at=first_new_day
        )

        assert old.ward == before_merger and old.code == "OLD-2025-0001"
        assert new.ward == after_merger and new.code == "MERGED-2025-0001"

    def test_case_detected_after_a_ward_ended_is_refused(
        self, api: Any, before_merger: Any
    ) -> None:
        user = UserFactory(role=Role.INSPECTOR, wards=[before_merger])
        with pytest.raises(InvalidInput) as caught:
            case_open(
                actor=user,
                location=Point(106.69, LAT, srid=4326),
                violation_type="art16_7",
                detected_at=detected(DAY),
            )
        assert caught.value.code == "outside_wards"
        assert ViolationCase.objects.count() == 0

    def test_old_case_keeps_its_ward_when_a_new_boundary_version_appears(
        self, api: Any, west: Any, east: Any
    ) -> None:
        user = UserFactory(role=Role.INSPECTOR, wards=[west, east])
        point = Point(106.695, LAT, srid=4326)
        old_case = case_open(
            actor=user,
            location=point,
            violation_type="art16_7",
            detected_at=detected(datetime.date(2025, 9, 1)),
        )
        assert old_case.ward == west

        # The boundary is redrawn from 1/1/2026: the line moves west of the point,
        # which now lies in the east ward's new version.
        west.valid_to = datetime.date(2026, 1, 1)
        west.save()
        east.valid_to = datetime.date(2026, 1, 1)
        east.save()
        WardFactory(
            code="90009",
            slug="WEST",
            name="Phường Tây",
            boundary=box(106.68, 10.76, 106.69, 10.78),
            valid_from=datetime.date(2026, 1, 1),
        )
        east_v2 = WardFactory(
            code="90003",
            slug="EAST",
            name="Phường Đông",
            boundary=box(106.69, 10.76, 106.72, 10.78),
            valid_from=datetime.date(2026, 1, 1),
        )
        user.memberships.create(ward=east_v2)
        user._ttxd_ward_ids = None

        new_case = case_open(
            actor=user, location=point, violation_type="art16_7", detected_at=detected(DAY)
        )

        old_case.refresh_from_db()
        assert old_case.ward == west
        assert old_case.code == "WEST-2025-0001"
        assert new_case.ward == east_v2
        detail = api(user).get(f"/api/cases/{old_case.pk}/").json()
        assert detail["properties"]["ward"] == "90009"
        assert detail["properties"]["code"] == "WEST-2025-0001"
