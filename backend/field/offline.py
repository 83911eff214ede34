"""The field app's offline copy of a ward: which tiles, their bytes, the limit.

An inspector saves their ward for use with no network (static/field/offline.js
keeps it in Cache Storage, templates/field/sw.js serves it): the app's own
vector layers (OFFLINE_LAYERS) over the ward's extent at the zooms each is
useful at. Every tile is rendered by the tile layers exactly as
GET /api/tiles/… renders it for this user (backend.maps.selectors), so the
copy never holds a feature the map would not show them.

Base-map tiles are a different matter: they belong to whoever runs the tile
server, and OpenStreetMap's public servers forbid bulk prefetching
(https://operations.osmfoundation.org/policies/tiles/). The package lists
them only when TTXD_BASEMAP_PREFETCH is on and the server is not one of those
(basemap_prefetch_refusal); the phone then fetches them from that server.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, Polygon
from django.urls import reverse
from django.utils.translation import gettext as _

from backend.cases.models import OPEN_STAGES
from backend.cases.selectors.query import case_query
from backend.core.errors import InvalidInput, NotAllowed, ServiceError
from backend.maps.selectors.tile_layers import TILE_LAYER_NAMES, tile_bytes
from backend.wards.models import Ward
from backend.wards.selectors import wards_valid_on, wards_visible_to

WORLD_HALF = 20037508.342789244  # half the Web Mercator square (EPSG:3857), metres
# Tiles that touch the ward or lie within this of its boundary: a parcel on
# the border is drawn whole, and the map does not end at the line.
MARGIN_M = 60.0
# Past this many tiles the area is no ward (a rendering of minutes): refused.
MAX_TILES = 6000
# A 256 px raster tile of a city street map weighs 10–30 kB: the estimate
# shown before base-map tiles are fetched (their real size is shown after).
BASEMAP_TILE_ESTIMATE_BYTES = 20_000
BASEMAP_MIN_ZOOM = 12
# OpenStreetMap's public tile servers (and their a./b./c. subdomains).
OSM_PUBLIC_TILE_HOSTS = ("tile.openstreetmap.org", "tile.osm.org")


class PackageTooLarge(ServiceError):
    status = 413


@dataclass(frozen=True)
class OfflineLayer:
    """A tile layer of backend.maps saved for offline use, from `min_zoom` to
    `max_zoom` (the map draws the last one larger beyond it), with the map
    filters of `query` (a tile URL's query string)."""

    name: str
    min_zoom: int
    max_zoom: int
    query: str = ""

    def url(self, z: int, x: int, y: int) -> str:
        path = reverse("map_tile", kwargs={"layer": self.name, "z": z, "x": x, "y": y})
        return f"{path}?{self.query}" if self.query else path

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "min_zoom": self.min_zoom,
            "max_zoom": self.max_zoom,
            "query": self.query,
        }


OPEN_CASES_QUERY = "stage=" + ",".join(str(stage) for stage in OPEN_STAGES)

# What the offline copy holds, one entry per layer. Zooms: z17 tiles (~300 m
# a side) draw a 15 m parcel at 7 px and stay sharp to z19; the boundary
# from z12 (the whole ward on one tile); parcels from z15, as the map draws
# them (backend.maps.tiles.PERMIT_MIN_ZOOM); open cases from z13 (clusters
# below z14, points above). A ward of 20,000 parcels is ~360 tiles, ~4 MB
# (bench/bench_offline_map.py). Adding a layer of backend.maps is one line.
# The construction sites (backend.sites): the map's `sites` tile layer (from
# z14); the field map draws a layer without a style of its own as dots and
# outlines (static/field/ward-map.js).
OFFLINE_LAYERS: tuple[OfflineLayer, ...] = tuple(
    layer
    for layer in (
        OfflineLayer("wards", 12, 17),
        OfflineLayer("permits", 15, 17),
        OfflineLayer("cases", 13, 17, query=OPEN_CASES_QUERY),
        OfflineLayer("sites", 15, 17),
    )
    if layer.name in TILE_LAYER_NAMES
)


# --- tile arithmetic (Web Mercator, as Leaflet and ST_TileEnvelope) -----------
def tile_x(lon: float, z: int) -> int:
    return min((1 << z) - 1, max(0, math.floor((lon + 180.0) / 360.0 * (1 << z))))


def tile_y(lat: float, z: int) -> int:
    lat = max(-85.0511, min(85.0511, lat))
    rad = math.radians(lat)
    y = (1.0 - math.log(math.tan(rad) + 1.0 / math.cos(rad)) / math.pi) / 2.0 * (1 << z)
    return min((1 << z) - 1, max(0, math.floor(y)))


def tile_envelope_3857(z: int, x: int, y: int) -> Polygon:
    size = 2 * WORLD_HALF / (1 << z)
    west, north = -WORLD_HALF + x * size, WORLD_HALF - y * size
    return Polygon.from_bbox((west, north - size, west + size, north))


def tiles_covering(boundary: GEOSGeometry, z: int) -> Iterator[tuple[int, int]]:
    """The tiles of zoom `z` within MARGIN_M of `boundary` (EPSG:4326)."""
    area = boundary.transform(3857, clone=True).buffer(MARGIN_M)
    prepared = area.prepared
    west, south, east, north = area.transform(4326, clone=True).extent
    for x in range(tile_x(west, z), tile_x(east, z) + 1):
        for y in range(tile_y(north, z), tile_y(south, z) + 1):
            if prepared.intersects(tile_envelope_3857(z, x, y)):
                yield x, y


# --- the base map --------------------------------------------------------------
def is_osm_public_tile_server(url: str) -> bool:
    host = (urlsplit(url.replace("{s}", "a")).hostname or "").lower().rstrip(".")
    return any(host == name or host.endswith("." + name) for name in OSM_PUBLIC_TILE_HOSTS)


def basemap_prefetch_refusal() -> str | None:
    """Why base-map tiles are left out of the offline copy, or None to include them."""
    url = settings.TTXD_BASEMAP_URL or ""
    if not settings.TTXD_BASEMAP_PREFETCH:
        return _(
            "Base-map tiles are not saved for offline use on this server: "
            "offline, the map shows the app's own layers only."
        )
    if not url:
        return _("No base map is configured: offline, the map shows the app's own layers only.")
    if is_osm_public_tile_server(url):
        return _(
            "The base map comes from OpenStreetMap's public tile servers, whose terms "
            "forbid saving tiles ahead of time: offline, the map shows the app's own "
            "layers only."
        )
    return None


def basemap_tile_url(template: str, z: int, x: int, y: int) -> str:
    """The URL Leaflet's L.tileLayer asks for (subdomains "abc", no retina)."""
    subdomain = "abc"[abs(x + y) % 3]
    return (
        template.replace("{z}", str(z))
        .replace("{x}", str(x))
        .replace("{y}", str(y))
        .replace("{s}", subdomain)
        .replace("{r}", "")
    )


# --- the package ------------------------------------------------------------------
@dataclass
class OfflinePackage:
    ward: Ward
    wards: list[dict[str, str]]
    tiles: list[tuple[str, bytes]] = field(default_factory=list)  # (URL, body)
    basemap_tiles: list[str] = field(default_factory=list)
    basemap_refusal: str | None = None

    @property
    def tile_bytes(self) -> int:
        return sum(len(body) for _url, body in self.tiles)

    @property
    def estimated_bytes(self) -> int:
        return self.tile_bytes + len(self.basemap_tiles) * BASEMAP_TILE_ESTIMATE_BYTES

    @property
    def fits(self) -> bool:
        return self.estimated_bytes <= settings.TTXD_OFFLINE_MAX_BYTES

    def too_large_message(self) -> str:
        return _(
            "The offline copy of %(ward)s would take %(size)s, more than the %(limit)s "
            "this server allows on a phone: nothing was saved. Ask the administrator "
            "to raise TTXD_OFFLINE_MAX_BYTES."
        ) % {
            "ward": self.ward.name,
            "size": megabytes(self.estimated_bytes),
            "limit": megabytes(settings.TTXD_OFFLINE_MAX_BYTES),
        }


def megabytes(size: int) -> str:
    return _("%(size)s MB") % {"size": f"{size / 1_000_000:.1f}".replace(".", ",")}


def offline_ward(user: Any, code: str | None, today: datetime.date) -> tuple[Ward, list[Ward]]:
    """The ward to save (by code, else the first of the user's) and all they may save."""
    wards = list((wards_visible_to(user) & wards_valid_on(today)).order_by("name", "code"))
    if not wards:
        raise NotAllowed(
            _("You are not a member of any ward: there is no ward map to save."),
            code="no_ward",
        )
    if not code:
        return wards[0], wards
    for ward in wards:
        if ward.code == code:
            return ward, wards
    raise InvalidInput(
        _("“%(code)s” is not one of your wards: you can only save your own wards' map.")
        % {"code": code[:40]},
        field="ward",
        code="not_your_ward",
    )


def offline_package(user: Any, code: str | None, today: datetime.date) -> OfflinePackage:
    """Every tile of the user's ward as the tile endpoint gives it to them today."""
    ward, wards = offline_ward(user, code, today)
    package = OfflinePackage(
        ward=ward,
        wards=[{"code": w.code, "name": w.name} for w in wards],
        basemap_refusal=basemap_prefetch_refusal(),
    )
    addresses: list[tuple[OfflineLayer, int, int, int]] = []
    zooms = {z for layer in OFFLINE_LAYERS for z in range(layer.min_zoom, layer.max_zoom + 1)}
    if package.basemap_refusal is None:
        zooms |= set(range(BASEMAP_MIN_ZOOM, settings.TTXD_BASEMAP_PREFETCH_MAX_ZOOM + 1))
    covering = {z: list(tiles_covering(ward.boundary, z)) for z in sorted(zooms)}
    for layer in OFFLINE_LAYERS:
        for z in range(layer.min_zoom, layer.max_zoom + 1):
            addresses += [(layer, z, x, y) for x, y in covering[z]]
    if package.basemap_refusal is None:
        template = settings.TTXD_BASEMAP_URL or ""
        for z in range(BASEMAP_MIN_ZOOM, settings.TTXD_BASEMAP_PREFETCH_MAX_ZOOM + 1):
            package.basemap_tiles += [basemap_tile_url(template, z, x, y) for x, y in covering[z]]
    if len(addresses) + len(package.basemap_tiles) > MAX_TILES:
        raise PackageTooLarge(
            _(
                "%(ward)s needs %(count)s map tiles, more than the %(max)s an offline "
                "copy may hold: the area is too large to save on a phone."
            )
            % {"ward": ward.name, "count": len(addresses), "max": MAX_TILES},
            code="offline_too_many_tiles",
        )
    queries = {layer.query: case_query(_query_params(layer.query)) for layer in OFFLINE_LAYERS}
    for layer, z, x, y in addresses:
        body = tile_bytes(layer.name, user, z, x, y, queries[layer.query], today)
        package.tiles.append((layer.url(z, x, y), body))
    return package


def _query_params(query: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in query.split("&") if "=" in part)


def package_manifest(package: OfflinePackage, generated_at: datetime.datetime) -> dict[str, Any]:
    """What the phone shows before saving: the tiles, their size, the limit."""
    ward = package.ward
    return {
        "ward": {"code": ward.code, "name": ward.name, "bounds": list(ward.boundary.extent)},
        "wards": package.wards,
        "generated_at": generated_at.isoformat(),
        "layers": [layer.as_dict() for layer in OFFLINE_LAYERS],
        "tiles": [{"url": url, "bytes": len(body)} for url, body in package.tiles],
        "tile_bytes": package.tile_bytes,
        "basemap": {
            "prefetch": package.basemap_refusal is None,
            "refusal": package.basemap_refusal,
            "tiles": package.basemap_tiles,
            "estimated_bytes": len(package.basemap_tiles) * BASEMAP_TILE_ESTIMATE_BYTES,
        },
        "estimated_bytes": package.estimated_bytes,
        "estimated_display": megabytes(package.estimated_bytes),
        "limit_bytes": settings.TTXD_OFFLINE_MAX_BYTES,
        "limit_display": megabytes(settings.TTXD_OFFLINE_MAX_BYTES),
        "fits": package.fits,
        "refusal": None if package.fits else package.too_large_message(),
        "package_url": reverse("field-offline-package") + "?" + urlencode({"ward": ward.code}),
    }
