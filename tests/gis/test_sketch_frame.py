"""A site sketch's frame: metres around the site, pixels on the canvas, dashes."""

from __future__ import annotations

import math

import pytest
from django.contrib.gis.geos import LineString, MultiPolygon, Polygon

from gis.sketch_frame import dash_segments, exterior_rings, sketch_frame_around

SITE_LON, SITE_LAT = 106.69, 10.77


def test_the_site_is_at_the_centre_and_north_is_up() -> None:
    frame = sketch_frame_around(SITE_LON, SITE_LAT, [], size_px=900)

    assert frame.pixel(SITE_LON, SITE_LAT) == (450, 450)
    north_x, north_y = frame.pixel(SITE_LON, SITE_LAT + 0.0001)
    east_x, east_y = frame.pixel(SITE_LON + 0.0001, SITE_LAT)
    assert north_x == 450 and north_y < 450
    assert east_x > 450 and east_y == 450


def test_a_metre_is_as_long_north_as_east() -> None:
    frame = sketch_frame_around(SITE_LON, SITE_LAT, [], size_px=900)
    one_metre_north = 1 / frame.metres_per_degree_lat
    one_metre_east = 1 / frame.metres_per_degree_lon

    north = 450 - frame.pixel(SITE_LON, SITE_LAT + one_metre_north)[1]
    east = frame.pixel(SITE_LON + one_metre_east, SITE_LAT)[0] - 450

    assert north == pytest.approx(east) == pytest.approx(frame.pixels_per_metre)


def test_the_frame_is_at_least_60_m_and_widens_to_show_what_is_far() -> None:
    near = sketch_frame_around(SITE_LON, SITE_LAT, [(SITE_LON, SITE_LAT + 0.0001)], size_px=900)
    assert near.half_m == 60

    hundred_metres_east = SITE_LON + 100 / near.metres_per_degree_lon
    far = sketch_frame_around(SITE_LON, SITE_LAT, [(hundred_metres_east, SITE_LAT)], size_px=900)
    assert far.half_m == pytest.approx(125)  # a quarter of room beyond it

    very_far = sketch_frame_around(SITE_LON, SITE_LAT, [(SITE_LON + 1, SITE_LAT)], size_px=900)
    assert very_far.half_m == 400


def test_the_bounds_polygon_spans_the_frame_in_wgs84() -> None:
    frame = sketch_frame_around(SITE_LON, SITE_LAT, [], size_px=900)
    bounds = frame.bounds_polygon()

    assert bounds.srid == 4326
    min_lon, min_lat, max_lon, max_lat = bounds.extent
    assert (max_lat - min_lat) * frame.metres_per_degree_lat == pytest.approx(120)
    assert (max_lon - min_lon) * frame.metres_per_degree_lon == pytest.approx(120)


def test_grid_lines_every_20_m_cover_the_canvas() -> None:
    frame = sketch_frame_around(SITE_LON, SITE_LAT, [], size_px=900)
    offsets = frame.grid_offsets(20)

    assert 450 in offsets
    assert min(offsets) < 0 and max(offsets) > 900
    gaps = {round(b - a, 6) for a, b in zip(offsets, offsets[1:], strict=False)}
    assert gaps == {round(20 * frame.pixels_per_metre, 6)}


def test_the_exterior_ring_of_each_polygon_and_none_of_a_line_or_nothing() -> None:
    square = Polygon(((0, 0), (0, 1), (1, 1), (1, 0), (0, 0)))
    other = Polygon(((5, 5), (5, 6), (6, 6), (6, 5), (5, 5)))

    assert exterior_rings(square) == [[(0, 0), (0, 1), (1, 1), (1, 0), (0, 0)]]
    assert len(exterior_rings(MultiPolygon(square, other))) == 2
    assert exterior_rings(LineString((0, 0), (1, 1))) == []
    assert exterior_rings(None) == []


def test_a_dashed_line_is_8_on_6_off_and_skipped_off_the_canvas() -> None:
    dashes = dash_segments((0, 10), (30, 10), 100)

    assert dashes == [((0, 10), (8, 10)), ((14, 10), (22, 10)), ((28, 10), (30, 10))]
    assert sum(math.dist(a, b) for a, b in dashes) == 18
    assert dash_segments((-50, 10), (-10, 10), 100) == []
    assert dash_segments((5, 5), (5, 5), 100) == []
