"""Map endpoints: vector tiles, GeoJSON viewports, counts, search, popups.

Tiles are a plain Django view: the answer is bytes straight from PostgreSQL
and every microsecond of framework work shows at city scale. The JSON
endpoints are DRF views (token or session auth, the shared error handler).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.authentication import TokenAuthentication
from rest_framework.decorators import api_view
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request
from rest_framework.response import Response

from backend.cases.models import Stage, ViolationType
from backend.errors import InvalidInput
from backend.maps.filters import MapFilters, bbox_from_params
from backend.maps.selectors import (
    TILE_LAYERS,
    case_stage_counts,
    case_summary,
    cases_feature_collection,
    map_search,
    permit_summary,
    permits_feature_collection,
)
from backend.maps.tiles import TileAddress, parse_if_none_match

MVT_CONTENT_TYPE = "application/vnd.mapbox-vector-tile"
# Private: a tile holds one user's view of their wards, never for a shared
# cache. no-cache: the browser keeps it but asks each time (a 304 is cheap).
TILE_CACHE_CONTROL = "private, no-cache"
SEARCH_MIN_LENGTH = 2
SEARCH_MAX_LENGTH = 100

FILTER_PARAMETERS = [
    OpenApiParameter("stage", str, description="stage code(s), comma-separated", enum=Stage.values),
    OpenApiParameter(
        "type", str, description="violation type(s), comma-separated", enum=ViolationType.values
    ),
    OpenApiParameter("overdue", str, description="1: only cases past their stage deadline"),
    OpenApiParameter("from", str, description="detected on or after (YYYY-MM-DD)"),
    OpenApiParameter("to", str, description="detected on or before (YYYY-MM-DD)"),
    OpenApiParameter("ward", str, description="ward code(s), comma-separated"),
]
BBOX_PARAMETER = OpenApiParameter("bbox", str, description="minlon,minlat,maxlon,maxlat (WGS 84)")


def _tile_user(request: HttpRequest) -> Any:
    """The session user, or the user of an `Authorization: Token …` header."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    if request.headers.get("Authorization", "").startswith("Token "):
        try:
            found = TokenAuthentication().authenticate(request)  # type: ignore[arg-type]
        except AuthenticationFailed:
            return None
        if found:
            return found[0]
    return None


def _tile_int(value: str, name: str) -> int:
    if not value.isdigit() or len(value) > 8:
        raise InvalidInput(_("Tile coordinates must be whole numbers (%(name)s).") % {"name": name})
    return int(value)


@require_safe
def tile(request: HttpRequest, layer: str, z: str, x: str, y: str) -> HttpResponse:
    """GET /api/tiles/{cases|permits|wards}/{z}/{x}/{y}.pbf with the map's filters."""
    user = _tile_user(request)
    if user is None:
        return JsonResponse({"detail": _("Log in to see the map.")}, status=401)
    builder = TILE_LAYERS.get(layer)
    if builder is None:
        return JsonResponse(
            {"detail": _("There is no map layer called “%(layer)s”.") % {"layer": layer[:40]}},
            status=404,
        )
    try:
        address = TileAddress.checked(_tile_int(z, "z"), _tile_int(x, "x"), _tile_int(y, "y"))
        filters = MapFilters.from_params(request.GET)
    except InvalidInput as exc:
        return JsonResponse(exc.as_dict(), status=400)
    tags, any_tag = parse_if_none_match(request.META.get("HTTP_IF_NONE_MATCH", ""))
    result = builder(user, address, filters, timezone.localdate(), tags, any_tag)
    response: HttpResponse
    if result.body is None:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(result.body, content_type=MVT_CONTENT_TYPE)
    response["ETag"] = f'"{result.etag}"'
    response["Cache-Control"] = TILE_CACHE_CONTROL
    patch_vary_headers(response, ["Cookie", "Authorization"])
    return response


def _geojson(text: str) -> HttpResponse:
    response = HttpResponse(text, content_type="application/geo+json")
    response["Cache-Control"] = "private, no-cache"
    return response


@extend_schema(
    parameters=[BBOX_PARAMETER, *FILTER_PARAMETERS],
    responses={200: OpenApiTypes.OBJECT},
    description="Cases in a bounding box as GeoJSON, newest first, at most 5,000 "
    "(`truncated` tells when there were more).",
)
@api_view(["GET"])
def cases_geojson(request: Request) -> HttpResponse:
    bbox = bbox_from_params(request.query_params, required=True)
    filters = MapFilters.from_params(request.query_params)
    return _geojson(cases_feature_collection(request.user, bbox, filters, timezone.localdate()))


@extend_schema(
    parameters=[BBOX_PARAMETER, FILTER_PARAMETERS[-1]],
    responses={200: OpenApiTypes.OBJECT},
    description="Permit parcels crossing a bounding box as GeoJSON, at most 2,000.",
)
@api_view(["GET"])
def permits_geojson(request: Request) -> HttpResponse:
    bbox = bbox_from_params(request.query_params, required=True)
    filters = MapFilters.from_params(request.query_params)
    return _geojson(permits_feature_collection(request.user, bbox, filters))


@extend_schema(
    parameters=[BBOX_PARAMETER, *FILTER_PARAMETERS],
    responses={200: OpenApiTypes.OBJECT},
    description="Cases per stage (and overdue per stage) under the filters and in the view.",
)
@api_view(["GET"])
def counts(request: Request) -> Response:
    bbox = bbox_from_params(request.query_params, required=False)
    filters = MapFilters.from_params(request.query_params)
    data = case_stage_counts(request.user, filters, bbox, timezone.localdate())
    return Response(data, headers={"Cache-Control": "private, no-cache"})


@extend_schema(
    parameters=[OpenApiParameter("q", str, description="case code, address or permit number")],
    responses={200: OpenApiTypes.OBJECT},
)
@api_view(["GET"])
def search(request: Request) -> Response:
    text = (request.query_params.get("q") or "").strip()
    if len(text) > SEARCH_MAX_LENGTH:
        raise InvalidInput(
            _("Search for at most %(n)s characters.") % {"n": SEARCH_MAX_LENGTH}, field="q"
        )
    if len(text) < SEARCH_MIN_LENGTH:
        return Response({"results": []})
    return Response({"results": map_search(request.user, text)})


@extend_schema(responses={200: OpenApiTypes.OBJECT})
@api_view(["GET"])
def case_popup(request: Request, pk: int) -> Response:
    data = case_summary(request.user, pk, timezone.localdate())
    if data is None:
        raise Http404
    return Response(data)


@extend_schema(responses={200: OpenApiTypes.OBJECT})
@api_view(["GET"])
def permit_popup(request: Request, pk: int) -> Response:
    data = permit_summary(request.user, pk)
    if data is None:
        raise Http404
    return Response(data)
