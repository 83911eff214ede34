"""The piece of a ward's boundary a case's small map shows: near the site, cut in PostGIS."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon

from backend.wards.selectors import ward_outline_near
from tests.factories import WardFactory

pytestmark = pytest.mark.django_db


def _round_ward(vertices: int) -> Any:
    ring = [
        (
            106.70 + 0.02 * math.cos(2 * math.pi * i / vertices),
            10.77 + 0.02 * math.sin(2 * math.pi * i / vertices),
        )
        for i in range(vertices)
    ]
    ring.append(ring[0])
    return WardFactory(code="91000", boundary=MultiPolygon(Polygon(ring), srid=4326))


def test_only_the_boundary_near_the_site_is_sent() -> None:
    ward = _round_ward(20_000)
    near_edge = Point(106.7195, 10.77, srid=4326)  # about 55 m inside the east edge
    outline = ward_outline_near(ward.pk, near_edge)
    assert outline is not None
    text = outline.lines
    shape = json.loads(text)
    nearest = json.loads(outline.nearest)["coordinates"]
    assert abs(nearest[0] - 106.72) < 0.0002 and abs(nearest[1] - 10.77) < 0.001
    assert shape["type"] in ("LineString", "MultiLineString")
    # A 1.2 km window of a 14 km ring: a small part of its 20,000 vertices.
    assert len(text) < 20_000
    xs = [
        x
        for x, _y in (
            shape["coordinates"] if shape["type"] == "LineString" else sum(shape["coordinates"], [])
        )
    ]
    assert min(xs) > 106.70 + 0.02 * 0.9


def test_the_middle_of_a_ward_has_no_outline() -> None:
    ward = _round_ward(64)
    assert ward_outline_near(ward.pk, Point(106.70, 10.77, srid=4326)) is None
