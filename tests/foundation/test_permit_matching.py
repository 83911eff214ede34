"""Permit matching: the parcel containing the point, else the nearest within the radius."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.gis.geos import Point

from backend.cases.models import PermitMatchKind
from backend.cases.services.opening import case_open
from backend.permits.selectors import permit_matching
from tests.factories import PermitFactory, box
from tests.foundation.support import lat_offset, lon_offset

# A 22 m x 22 m parcel in ward A; the case points are placed east of it.
WEST, SOUTH, EAST, NORTH = 106.690, 10.770, 106.6902, 10.7702
MID_LAT = (SOUTH + NORTH) / 2


def east_of_parcel(metres: float) -> Point:
    return Point(EAST + lon_offset(MID_LAT, metres), MID_LAT, srid=4326)


@pytest.fixture
def parcel_permit(ward_a: Any) -> Any:
    return PermitFactory(number="P-1", ward=ward_a, parcel=box(WEST, SOUTH, EAST, NORTH))


def test_point_inside_a_parcel_matches_its_permit(ward_a: Any, parcel_permit: Any) -> None:
    match = permit_matching(Point(106.6901, 10.7701, srid=4326), 30.0, ward=ward_a)
    assert (match.permit, match.how, match.distance_m) == (parcel_permit, "parcel", 0.0)


@pytest.mark.parametrize(
    "point",
    [Point(EAST, MID_LAT, srid=4326), Point(WEST, SOUTH, srid=4326)],
    ids=["on an edge", "on a corner"],
)
def test_point_on_the_parcel_boundary_matches_as_inside(
    ward_a: Any, parcel_permit: Any, point: Point
) -> None:
    match = permit_matching(point, 30.0, ward=ward_a)
    assert (match.permit, match.how) == (parcel_permit, "parcel")


@pytest.mark.parametrize("metres", [5.0, 20.0, 29.0])
def test_point_near_one_parcel_matches_the_nearest_with_its_distance(
    ward_a: Any, parcel_permit: Any, metres: float
) -> None:
    match = permit_matching(east_of_parcel(metres), 30.0, ward=ward_a)
    assert match.permit == parcel_permit
    assert match.how == "nearest"
    assert match.distance_m == pytest.approx(metres, rel=0.01)


def test_point_north_of_a_parcel_is_measured_in_metres_too(ward_a: Any, parcel_permit: Any) -> None:
    point = Point(106.6901, NORTH + lat_offset(15.0), srid=4326)
    match = permit_matching(point, 30.0, ward=ward_a)
    assert match.how == "nearest"
    assert match.distance_m == pytest.approx(15.0, rel=0.01)


def test_of_two_candidates_the_nearer_wins(ward_a: Any) -> None:
    point = Point(106.6950, MID_LAT, srid=4326)
    # The farther permit is newer and was written first, so neither the
    # tie-break on issue date nor insertion order can make the nearer win.
    farther = PermitFactory(
        number="FAR",
        ward=ward_a,
        issued_on=datetime.date(2026, 1, 5),
        parcel=box(
            106.6950 + lon_offset(MID_LAT, 20), SOUTH, 106.6952 + lon_offset(MID_LAT, 20), NORTH
        ),
    )
    nearer = PermitFactory(
        number="NEAR",
        ward=ward_a,
        issued_on=datetime.date(2024, 1, 5),
        parcel=box(
            106.6948 - lon_offset(MID_LAT, 10), SOUTH, 106.6950 - lon_offset(MID_LAT, 10), NORTH
        ),
    )

    match = permit_matching(point, 30.0, ward=ward_a)

    assert farther.pk < nearer.pk
    assert match.permit == nearer
    assert match.distance_m == pytest.approx(10.0, rel=0.01)


def test_containing_parcel_wins_over_a_nearer_edge(ward_a: Any, parcel_permit: Any) -> None:
    # A neighbour 1 m east: the point is inside parcel_permit, so it wins outright.
    PermitFactory(
        number="NEIGHBOUR",
        ward=ward_a,
        parcel=box(EAST + lon_offset(MID_LAT, 1), SOUTH, EAST + 0.0002, NORTH),
    )
    match = permit_matching(
        Point(EAST - lon_offset(MID_LAT, 0.5), MID_LAT, srid=4326), 30.0, ward=ward_a
    )
    assert (match.permit, match.how) == (parcel_permit, "parcel")


@pytest.mark.parametrize("metres", [31.0, 45.0, 500.0])
def test_point_beyond_the_radius_matches_no_permit(
    ward_a: Any, parcel_permit: Any, metres: float
) -> None:
    match = permit_matching(east_of_parcel(metres), 30.0, ward=ward_a)
    assert (match.permit, match.how, match.distance_m) == (None, "none", None)


def test_no_permit_found_is_stored_as_a_finding(inspector_a: Any, parcel_permit: Any) -> None:
    case = case_open(actor=inspector_a, location=east_of_parcel(40.0), violation_type="art16_7")
    case.refresh_from_db()
    assert case.permit is None
    assert case.permit_match == PermitMatchKind.NONE == "none"
    assert case.permit_distance_m is None
    assert case.events.get().payload["permit_match"] == "none"


def test_opened_case_stores_the_nearest_permit_and_distance(
    inspector_a: Any, parcel_permit: Any
) -> None:
    case = case_open(actor=inspector_a, location=east_of_parcel(20.0), violation_type="art16_6")
    case.refresh_from_db()
    assert case.permit == parcel_permit
    assert case.permit_match == "nearest"
    assert case.permit_distance_m == pytest.approx(20.0, rel=0.01)
    assert case.events.get().payload["permit"] == "P-1"


def test_opened_case_inside_a_parcel_stores_the_parcel_match(
    inspector_a: Any, parcel_permit: Any
) -> None:
    case = case_open(
        actor=inspector_a, location=Point(106.6901, 10.7701, srid=4326), violation_type="art16_6"
    )
    case.refresh_from_db()
    assert (case.permit, case.permit_match, case.permit_distance_m) == (
        parcel_permit,
        "parcel",
        0.0,
    )


def test_the_radius_is_the_setting(settings: Any, inspector_a: Any, parcel_permit: Any) -> None:
    settings.TTXD_PERMIT_MATCH_RADIUS_M = 50.0
    wide = case_open(actor=inspector_a, location=east_of_parcel(40.0), violation_type="art16_7")
    settings.TTXD_PERMIT_MATCH_RADIUS_M = 10.0
    narrow = case_open(actor=inspector_a, location=east_of_parcel(20.0), violation_type="art16_7")

    assert (wide.permit, wide.permit_match) == (parcel_permit, "nearest")
    assert wide.permit_distance_m == pytest.approx(40.0, rel=0.01)
    assert (narrow.permit, narrow.permit_match) == (None, "none")


def test_radius_works_at_the_north_of_vietnam(ward_a: Any) -> None:
    # At 23° N a degree of longitude is shorter: the search must still reach 30 m.
    lat = 23.0
    permit = PermitFactory(
        number="NORTH", ward=ward_a, parcel=box(105.0, lat, 105.0002, lat + 0.0002)
    )
    point = Point(105.0002 + lon_offset(lat + 0.0001, 29.0), lat + 0.0001, srid=4326)
    match = permit_matching(point, 30.0, ward=ward_a)
    assert match.permit == permit
    assert match.distance_m == pytest.approx(29.0, rel=0.01)
