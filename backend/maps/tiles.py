"""Vector-tile building blocks: tile arithmetic and the SQL around ST_AsMVT.

The rows of a tile always come from an access selector's queryset, compiled
to SQL by Django and wrapped here; this module never decides who sees what.

A tile's statement is compiled with slots (TileSlot) where the tile address
goes, so one compiled statement serves every tile of a zoom band; the
selectors keep a few of them in a TileStatementCache and fill the slots per
request, which keeps the ORM off the path of most tile requests.
"""

from __future__ import annotations

import functools
import hashlib
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.geos import GEOSGeometry
from django.db import connection
from django.db.models import BinaryField, Expression, FloatField, Func, IntegerField, Value
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


def _param_text(value: Any) -> str:
    if isinstance(value, TileSlot):
        return value.text()
    if isinstance(value, GEOSGeometry):
        return value.hex.decode()
    ewkb = getattr(value, "ewkb", None)  # a geometry already adapted for the driver
    if isinstance(ewkb, bytes | memoryview):
        return bytes(ewkb).hex()
    return repr(value)


def fingerprint(layer: str, sql: str, params: Sequence[Any]) -> str:
    """Everything that decides a tile's bytes except the tile address and the data.

    The compiled SQL carries the user's ward restriction, the filters and the
    day used for "overdue", so two users get the same fingerprint only when
    their queries are identical. TileStatement.run adds the address.
    """
    digest = hashlib.sha256()
    for part in (TILE_FORMAT, layer, sql):
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


def run_statement(sql: str, params: Sequence[Any]) -> tuple[Any, ...]:
    """Run one map statement; return its single row.

    Map statements rely on the connection's settings (no JIT, no parallel
    workers: DATABASES in backend.settings).
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return tuple(cursor.fetchone())


def run_optional_row(sql: str, params: Sequence[Any]) -> tuple[Any, ...] | None:
    """Run one map statement; its row, or None if it has none."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return None if row is None else tuple(row)


def run_rows(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


@dataclass(frozen=True)
class RenderedTile:
    etag: str
    body: bytes | None  # None: the client's copy is current (304)


# One statement per tile reads the layers' data version and renders the tile:
# reading the version in the same statement (hence the same snapshot) as the
# rows keeps ETag and bytes consistent under concurrent writes. The ETag is
# md5(fingerprint of the tile's query : version).
LAYER_VERSION = (
    "SELECT coalesce(string_agg(version::text, '.' ORDER BY layer), '0') "
    "FROM maps_layerversion WHERE layer = ANY(%s::text[])"
)
TILE_STATEMENT = "SELECT ({version}) AS version, ({layer_sql}) AS tile"
# When the client holds copies (If-None-Match), the statement renders the
# tile only if none of them is current: a 304 costs one round trip.
REVALIDATION_STATEMENT = """
    SELECT v.version,
           CASE WHEN %s OR md5(%s || ':' || v.version) = ANY(%s::text[]) THEN NULL
                ELSE ({layer_sql}) END AS tile
    FROM ({version}) AS v(version)
"""
# Either statement behind a guard (snapshot_of in backend.accounts.selectors):
# the request's authentication re-checked in the same snapshot as the rows.
# The guard has no column of the rows, so PostgreSQL evaluates it once,
# first, as a one-time filter: while it is false the tile is not built and
# there is no row at all.
GUARDED_STATEMENT = "SELECT i.version, i.tile FROM ({inner}) AS i WHERE {guard}"


@functools.lru_cache(maxsize=1024)
def guarded_sql(inner: str, guard: str) -> str:
    """GUARDED_STATEMENT around a statement (both texts are long-lived objects)."""
    return GUARDED_STATEMENT.format(inner=inner, guard=guard)


def tile_etag(tile_fingerprint: str, version: str) -> str:
    return hashlib.md5(f"{tile_fingerprint}:{version}".encode()).hexdigest()  # noqa: S324 - a cache tag, not a secret


@dataclass(frozen=True)
class TileStatement:
    """A layer's tile statement for one zoom band, access scope, filter set
    and day, with TileSlots where the tile address goes.

    It holds SQL text and constant parameters only: no rows, no data
    version, nothing about a request. The version and the rows are read by
    the statement every time it runs.
    """

    sql: str
    revalidation_sql: str
    params: tuple[Any, ...]  # of the layer's query: constants and TileSlots
    sources: tuple[str, ...]
    fingerprint: str

    @classmethod
    def wrapping(
        cls, layer: str, layer_sql: str, layer_params: Sequence[Any], sources: Sequence[str]
    ) -> TileStatement:
        return cls(
            sql=TILE_STATEMENT.format(version=LAYER_VERSION, layer_sql=layer_sql),
            revalidation_sql=REVALIDATION_STATEMENT.format(
                version=LAYER_VERSION, layer_sql=layer_sql
            ),
            params=tuple(layer_params),
            sources=tuple(sources),
            fingerprint=fingerprint(layer, layer_sql, layer_params),
        )

    def tile_fingerprint(self, tile: TileAddress) -> str:
        return hashlib.sha256(f"{self.fingerprint}:{tile.z}/{tile.x}/{tile.y}".encode()).hexdigest()

    def layer_parameters(self, tile: TileAddress) -> list[Any]:
        return [p.value(tile) if isinstance(p, TileSlot) else p for p in self.params]

    def run(
        self,
        tile: TileAddress,
        client_etags: Sequence[str],
        client_has_any: bool = False,
        guard: tuple[str, Sequence[Any]] | None = None,
    ) -> RenderedTile | None:
        """The tile, or None when a `guard` (SQL and parameters) was false."""
        tile_fingerprint = self.tile_fingerprint(tile)
        if client_etags or client_has_any:
            sql = self.revalidation_sql
            params = [client_has_any, tile_fingerprint, list(client_etags)]
            params += [*self.layer_parameters(tile), list(self.sources)]
        else:
            sql = self.sql
            params = [list(self.sources), *self.layer_parameters(tile)]
        if guard is None:
            version, body = run_statement(sql, params)
        else:
            guard_sql, guard_params = guard
            row = run_optional_row(guarded_sql(sql, guard_sql), [*params, *guard_params])
            if row is None:
                return None
            version, body = row
        etag = tile_etag(tile_fingerprint, version)
        return RenderedTile(etag=etag, body=None if body is None else bytes(body))


class TileStatementCache:
    """A small per-process LRU of TileStatements (or of a marker for "this
    scope sees nothing"); entries are never None.

    Keeping them per process is safe because an entry is a pure function of
    its key: the key must hold everything the statement was built from (the
    caller's access scope, read from the database on every request, the
    filters, the day). Nothing that changes without the key changing is kept.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any | None:
        """The entry for `key`, or None; never builds one."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                self.hits += 1
                return self._entries[key]
            return None

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def discard(self, key: Hashable) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def get_or_build(self, key: Hashable, build: Callable[[], Any]) -> Any:
        value = self.get(key)
        if value is not None:
            return value
        # Built outside the lock: two threads may both build a missing entry,
        # which is harmless (the same pure value).
        value = build()
        with self._lock:
            self.misses += 1
        self.put(key, value)
        return value

    def entry_keys(self) -> list[Hashable]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.hits = self.misses = 0


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
