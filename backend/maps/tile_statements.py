"""One tile, one statement: compiled tile statements, their ETags and the per-process cache.

A tile's statement is compiled with slots (backend.maps.tiles.TileSlot)
where the tile address goes, so one compiled statement serves every tile of
a zoom band; the selectors keep a few of them in a TileStatementCache and
fill the slots per request, which keeps the ORM off the path of most tile
requests.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.gis.geos import GEOSGeometry

from backend.maps.sql import run_optional_row, run_statement
from backend.maps.tiles import TILE_FORMAT, TileAddress, TileSlot


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
