"""The vector tile endpoint: GET /api/tiles/{layer}/{z}/{x}/{y}.pbf.

A plain Django view, not DRF: the answer is bytes straight from PostgreSQL
and every microsecond of framework work shows at city scale. This is the
ordinary path; it leaves a snapshot of each request's authentication that
lets backend.maps.middleware answer the next tiles before the rest of the
middleware (tile_by_snapshot), with the same parsing and headers as here.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from backend.accounts.selectors import SESSION, TOKEN, has_token_header, snapshot_of
from backend.accounts.services import device_token_user
from backend.cases.selectors.query import CaseQuery, case_query
from backend.core.errors import InvalidInput
from backend.maps.selectors.tile_layers import TILE_LAYER_NAMES, layer_tile, tile_access_scope
from backend.maps.tile_statements import RenderedTile, TileStatementCache, parse_if_none_match
from backend.maps.tiles import TileAddress

MVT_CONTENT_TYPE = "application/vnd.mapbox-vector-tile"
# Private: a tile holds one user's view of their wards, never for a shared
# cache. no-cache: the browser keeps it but asks each time (a 304 is cheap).
TILE_CACHE_CONTROL = "private, no-cache"
# The same URL gives each user their own tile.
TILE_VARY = "Cookie, Authorization"


# Per process: the authentication of recent tile requests, by credential,
# with the access scope it gave (see snapshot_of in backend.accounts.selectors).
# An entry only says what to re-check; each tile re-checks it in its own
# statement.
TILE_SNAPSHOTS = TileStatementCache(size=4096)


def _tile_user(request: HttpRequest) -> tuple[Any, str]:
    """The user of an `Authorization: Token …` header, else the session's,
    and which of the two it was (as the API decides: a token header alone
    decides, see request_credential)."""
    if has_token_header(request):
        return device_token_user(request), TOKEN
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user, SESSION
    return None, SESSION


def _tile_int(value: str, name: str) -> int:
    # ASCII digits only: str.isdigit() also takes "²" (which int() refuses) and "١٥".
    if not (value.isascii() and value.isdecimal()) or len(value) > 8:
        raise InvalidInput(_("Tile coordinates must be whole numbers (%(name)s).") % {"name": name})
    return int(value)


def parse_tile_request(
    request: HttpRequest, layer: str, z: str, x: str, y: str
) -> tuple[TileAddress, CaseQuery]:
    address = TileAddress.checked(_tile_int(z, "z"), _tile_int(x, "x"), _tile_int(y, "y"))
    return address, case_query(request.GET)


def tile_http_response(result: RenderedTile) -> HttpResponse:
    response: HttpResponse
    if result.body is None:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(result.body, content_type=MVT_CONTENT_TYPE)
    response["ETag"] = f'"{result.etag}"'
    response["Cache-Control"] = TILE_CACHE_CONTROL
    response["Vary"] = TILE_VARY  # a new response: nothing to merge with
    return response


@require_safe
def tile(request: HttpRequest, layer: str, z: str, x: str, y: str) -> HttpResponse:
    """GET /api/tiles/{cases|permits|sites|tips|wards}/{z}/{x}/{y}.pbf with the map's filters.

    The ordinary path: authenticate, build (or reuse) the statement, run it,
    and leave a snapshot of the authentication for the next tiles (see
    backend.maps.middleware.tile_by_snapshot).
    """
    user, credential = _tile_user(request)
    if user is None:
        return JsonResponse({"detail": _("Log in to see the map.")}, status=401)
    if layer not in TILE_LAYER_NAMES:
        return JsonResponse(
            {"detail": _("There is no map layer called “%(layer)s”.") % {"layer": layer[:40]}},
            status=404,
        )
    try:
        address, filters = parse_tile_request(request, layer, z, x, y)
    except InvalidInput as exc:
        return JsonResponse(exc.as_dict(), status=400)
    tags, any_tag = parse_if_none_match(request.META.get("HTTP_IF_NONE_MATCH", ""))
    result = layer_tile(layer, user, address, filters, timezone.localdate(), tags, any_tag)
    snapshot = snapshot_of(request, user, credential)
    if snapshot is not None:
        TILE_SNAPSHOTS.put(snapshot.cache_key, (snapshot, tile_access_scope(user)))
    return tile_http_response(result)
