"""VN-2000, the national grid Vietnamese cadastral maps are drawn in.

Ho Chi Minh City's cadastral sheets use VN-2000 on the 3° zone with central
meridian 105°45′ (EPSG:9210). A position given in both WGS 84 and VN-2000
can be found on the sheet as well as on a phone.
"""

from __future__ import annotations

from typing import NamedTuple

from django.contrib.gis.geos import Point

HCMC_VN2000_SRID = 9210


class GridPosition(NamedTuple):
    """Surveyors' axes: X counts metres north, Y metres east."""

    x_northing_m: float
    y_easting_m: float


def vn2000_hcmc_position(point: Point) -> GridPosition | None:
    """The point (with its SRID set) on Ho Chi Minh City's VN-2000 grid.

    None when it cannot be transformed, e.g. a GDAL without the EPSG entry:
    WGS 84 alone still locates the site.
    """
    try:
        projected = point.transform(HCMC_VN2000_SRID, clone=True)
    except Exception:  # GDAL and GEOS raise several kinds; any of them means "no grid position"
        return None
    if not isinstance(projected, Point):
        return None
    return GridPosition(x_northing_m=projected.y, y_easting_m=projected.x)


# Vietnam spans ~8.5–23.4° N: on any VN-2000 3° zone, northings run from about
# 940 km to 2,600 km and eastings stay within ~±250 km of the 500 km false easting.
NORTHING_RANGE_M = (900_000.0, 2_700_000.0)
EASTING_RANGE_M = (200_000.0, 800_000.0)


class GridAxes(NamedTuple):
    northing_m: float
    easting_m: float
    swapped: bool  # the file's X held the easting and its Y the northing


def grid_axes(x: float, y: float) -> GridAxes | None:
    """A surveyor's (X, Y) pair as (northing, easting), swapped back when written the other way.

    Registers typed from the map often put the easting (~600,000 in Ho Chi Minh
    City) under X and the northing (~1,200,000) under Y. In Vietnam the
    northing is always the larger, so the two ranges cannot be confused.
    None when neither order is a position in Vietnam.
    """

    def plausible(northing: float, easting: float) -> bool:
        return (
            NORTHING_RANGE_M[0] <= northing <= NORTHING_RANGE_M[1]
            and EASTING_RANGE_M[0] <= easting <= EASTING_RANGE_M[1]
        )

    if plausible(x, y):
        return GridAxes(x, y, False)
    if plausible(y, x):
        return GridAxes(y, x, True)
    return None
