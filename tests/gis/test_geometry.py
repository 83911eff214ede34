"""Geometry parsing and validation with reasons a person can act on."""

from __future__ import annotations

import json
import math

import pytest
from django.contrib.gis.geos import GEOSGeometry, LineString, MultiPolygon, Point, Polygon

from gis.geometry import (
    GeometryProblem,
    as_multipolygon,
    ensure_valid_polygon,
    metric_distance_m,
    parse_geometry,
)

SQUARE = Polygon.from_bbox((106.690, 10.770, 106.691, 10.771))
BOW_TIE = Polygon(
    ((106.690, 10.770), (106.691, 10.771), (106.691, 10.770), (106.690, 10.771), (106.690, 10.770))
)
# Ben Thanh market in VN-2000 / UTM zone 48N (EPSG:3405), metres.
VN2000_EASTING_NORTHING = (686000.0, 1191000.0)


def metres_per_degree_of_longitude(lat: float) -> float:
    a, e2 = 6378137.0, 0.00669437999014  # WGS 84
    phi = math.radians(lat)
    return math.pi / 180 * a * math.cos(phi) / math.sqrt(1 - e2 * math.sin(phi) ** 2)


def problem(value: object) -> GeometryProblem:
    with pytest.raises(GeometryProblem) as caught:
        parse_geometry(value)
    return caught.value


def test_geojson_mapping_string_and_wkt_give_the_same_point_in_wgs84() -> None:
    as_dict = parse_geometry({"type": "Point", "coordinates": [106.698, 10.7725]})
    as_text = parse_geometry('{"type": "Point", "coordinates": [106.698, 10.7725]}')
    as_wkt = parse_geometry("POINT (106.698 10.7725)")
    for geom in (as_dict, as_text, as_wkt):
        assert geom.srid == 4326
        assert (geom.x, geom.y) == (106.698, 10.7725)


def test_geometry_naming_vn2000_is_reprojected_to_wgs84_near_ben_thanh() -> None:
    easting, northing = VN2000_EASTING_NORTHING
    from_ewkt = parse_geometry(f"SRID=3405;POINT ({easting} {northing})")
    from_geojson = parse_geometry(
        {
            "type": "Point",
            "coordinates": [easting, northing],
            "crs": {"type": "name", "properties": {"name": "EPSG:3405"}},
        }
    )
    for geom in (from_ewkt, from_geojson):
        assert geom.srid == 4326
        assert 106.69 < geom.x < 106.71
        assert 10.76 < geom.y < 10.78


def test_unknown_crs_is_refused_rather_than_read_as_wgs84() -> None:
    found = problem(
        {
            "type": "Point",
            "coordinates": [106.7, 10.7],
            "crs": {"type": "name", "properties": {"name": "EPSG:99999"}},
        }
    )
    assert found.code == "unknown_crs"


def test_z_values_are_dropped() -> None:
    geom = parse_geometry(
        {
            "type": "Polygon",
            "coordinates": [
                [[106.69, 10.77, 5], [106.691, 10.77, 5], [106.691, 10.771, 5], [106.69, 10.77, 5]]
            ],
        }
    )
    assert not geom.hasz
    assert geom.srid == 4326
    assert geom.num_coords == 4


def test_a_geos_geometry_is_passed_through_without_changing_the_callers_object() -> None:
    original = Point(106.7, 10.7)
    parsed = parse_geometry(original)
    assert parsed.srid == 4326
    assert parsed.equals(original)
    assert original.srid is None


@pytest.mark.parametrize(
    "value",
    [
        {"type": "Point"},
        {"type": "Point", "coordinates": [1]},
        {"type": "Point", "coordinates": ["a", "b"]},
        {},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [106.7, 10.7]}},
        {"type": "Polygon", "coordinates": [[[106.69, 10.77], [106.691, 10.771]]]},
        {
            "type": "Polygon",
            "coordinates": [[[106.69, 10.77], [106.691, 10.77], [106.691, 10.771], [106.6, 10.6]]],
        },
        '{"type": "Point", "coordinates": [106.7,',
    ],
    ids=[
        "no-coordinates",
        "one-number",
        "text-coordinates",
        "empty-object",
        "feature",
        "two-position-ring",
        "unclosed-ring",
        "truncated-json",
    ],
)
def test_malformed_geojson_is_a_problem_that_says_what_is_expected(value: object) -> None:
    found = problem(value)
    assert found.code == "unparseable"
    assert "GeoJSON" in found.reason
    assert "OGR_G_" not in found.reason and "GEOS C function" not in found.reason


@pytest.mark.parametrize("value", [None, "", "   ", 5, [106.7, 10.7], "garbage"])
def test_non_geometries_are_unparseable(value: object) -> None:
    assert problem(value).code == "unparseable"


def test_impossible_reprojection_is_a_problem_not_a_gdal_error() -> None:
    assert problem("SRID=3405;POINT (1e300 1e300)").code == "unprojectable"


def test_valid_polygon_and_multipolygon_pass() -> None:
    SQUARE.srid = 4326
    assert ensure_valid_polygon(SQUARE) is SQUARE
    multi = MultiPolygon(SQUARE, srid=4326)
    assert ensure_valid_polygon(multi) is multi


def test_bow_tie_is_invalid_with_geos_reason() -> None:
    with pytest.raises(GeometryProblem) as caught:
        ensure_valid_polygon(BOW_TIE)
    assert caught.value.code == "invalid"
    assert caught.value.reason.startswith("Self-intersection")


def test_ring_with_a_spike_reports_its_reason() -> None:
    spike = GEOSGeometry(
        "POLYGON ((106.69 10.77, 106.691 10.77, 106.691 10.771, 106.69 10.771, "
        "106.69 10.77, 106.692 10.77, 106.69 10.77))"
    )
    with pytest.raises(GeometryProblem) as caught:
        ensure_valid_polygon(spike)
    assert caught.value.code == "invalid"
    assert caught.value.reason  # GEOS names the defect (e.g. "Self-intersection[...]")


@pytest.mark.parametrize(
    "geom",
    [Point(106.7, 10.7), LineString((106.69, 10.77), (106.70, 10.78))],
    ids=["point", "linestring"],
)
def test_non_polygons_are_the_wrong_type(geom: GEOSGeometry) -> None:
    with pytest.raises(GeometryProblem) as caught:
        ensure_valid_polygon(geom)
    assert caught.value.code == "wrong_type"
    assert geom.geom_type in caught.value.reason


def test_empty_polygon_is_refused() -> None:
    with pytest.raises(GeometryProblem) as caught:
        ensure_valid_polygon(GEOSGeometry("POLYGON EMPTY"))
    assert caught.value.code == "empty"


def test_polygon_beyond_the_poles_is_out_of_range() -> None:
    beyond = Polygon.from_bbox((106.0, 95.0, 106.001, 95.001))
    beyond.srid = 4326
    with pytest.raises(GeometryProblem) as caught:
        ensure_valid_polygon(beyond)
    assert caught.value.code == "out_of_range"


def test_polygon_with_infinite_coordinates_is_refused() -> None:
    geom = parse_geometry(
        json.loads(
            '{"type": "Polygon", "coordinates": [[[106.69, 10.77], [1e400, 10.77], '
            "[106.691, 10.771], [106.69, 10.77]]]}"
        )
    )
    with pytest.raises(GeometryProblem):
        ensure_valid_polygon(geom)


def test_as_multipolygon_wraps_a_polygon_and_keeps_its_srid() -> None:
    polygon = Polygon.from_bbox((106.690, 10.770, 106.691, 10.771))
    polygon.srid = 4326
    multi = as_multipolygon(polygon)
    assert isinstance(multi, MultiPolygon)
    assert multi.srid == 4326
    assert multi[0].equals(polygon)
    assert as_multipolygon(multi) is multi
    with pytest.raises(GeometryProblem):
        as_multipolygon(Point(106.7, 10.7))


def test_metric_distance_is_in_metres() -> None:
    lat = 10.7725
    east = 100 / metres_per_degree_of_longitude(lat)
    a = Point(106.698, lat, srid=4326)
    b = Point(106.698 + east, lat, srid=4326)
    assert metric_distance_m(a, b) == pytest.approx(100.0, abs=0.1)


def test_metric_distance_from_a_polygon_to_a_point_inside_is_zero() -> None:
    polygon = Polygon.from_bbox((106.690, 10.770, 106.691, 10.771))
    polygon.srid = 4326
    assert metric_distance_m(polygon, Point(106.6905, 10.7705, srid=4326)) == 0.0


def test_metric_distance_from_beyond_the_pole_is_a_problem() -> None:
    # Not degrees at all: refused by name. (A far but real position is a distance.)
    beyond = Point(106.7, 95.0, srid=4326)
    with pytest.raises(GeometryProblem) as caught:
        metric_distance_m(beyond, Point(106.7, 10.7, srid=4326))
    assert caught.value.code == "out_of_range"
