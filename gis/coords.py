"""Coordinate sanity for WGS 84 input: ranges, Vietnam's extent, swapped axes.

Pure functions with no knowledge of the application. Latitude/longitude
swapped is the most common input error in the field: Vietnam spans roughly
lat 8–24 N, lon 102–110 E, so a "latitude" of 106.7 is a longitude.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum

# Mainland plus the near islands (Phú Quốc, Côn Đảo). Hoàng Sa / Trường Sa are
# outside ward work and deliberately not included.
VIETNAM_LAT = (8.0, 24.0)
VIETNAM_LON = (102.0, 110.0)


class CoordinateProblem(Enum):
    NOT_A_NUMBER = "not_a_number"
    OUT_OF_RANGE = "out_of_range"
    SWAPPED = "swapped"
    OUTSIDE_VIETNAM = "outside_vietnam"


@dataclass(frozen=True)
class CoordinateError(ValueError):
    problem: CoordinateProblem
    lat: float | None
    lon: float | None

    def __str__(self) -> str:
        return f"{self.problem.value}: lat={self.lat} lon={self.lon}"


def _in(value: float, bounds: tuple[float, float]) -> bool:
    return bounds[0] <= value <= bounds[1]


def in_vietnam(lat: float, lon: float) -> bool:
    return _in(lat, VIETNAM_LAT) and _in(lon, VIETNAM_LON)


def check_lat_lon(lat: object, lon: object) -> tuple[float, float]:
    """Return (lat, lon) as floats if they are a plausible position in Vietnam.

    Raises CoordinateError naming the problem: not numbers, outside the
    WGS 84 ranges, swapped (the reversed pair lies in Vietnam), or simply
    outside Vietnam.
    """
    try:
        flat = float(lat)  # type: ignore[arg-type]
        flon = float(lon)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        raise CoordinateError(CoordinateProblem.NOT_A_NUMBER, None, None) from None
    if not (math.isfinite(flat) and math.isfinite(flon)):
        raise CoordinateError(CoordinateProblem.NOT_A_NUMBER, None, None)
    if in_vietnam(flat, flon):
        return flat, flon
    if in_vietnam(flon, flat):
        raise CoordinateError(CoordinateProblem.SWAPPED, flat, flon)
    if not (-90.0 <= flat <= 90.0 and -180.0 <= flon <= 180.0):
        raise CoordinateError(CoordinateProblem.OUT_OF_RANGE, flat, flon)
    raise CoordinateError(CoordinateProblem.OUTSIDE_VIETNAM, flat, flon)


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """Parse "minlon,minlat,maxlon,maxlat" into floats, checking order and ranges."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 4:
        raise ValueError("bbox needs four numbers: minlon,minlat,maxlon,maxlat")
    try:
        minlon, minlat, maxlon, maxlat = (float(p) for p in parts)
    except ValueError:
        raise ValueError("bbox values must be numbers") from None
    values = (minlon, minlat, maxlon, maxlat)
    if not all(math.isfinite(v) for v in values):
        raise ValueError("bbox values must be finite numbers")
    if not (-180 <= minlon <= 180 and -180 <= maxlon <= 180):
        raise ValueError("bbox longitudes must lie within -180..180")
    if not (-90 <= minlat <= 90 and -90 <= maxlat <= 90):
        raise ValueError("bbox latitudes must lie within -90..90")
    if minlon > maxlon or minlat > maxlat:
        raise ValueError("bbox minimum is greater than its maximum")
    return minlon, minlat, maxlon, maxlat
