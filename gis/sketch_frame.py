"""The geometry of a north-up site sketch: metres around a point, then pixels.

A sketch shows a few hundred metres around a site. Over that distance an
equirectangular projection (degrees scaled to local metres at the site's
latitude) is exact enough, so a grid and a scale bar drawn in metres are true
without a map projection library. Drawing itself is left to the caller.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Polygon

Coordinate = tuple[float, float]

METRES_PER_DEGREE_LATITUDE = 111_320.0


@dataclass(frozen=True)
class SketchFrame:
    """A square view `half_m` metres either side of a centre, `size_px` pixels wide."""

    centre_lon: float
    centre_lat: float
    half_m: float
    size_px: int
    margin_px: int = 40

    @property
    def metres_per_degree_lat(self) -> float:
        return METRES_PER_DEGREE_LATITUDE

    @property
    def metres_per_degree_lon(self) -> float:
        return METRES_PER_DEGREE_LATITUDE * math.cos(math.radians(self.centre_lat))

    @property
    def pixels_per_metre(self) -> float:
        return (self.size_px - 2 * self.margin_px) / (2 * self.half_m)

    def pixel(self, lon: float, lat: float) -> Coordinate:
        """Where a WGS 84 position falls on the canvas (y grows downwards)."""
        scale = self.pixels_per_metre
        return (
            self.size_px / 2 + (lon - self.centre_lon) * self.metres_per_degree_lon * scale,
            self.size_px / 2 - (lat - self.centre_lat) * self.metres_per_degree_lat * scale,
        )

    def bounds_polygon(self) -> Polygon:
        """The frame's extent in EPSG:4326, to select what falls inside it."""
        half_lon = self.half_m / self.metres_per_degree_lon
        half_lat = self.half_m / self.metres_per_degree_lat
        polygon = Polygon.from_bbox(
            (
                self.centre_lon - half_lon,
                self.centre_lat - half_lat,
                self.centre_lon + half_lon,
                self.centre_lat + half_lat,
            )
        )
        polygon.srid = 4326
        return polygon

    def grid_offsets(self, step_m: float) -> list[float]:
        """Pixel offsets of grid lines every `step_m` metres, one beyond each edge."""
        lines = int(self.half_m // step_m)
        return [
            self.size_px / 2 + k * step_m * self.pixels_per_metre
            for k in range(-lines - 1, lines + 2)
        ]


def sketch_frame_around(
    centre_lon: float,
    centre_lat: float,
    shown: Iterable[Coordinate],
    *,
    size_px: int,
    least_half_m: float = 60.0,
    most_half_m: float = 400.0,
) -> SketchFrame:
    """A frame around the centre wide enough to show every `shown` position.

    A quarter of room is left around the farthest one; never narrower than
    `least_half_m` nor wider than `most_half_m` either side of the centre.
    """
    metres_per_degree_lon = METRES_PER_DEGREE_LATITUDE * math.cos(math.radians(centre_lat))
    half = least_half_m
    for lon, lat in shown:
        dx = abs((lon - centre_lon) * metres_per_degree_lon)
        dy = abs((lat - centre_lat) * METRES_PER_DEGREE_LATITUDE)
        half = max(half, min(most_half_m, max(dx, dy) * 1.25))
    return SketchFrame(centre_lon, centre_lat, half, size_px)


def exterior_rings(geometry: GEOSGeometry | None) -> list[list[Coordinate]]:
    """The outer ring of each polygon in a Polygon or MultiPolygon; nothing for anything else."""
    if isinstance(geometry, MultiPolygon):
        return [_ring_of(polygon) for polygon in geometry if isinstance(polygon, Polygon)]
    if isinstance(geometry, Polygon):
        return [_ring_of(geometry)]
    return []


def _ring_of(polygon: Polygon) -> list[Coordinate]:
    return [(float(x), float(y)) for x, y, *_ in polygon.exterior_ring.coords]


def dash_segments(
    start: Coordinate, end: Coordinate, size_px: int, *, on_px: float = 8, off_px: float = 6
) -> list[tuple[Coordinate, Coordinate]]:
    """The dashes of a dashed line from start to end on a square canvas.

    A line wholly off the canvas has none: a ward boundary can run for
    kilometres beyond the sketch.
    """
    xs, ys = (start[0], end[0]), (start[1], end[1])
    if max(xs) < 0 or min(xs) > size_px or max(ys) < 0 or min(ys) > size_px:
        return []
    length = math.dist(start, end)
    if length == 0:
        return []
    ux, uy = (end[0] - start[0]) / length, (end[1] - start[1]) / length
    dashes = []
    position = 0.0
    while position < length:
        stop = min(position + on_px, length)
        dashes.append(
            (
                (start[0] + ux * position, start[1] + uy * position),
                (start[0] + ux * stop, start[1] + uy * stop),
            )
        )
        position += on_px + off_px
    return dashes
