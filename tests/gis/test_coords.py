"""Coordinate sanity: ranges, Vietnam's extent and swapped axes."""

from __future__ import annotations

import math

import pytest

from gis.coords import CoordinateError, CoordinateProblem, check_lat_lon, in_vietnam, parse_bbox

BEN_THANH = (10.7725, 106.6980)  # lat, lon


def problem_of(lat: object, lon: object) -> CoordinateProblem:
    with pytest.raises(CoordinateError) as caught:
        check_lat_lon(lat, lon)
    return caught.value.problem


def test_position_in_ho_chi_minh_city_is_accepted_as_floats() -> None:
    assert check_lat_lon(*BEN_THANH) == BEN_THANH
    assert check_lat_lon("10.7725", "106.698") == (10.7725, 106.698)


@pytest.mark.parametrize(
    ("lat", "lon"),
    [(8.0, 102.0), (24.0, 110.0), (21.0285, 105.8542), (10.2, 103.96)],
    ids=["south-west corner", "north-east corner", "Hanoi", "Phu Quoc"],
)
def test_positions_across_vietnam_are_accepted(lat: float, lon: float) -> None:
    assert check_lat_lon(lat, lon) == (lat, lon)


def test_swapped_pair_is_recognised_and_keeps_the_given_values() -> None:
    with pytest.raises(CoordinateError) as caught:
        check_lat_lon(106.698, 10.7725)
    assert caught.value.problem is CoordinateProblem.SWAPPED
    assert (caught.value.lat, caught.value.lon) == (106.698, 10.7725)


@pytest.mark.parametrize(
    ("lat", "lon"),
    [(48.8566, 2.3522), (13.7563, 100.5018), (1.3521, 103.8198), (-10.7725, 106.698), (0.0, 0.0)],
    ids=["Paris", "Bangkok", "Singapore", "southern hemisphere", "null island"],
)
def test_positions_outside_vietnam_are_refused(lat: float, lon: float) -> None:
    assert problem_of(lat, lon) is CoordinateProblem.OUTSIDE_VIETNAM


@pytest.mark.parametrize(
    ("lat", "lon"), [(95.0, 106.7), (-90.5, 106.7), (10.77, 190.0), (10.77, -180.01), (1e6, 1e6)]
)
def test_impossible_degrees_are_out_of_range(lat: float, lon: float) -> None:
    assert problem_of(lat, lon) is CoordinateProblem.OUT_OF_RANGE


@pytest.mark.parametrize(
    ("lat", "lon"),
    [
        ("abc", 106.7),
        (10.77, None),
        ("", ""),
        (math.nan, 106.7),
        (10.77, math.inf),
        ("1e999", 106.7),
        (10**400, 106.7),
        ([10.77], 106.7),
        ("10,77", "106,70"),
    ],
    ids=["text", "missing", "blank", "nan", "inf", "inf-text", "huge-int", "list", "decimal-comma"],
)
def test_non_numbers_are_refused(lat: object, lon: object) -> None:
    assert problem_of(lat, lon) is CoordinateProblem.NOT_A_NUMBER


def test_coordinate_error_is_a_value_error_naming_the_problem() -> None:
    with pytest.raises(ValueError, match="swapped"):
        check_lat_lon(106.698, 10.7725)


def test_in_vietnam_reads_latitude_first() -> None:
    assert in_vietnam(*BEN_THANH)
    assert not in_vietnam(BEN_THANH[1], BEN_THANH[0])


def test_bbox_is_parsed_in_lon_lat_order_with_spaces() -> None:
    assert parse_bbox(" 106.68, 10.76 ,106.72,10.78 ") == (106.68, 10.76, 106.72, 10.78)


def test_degenerate_bbox_of_a_single_point_is_allowed() -> None:
    assert parse_bbox("106.7,10.77,106.7,10.77") == (106.7, 10.77, 106.7, 10.77)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("106.68,10.76,106.72", "four numbers"),
        ("106.68,10.76,106.72,10.78,1", "four numbers"),
        ("", "four numbers"),
        ("a,b,c,d", "must be numbers"),
        ("106.68,,106.72,10.78", "must be numbers"),
        ("nan,10.76,106.72,10.78", "finite"),
        ("106.68,10.76,inf,10.78", "finite"),
        ("186.68,10.76,187,10.78", "longitudes"),
        ("10.76,106.68,10.78,106.72", "latitudes"),
        ("106.72,10.76,106.68,10.78", "greater than its maximum"),
        ("106.68,10.78,106.72,10.76", "greater than its maximum"),
    ],
)
def test_bad_bbox_is_refused_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_bbox(text)
