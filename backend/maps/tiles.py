"""Vector-tile building blocks: tile arithmetic and the SQL around ST_AsMVT.

The rows of a tile always come from an access selector's queryset, compiled
to SQL by Django and wrapped here; this module never decides who sees what.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.geos import GEOSGeometry
from django.db import connection
from django.db.models import BinaryField, Func, Value
from django.utils.translation import gettext as _

from backend.errors import InvalidInput

# Half the width of the Web Mercator square (EPSG:3857), in metres.
WORLD_HALF = 20037508.342789244
EXTENT = 4096  # tile coordinate units per tile side (the MVT default)
MAX_ZOOM = 22
# Below this zoom cases arrive as clusters: a z13 tile spans ~5 km, where a
# city's cases are thousands of overlapping dots.
CASE_POINT_MIN_ZOOM = 14
# Parcels only from here: a z15 tile spans ~1.2 km, a few thousand parcels.
PERMIT_MIN_ZOOM = 15
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
        minx, miny, maxx, maxy = self.bounds_3857(buffer_units)
        west, south = mercator_to_lon_lat(max(minx, -WORLD_HALF), max(miny, -WORLD_HALF))
        east, north = mercator_to_lon_lat(min(maxx, WORLD_HALF), min(maxy, WORLD_HALF))
        return west, south, east, north

    def envelope_4326(self, buffer_units: int = 0) -> MakeEnvelope:
        """The lon/lat box as an SQL expression, for the GiST `&&` filter."""
        return MakeEnvelope(*(Value(v) for v in self.bounds_4326(buffer_units)), Value(4326))


def mercator_to_lon_lat(x: float, y: float) -> tuple[float, float]:
    lon = x / WORLD_HALF * 180.0
    lat = math.degrees(math.atan(math.sinh(y / WORLD_HALF * math.pi)))
    return lon, lat


class MakeEnvelope(Func):
    # Built in SQL from four numbers: cheaper than a GEOS polygon per request.
    function = "ST_MakeEnvelope"
    arity = 5
    output_field = GeometryField(srid=4326)


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

    def __init__(self, geometry: Any, tile: TileAddress, buffer_units: int) -> None:
        super().__init__(
            geometry,
            TileEnvelope(Value(tile.z), Value(tile.x), Value(tile.y)),
            Value(EXTENT),
            Value(buffer_units),
            Value(True),
        )


class SimplifyPreserveTopology(Func):
    function = "ST_SimplifyPreserveTopology"
    output_field = GeometryField(srid=3857)


def compiled(qs: Any) -> tuple[str, list[Any]]:
    """The SQL and parameters Django would run for `qs`."""
    sql, params = qs.query.sql_with_params()
    return sql, list(params)


def mvt_sql(
    select_sql: str, select_params: list[Any], layer: str, id_column: str | None
) -> tuple[str, list[Any]]:
    """Wrap a row source with a `geom` column into one ST_AsMVT layer."""
    id_arg = ", 'id'" if id_column == "id" else ""
    # The row source is Django-compiled SQL; every value is a parameter.
    sql = f"SELECT ST_AsMVT(t, %s, {EXTENT}, 'geom'{id_arg}) FROM ({select_sql}) AS t "  # noqa: S608
    sql += "WHERE t.geom IS NOT NULL"
    return sql, [layer, *select_params]


def cluster_sql(
    points_sql: str, points_params: list[Any], tile: TileAddress
) -> tuple[str, list[Any]]:
    """Group a tile's points into a fixed grid of cells, one feature per cell.

    The grid is global (aligned on tile edges), and the caller's rows cover the
    tile plus one cell on each side: a cell near an edge is computed whole,
    identically, by both tiles that draw it. Cells are indexed in Web Mercator
    from lon/lat arithmetic, which is cheaper than ST_Transform on every row.
    """
    cells = (1 << tile.z) * CLUSTER_CELLS
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
    return sql, [tile.z, tile.x, tile.y, *points_params, cells, cells]


def _param_text(value: Any) -> str:
    if isinstance(value, GEOSGeometry):
        return value.hex.decode()
    ewkb = getattr(value, "ewkb", None)  # a geometry already adapted for the driver
    if isinstance(ewkb, bytes | memoryview):
        return bytes(ewkb).hex()
    return repr(value)


def fingerprint(layer: str, tile: TileAddress, sql: str, params: Sequence[Any]) -> str:
    """Everything that decides a tile's bytes except the data itself.

    The compiled SQL carries the user's ward restriction, the filters and the
    day used for "overdue", so two users get the same fingerprint only when
    their queries are identical.
    """
    digest = hashlib.sha256()
    for part in (TILE_FORMAT, layer, f"{tile.z}/{tile.x}/{tile.y}", sql):
        digest.update(part.encode())
        digest.update(b"\x00")
    for value in params:
        digest.update(_param_text(value).encode())
        digest.update(b"\x00")
    return digest.hexdigest()


def parse_if_none_match(header: str) -> tuple[list[str], bool]:
    """The entity tags of If-None-Match (weak or strong), and whether it was `*`."""
    tags: list[str] = []
    for raw in header.split(","):
        tag = raw.strip()
        if tag == "*":
            return [], True
        if tag.startswith("W/"):
            tag = tag[2:]
        tag = tag.strip('"')
        if tag and len(tag) <= 64 and len(tags) < 20:
            tags.append(tag)
    return tags, False


# Sent in the same query string as each map statement, so they hold for that
# statement only (one implicit transaction; psycopg2 sends it as one simple
# query). PostGIS declares its functions expensive, so the planner would JIT-
# compile (20–400 ms) and start parallel workers for queries that take a few
# milliseconds: both only slow a tile down.
STATEMENT_SETTINGS = "SET LOCAL jit = off; SET LOCAL max_parallel_workers_per_gather = 0; "


def run_statement(sql: str, params: Sequence[Any]) -> tuple[Any, ...]:
    """Run one map statement under STATEMENT_SETTINGS; return its single row."""
    with connection.cursor() as cursor:
        cursor.execute(STATEMENT_SETTINGS + sql, params)
        return tuple(cursor.fetchone())


def run_rows(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(STATEMENT_SETTINGS + sql, params)
        return [tuple(row) for row in cursor.fetchall()]


@dataclass(frozen=True)
class RenderedTile:
    etag: str
    body: bytes | None  # None: the client's copy is current (304)


def render_tile(
    *,
    layer_sql: str,
    layer_params: list[Any],
    sources: Sequence[str],
    tile_fingerprint: str,
    client_etags: Sequence[str],
    client_has_any: bool = False,
) -> RenderedTile:
    """Run one statement: read the layers' data version, and render the tile
    only if the client's ETag is not the current one.

    Reading the version in the same statement (hence the same snapshot) as the
    rows keeps ETag and bytes consistent under concurrent writes.
    """
    sql = f"""
        WITH v AS (
            SELECT coalesce(string_agg(version::text, '.' ORDER BY layer), '0') AS version
            FROM maps_layerversion WHERE layer = ANY(%s::text[])
        ), e AS (SELECT md5(%s || ':' || v.version) AS etag FROM v)
        SELECT e.etag,
               CASE WHEN %s OR e.etag = ANY(%s::text[]) THEN NULL ELSE ({layer_sql}) END
        FROM e
    """  # noqa: S608 - Django-compiled SQL, values are parameters
    params = [list(sources), tile_fingerprint, client_has_any, list(client_etags), *layer_params]
    etag, body = run_statement(sql, params)
    return RenderedTile(etag=etag, body=None if body is None else bytes(body))


def feature_collection_sql(
    rows_sql: str, rows_params: list[Any], cap: int
) -> tuple[str, list[Any]]:
    """A GeoJSON FeatureCollection built by PostgreSQL from rows with `id` and
    `geometry` (GeoJSON text) columns; every other column becomes a property.

    The rows arrive with at most cap + 1 entries: the extra one only tells
    that the answer was cut (`truncated`).
    """
    sql = f"""
        SELECT json_build_object(
            'type', 'FeatureCollection',
            'features', coalesce(
                json_agg(
                    json_build_object(
                        'type', 'Feature', 'id', t.id, 'geometry', t.geometry::json,
                        'properties', to_jsonb(t) - 'id' - 'geometry' - 'row_number')
                    ORDER BY t.row_number
                ) FILTER (WHERE t.row_number <= %s),
                '[]'::json),
            'truncated', count(*) > %s,
            'limit', %s
        )::text
        FROM (SELECT s.*, row_number() OVER () AS row_number FROM ({rows_sql}) AS s) AS t
    """  # noqa: S608 - Django-compiled SQL, values are parameters
    return sql, [cap, cap, cap, *rows_params]
