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
