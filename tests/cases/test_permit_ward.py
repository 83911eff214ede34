"""A case is matched only to permits of its own ward, even when a neighbour's parcel is closer.

Near a ward boundary the nearest parcel may lie across it; linking that
permit showed the neighbouring ward's permit number, holder and parcel on
the case in the API, the map popup and the documents.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from backend.cases.models import PermitMatchKind, Stage
from backend.cases.services.opening import case_open
from tests.cases.conftest import PATHS, walk
from tests.cases.test_documents import docx, text_of
from tests.factories import PermitFactory, box
from tests.foundation.support import lon_offset

pytestmark = pytest.mark.django_db

BOUNDARY_LON = 106.70  # between tests.factories.WARD_A_BOX and WARD_B_BOX
LAT = 10.77
# In ward A, 10 m west of the boundary.
SITE = Point(BOUNDARY_LON - lon_offset(LAT, 10), LAT, srid=4326)


def parcel_east_of_site(metres: float) -> Any:
    west = SITE.x + lon_offset(LAT, metres)
    return box(west, LAT - 0.0001, west + 0.0002, LAT + 0.0001)


def parcel_west_of_site(metres: float) -> Any:
    east = SITE.x - lon_offset(LAT, metres)
    return box(east - 0.0002, LAT - 0.0001, east, LAT + 0.0001)


@pytest.fixture
def neighbours_permit(ward_b: Any) -> Any:
    # 3 m east of the site, across the boundary: the nearest parcel of all.
    return PermitFactory(
        number="NEIGHBOUR-77/GPXD",
        holder_name="Hộ Bên Kia Ranh",
        parcel_number="B-777",
        address="77 Đường Ranh, Phường B",
        ward=ward_b,
        parcel=parcel_east_of_site(3),
    )


def open_at_site(actors: dict[str, Any]) -> Any:
    return case_open(
        actor=actors["inspector"],
        location=SITE,
        violation_type="art16_7",
        detected_at=timezone.now() - datetime.timedelta(days=30),
    )


def shows_neighbour(text: str) -> bool:
    return any(
        fact in text for fact in ("NEIGHBOUR-77", "Hộ Bên Kia Ranh", "B-777", "77 Đường Ranh")
    )


def test_a_case_near_the_boundary_links_its_own_wards_permit_not_the_closer_neighbour(
    api: Any, actors: Any, ward_a: Any, neighbours_permit: Any
) -> None:
    own = PermitFactory(number="OWN-12/GPXD", ward=ward_a, parcel=parcel_west_of_site(8))
    case = open_at_site(actors)
    assert case.ward == ward_a
    assert (case.permit, case.permit_match) == (own, PermitMatchKind.NEAREST)
    assert case.permit_distance_m == pytest.approx(8.0, rel=0.01)
    assert case.events.get().payload["permit"] == "OWN-12/GPXD"


def test_a_case_whose_only_nearby_permit_is_the_neighbours_links_none(
    api: Any, actors: Any, neighbours_permit: Any
) -> None:
    case = open_at_site(actors)
    assert (case.permit, case.permit_match, case.permit_distance_m) == (
        None,
        PermitMatchKind.NONE,
        None,
    )
    case = walk(case, PATHS[Stage.SUSPENDED], actors, gap_days=1)
    client = api(actors["leader"], "en")
    detail = client.get(f"/api/cases/{case.pk}/")
    popup = client.get(f"/api/map/cases/{case.pk}/")
    document = docx(api, actors["inspector"], case, "MBB01")
    assert [detail.status_code, popup.status_code, document.status_code] == [200, 200, 200]
    assert detail.json()["properties"]["permit"] is None
    assert not shows_neighbour(detail.content.decode())
    assert not shows_neighbour(popup.content.decode())
    record = text_of(document.content)
    assert "Giấy phép xây dựng: không có" in record
    assert not shows_neighbour(record)
