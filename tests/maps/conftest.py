"""Helpers for the map tests: tile arithmetic and MVT decoding."""

from __future__ import annotations

import datetime
import math
from typing import Any

import mapbox_vector_tile
import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from backend.cases.models import Stage, ViolationType
from tests.factories import CaseFactory

# Inside test ward A (106.68–106.70) and test ward B (106.70–106.72), lat 10.76–10.78.
IN_A = (106.690, 10.770)
IN_B = (106.710, 10.770)


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    n = 1 << z
    x = int((lon + 180.0) / 360.0 * n)
    lat_rad = math.radians(lat)
    y = int((1.0 - math.asinh(math.tan(lat_rad)) / math.pi) / 2.0 * n)
    return z, x, y


def tile_url(layer: str, lon: float, lat: float, z: int, query: str = "") -> str:
    z, x, y = tile_of(lon, lat, z)
    return f"/api/tiles/{layer}/{z}/{x}/{y}.pbf" + (f"?{query}" if query else "")


def features(response: Any, layer: str) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/vnd.mapbox-vector-tile"
    decoded = mapbox_vector_tile.decode(response.content)
    return decoded.get(layer, {}).get("features", [])


def make_case(ward: Any, lonlat: tuple[float, float], **kwargs: Any) -> Any:
    kwargs.setdefault("stage", Stage.DETECTED)
    kwargs.setdefault("violation_type", ViolationType.CLAUSE_7)
    return CaseFactory(ward=ward, location=Point(*lonlat, srid=4326), **kwargs)


def days_ago(n: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=n)


@pytest.fixture
def today() -> datetime.date:
    return timezone.localdate()
