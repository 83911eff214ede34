"""Vector-tile building blocks: tile arithmetic and the SQL around ST_AsMVT.

The rows of a tile always come from an access selector's queryset, compiled
to SQL by Django and wrapped here; this module never decides who sees what.

A tile's statement is compiled with slots (TileSlot) where the tile address
goes; backend.maps.tile_statements runs and caches those statements, and
backend.maps.sql runs the map's other statements.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any

from django.contrib.gis.db.models import GeometryField
from django.db.models import BinaryField, Expression, FloatField, Func, IntegerField, Value
from django.utils.translation import gettext as _

from backend.core.errors import InvalidInput

# Half the width of the Web Mercator square (EPSG:3857), in metres.
WORLD_HALF = 20037508.342789244
EXTENT = 4096  # tile coordinate units per tile side (the MVT default)
MAX_ZOOM = 22
# Below this zoom cases arrive as clusters: a z13 tile spans ~5 km, where a
# city's cases are thousands of overlapping dots.
CASE_POINT_MIN_ZOOM = 14
# Parcels only from here: a z15 tile spans ~1.2 km, a few thousand parcels.
PERMIT_MIN_ZOOM = 15
# Construction sites (one point each, about one per permit) from here: a z14
# tile spans ~2.4 km, a few thousand sites at most in the densest ward.
SITE_MIN_ZOOM = 14
# Citizens' reports (one point each) from here: a z13 tile spans ~5 km, a
# ward's few hundred open reports at most.
TIP_MIN_ZOOM = 13
# Cluster cells per tile side: 8 cells of 32 px on a 256 px tile.
CLUSTER_CELLS = 8
CLUSTER_BUFFER = EXTENT // CLUSTER_CELLS
POINT_BUFFER = 256  # 16 px: a marker near an edge is drawn whole by both tiles
POLYGON_BUFFER = 64
# Part of every ETag: bump when the layout of a tile (properties, clustering)
# changes, so browsers do not keep tiles of the old layout.
TILE_FORMAT = "1"


@dataclass(frozen=True)
class TileAddress:
    z: int
    x: int
    y: int

    @classmethod
    def checked(cls, z: int, x: int, y: int) -> TileAddress:
        if not 0 <= z <= MAX_ZOOM:
            raise InvalidInput(
                _("The zoom level must be between 0 and %(max)s.") % {"max": MAX_ZOOM}, field="z"
            )
        side = 1 << z
        if not (0 <= x < side and 0 <= y < side):
            raise InvalidInput(
                _("Tile %(x)s/%(y)s does not exist at zoom %(z)s (0 to %(last)s).")
                % {"x": x, "y": y, "z": z, "last": side - 1},
                field="x" if not 0 <= x < side else "y",
            )
        return cls(z, x, y)

    @property
    def size_m(self) -> float:
        return 2 * WORLD_HALF / (1 << self.z)

    def bounds_3857(self, buffer_units: int = 0) -> tuple[float, float, float, float]:
        size = self.size_m
        pad = size * buffer_units / EXTENT
        minx = -WORLD_HALF + self.x * size
        maxy = WORLD_HALF - self.y * size
        return minx - pad, maxy - size - pad, minx + size + pad, maxy + pad

    def bounds_4326(self, buffer_units: int = 0) -> tuple[float, float, float, float]:
        """The tile (plus a buffer) as a lon/lat box.

        Mercator is monotonic in each axis, so the box of the corners is exact.
        """
        return _bounds_4326(self.z, self.x, self.y, buffer_units)


@functools.lru_cache(maxsize=4096)
def _bounds_4326(z: int, x: int, y: int, buffer_units: int) -> tuple[float, float, float, float]:
    # Each side of the box is a statement parameter of its own: computed once per tile.
    minx, miny, maxx, maxy = TileAddress(z, x, y).bounds_3857(buffer_units)
    west, south = mercator_to_lon_lat(max(minx, -WORLD_HALF), max(miny, -WORLD_HALF))
    east, north = mercator_to_lon_lat(min(maxx, WORLD_HALF), min(maxy, WORLD_HALF))
    return west, south, east, north


def mercator_to_lon_lat(x: float, y: float) -> tuple[float, float]:
    lon = x / WORLD_HALF * 180.0
    lat = math.degrees(math.atan(math.sinh(y / WORLD_HALF * math.pi)))
    return lon, lat


BOX_SIDES = ("west", "south", "east", "north")


@dataclass(frozen=True)
class TileSlot:
    """A statement parameter that depends only on the tile address.

    `z`, `x`, `y`; a side of the lon/lat box (`west`, `south`, `east`,
    `north`) widened by `units` tile units; `metres`: the length of `units`
    tile units on the ground (Web Mercator metres); `cells`: the cluster grid
    cells per side of the world at the tile's zoom.
    """

    name: str
    units: int = 0

    def value(self, tile: TileAddress) -> int | float:
        if self.name in ("z", "x", "y"):
            return int(getattr(tile, self.name))
        if self.name in BOX_SIDES:
            return tile.bounds_4326(self.units)[BOX_SIDES.index(self.name)]
        if self.name == "metres":
            return tile.size_m / EXTENT * self.units
        if self.name == "cells":
            return (1 << tile.z) * CLUSTER_CELLS
        raise ValueError(f"unknown tile slot {self.name!r}")

    def text(self) -> str:
        return f"<tile {self.name} {self.units}>"


TILE_Z, TILE_X, TILE_Y = TileSlot("z"), TileSlot("x"), TileSlot("y")
TILE_CELLS = TileSlot("cells")


class TileValue(Expression):
    """A tile slot inside an ORM expression: compiled to a placeholder whose
    parameter is the slot itself, filled in when the statement runs."""

    def __init__(self, slot: TileSlot, output_field: Any) -> None:
        super().__init__(output_field=output_field)
        self.slot = slot

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        return "%s", (self.slot,)


class MakeEnvelope(Func):
    # Built in SQL from four numbers: cheaper than a GEOS polygon per request.
    function = "ST_MakeEnvelope"
    arity = 5
    output_field = GeometryField(srid=4326)


def tile_box_4326(buffer_units: int = 0) -> MakeEnvelope:
    """The tile (plus a buffer) as a lon/lat box, for the GiST `&&` filter."""
    return MakeEnvelope(
        *(TileValue(TileSlot(side, buffer_units), FloatField()) for side in BOX_SIDES),
        Value(4326),
    )


class TileEnvelope(Func):
    function = "ST_TileEnvelope"
    arity = 3
    output_field = GeometryField(srid=3857)


class AsMVTGeom(Func):
    """ST_AsMVTGeom: a geometry in tile coordinates, clipped to tile + buffer.

    The output is declared binary: the value is only ever consumed by
    ST_AsMVT in SQL, never read back as a Python geometry.
    """

    function = "ST_AsMVTGeom"
    output_field = BinaryField()

    def __init__(self, geometry: Any, buffer_units: int) -> None:
        super().__init__(
            geometry,
            TileEnvelope(*(TileValue(slot, IntegerField()) for slot in (TILE_Z, TILE_X, TILE_Y))),
            Value(EXTENT),
            Value(buffer_units),
            Value(True),
        )


class SimplifyPreserveTopology(Func):
    function = "ST_SimplifyPreserveTopology"
    output_field = GeometryField(srid=3857)


def mvt_sql(
    select_sql: str, select_params: list[Any], layer: str, id_column: str | None
) -> tuple[str, list[Any]]:
    """Wrap a row source with a `geom` column into one ST_AsMVT layer."""
    id_arg = ", 'id'" if id_column == "id" else ""
    # The row source is Django-compiled SQL; every value is a parameter.
    sql = f"SELECT ST_AsMVT(t, %s, {EXTENT}, 'geom'{id_arg}) FROM ({select_sql}) AS t "  # noqa: S608
    sql += "WHERE t.geom IS NOT NULL"
    return sql, [layer, *select_params]


def cluster_sql(points_sql: str, points_params: list[Any]) -> tuple[str, list[Any]]:
    """Group a tile's points into a fixed grid of cells, one feature per cell.

    The grid is global (aligned on tile edges), and the caller's rows cover the
    tile plus one cell on each side: a cell near an edge is computed whole,
    identically, by both tiles that draw it. Cells are indexed in Web Mercator
    from lon/lat arithmetic, which is cheaper than ST_Transform on every row.
    """
    sql = f"""
        SELECT ST_AsMVTGeom(
                   ST_Transform(ST_SetSRID(ST_MakePoint(avg(s.lon), avg(s.lat)), 4326), 3857),
                   ST_TileEnvelope(%s, %s, %s), {EXTENT}, {CLUSTER_BUFFER}, true) AS geom,
               count(*)::integer AS n,
               (count(*) FILTER (WHERE s.overdue))::integer AS overdue_n,
               mode() WITHIN GROUP (ORDER BY s.stage) AS stage,
               CASE WHEN count(*) = 1 THEN min(s.id) END AS case_id
        FROM ({points_sql}) AS s
        GROUP BY floor((s.lon + 180.0) / 360.0 * %s),
                 floor((1.0 - ln(tan(radians(s.lat)) + 1.0 / cos(radians(s.lat))) / pi())
                       / 2.0 * %s)
    """  # noqa: S608 - Django-compiled SQL, values are parameters
    return sql, [TILE_Z, TILE_X, TILE_Y, *points_params, TILE_CELLS, TILE_CELLS]
