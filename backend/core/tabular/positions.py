"""A register row's position: VN-2000 X/Y of the city's zone, or latitude and longitude.

Registers typed from the map often swap the two axes: a VN-2000 northing
(~1,200,000 m in the city) is always larger than its easting (~600,000 m),
and a latitude in Vietnam (8°–24°) never looks like its longitude
(102°–110°), so a swapped pair is read the other way round with a note
rather than refused. Every import that reads positions (permits, cases)
reads them here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.gis.gdal import CoordTransform, SpatialReference
from django.contrib.gis.geos import Point
from django.utils.translation import gettext as _

from backend.core.tabular.values import CellError, is_blank, parse_decimal
from gis.coords import CoordinateError, CoordinateProblem, check_lat_lon, in_vietnam
from gis.vn2000 import HCMC_VN2000_SRID, grid_axes


@dataclass(frozen=True)
class PositionProblem:
    """Why a row's position cannot be read: the field to blame and what to fix."""

    key: str  # "x", "y", "lat" or "lon"
    value: Any
    message: str


@dataclass(frozen=True)
class Position:
    """What a row's cells say about its position: a point (EPSG:4326), a note, or a problem."""

    point: Point | None = None
    note: str = ""  # the axes were swapped and read the other way round
    problem: PositionProblem | None = None


class PositionReader:
    """Reads X/Y (VN-2000, the city's zone) or latitude/longitude; the transform built once."""

    def __init__(self) -> None:
        self._to_wgs84 = CoordTransform(SpatialReference(HCMC_VN2000_SRID), SpatialReference(4326))

    def read(self, *, x: Any = None, y: Any = None, lat: Any = None, lon: Any = None) -> Position:
        """X/Y when both are given, else latitude/longitude when both are, else no point."""
        numbers: dict[str, float | None] = {}
        for key, value in (("x", x), ("y", y), ("lat", lat), ("lon", lon)):
            if is_blank(value):
                numbers[key] = None
                continue
            try:
                numbers[key] = float(parse_decimal(value))
            except CellError as error:
                return Position(problem=PositionProblem(key, value, error.message))
        if numbers["x"] is not None and numbers["y"] is not None:
            return self._grid(numbers["x"], numbers["y"], x)
        if numbers["lat"] is not None and numbers["lon"] is not None:
            return self._degrees(numbers["lat"], numbers["lon"], lat)
        return Position()

    def _grid(self, x: float, y: float, written: Any) -> Position:
        axes = grid_axes(x, y)
        if axes is None:
            return Position(
                problem=PositionProblem(
                    "x",
                    written,
                    _(
                        "X and Y are not a VN-2000 position (X about 1.200.000, Y about 600.000 "
                        "in the city): check the columns and the unit (metres)."
                    ),
                )
            )
        note = (
            _(
                "X and Y were swapped (X is the northing, about 1.200.000); they were read "
                "the other way round."
            )
            if axes.swapped
            else ""
        )
        point = Point(axes.easting_m, axes.northing_m, srid=HCMC_VN2000_SRID)
        point.transform(self._to_wgs84)
        return Position(point=Point(round(point.x, 7), round(point.y, 7), srid=4326), note=note)

    def _degrees(self, lat: float, lon: float, written: Any) -> Position:
        note = ""
        try:
            lat, lon = check_lat_lon(lat, lon)
        except CoordinateError as error:
            if error.problem is not CoordinateProblem.SWAPPED:
                return Position(
                    problem=PositionProblem(
                        "lat",
                        written,
                        _(
                            "Latitude and longitude are not a position in Vietnam: write "
                            "degrees such as 10,7769 and 106,7009."
                        ),
                    )
                )
            lat, lon = lon, lat
            note = _(
                "Latitude and longitude were swapped (latitude is about 10.8 in the city); "
                "they were read the other way round."
            )
        assert in_vietnam(lat, lon)
        return Position(point=Point(lon, lat, srid=4326), note=note)
