"""The map's JSON endpoints: GeoJSON viewports, counts, search, popups.

DRF views (token or session auth, the shared error handler). The vector
tiles are a plain Django view instead (backend.maps.tile_view): their answer
is bytes straight from PostgreSQL and every microsecond of framework work
shows at city scale.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from backend.cases.selectors.query import CaseQuery, case_query
from backend.core.errors import InvalidInput
from backend.core.schema import GEOJSON
from backend.maps.openapi import (
    BBOX_PARAMETER,
    CASES_GEOJSON,
    FILTER_PARAMETERS,
    OPTIONAL_BBOX_PARAMETER,
    PERMITS_GEOJSON,
    SEARCH_RESULTS,
    STAGE_COUNTS,
    WARD_PARAMETERS,
)
from backend.maps.selectors.counts_and_search import case_stage_counts, map_search
from backend.maps.selectors.geojson import cases_feature_collection, permits_feature_collection
from backend.maps.selectors.popups import case_summary, permit_summary, site_summary

SEARCH_MIN_LENGTH = 2
SEARCH_MAX_LENGTH = 100


def _with_bbox(query: CaseQuery) -> CaseQuery:
    """A viewport answer needs its viewport: without one it would be the whole city."""
    if query.values["bbox"] is None:
        raise InvalidInput(
            _("bbox is required: minlon,minlat,maxlon,maxlat in degrees."), field="bbox"
        )
    return query


def _geojson(text: str) -> HttpResponse:
    response = HttpResponse(text, content_type="application/geo+json")
    response["Cache-Control"] = "private, no-cache"
    return response


@extend_schema(
    parameters=[BBOX_PARAMETER, *FILTER_PARAMETERS],
    responses={(200, GEOJSON): CASES_GEOJSON},
    description="Cases in a bounding box as GeoJSON, newest first, at most 5,000 "
    "(`truncated` tells when there were more).",
)
@api_view(["GET"])
def cases_geojson(request: Request) -> HttpResponse:
    query = _with_bbox(case_query(request.query_params))
    return _geojson(cases_feature_collection(request.user, query, timezone.localdate()))


@extend_schema(
    parameters=[BBOX_PARAMETER, *WARD_PARAMETERS],
    responses={(200, GEOJSON): PERMITS_GEOJSON},
    description="Permit parcels crossing a bounding box as GeoJSON, at most 2,000.",
)
@api_view(["GET"])
def permits_geojson(request: Request) -> HttpResponse:
    query = _with_bbox(case_query(request.query_params))
    return _geojson(permits_feature_collection(request.user, query.values["bbox"], query))


@extend_schema(
    parameters=[OPTIONAL_BBOX_PARAMETER, *FILTER_PARAMETERS],
    responses={200: STAGE_COUNTS},
    description="Cases per stage (and overdue per stage) under the filters and in the view.",
)
@api_view(["GET"])
def counts(request: Request) -> Response:
    query = case_query(request.query_params)
    data = case_stage_counts(request.user, query, timezone.localdate())
    return Response(data, headers={"Cache-Control": "private, no-cache"})


@extend_schema(
    parameters=[
        OpenApiParameter(
            "q",
            {"type": "string", "maxLength": SEARCH_MAX_LENGTH},
            description="case code, address or permit number; fewer than "
            f"{SEARCH_MIN_LENGTH} characters (spaces aside) find nothing",
        ),
        OPTIONAL_BBOX_PARAMETER,
        *FILTER_PARAMETERS,
    ],
    responses={200: SEARCH_RESULTS},
)
@api_view(["GET"])
def search(request: Request) -> Response:
    text = (request.query_params.get("q") or "").strip()
    if len(text) > SEARCH_MAX_LENGTH:
        raise InvalidInput(
            _("Search for at most %(n)s characters.") % {"n": SEARCH_MAX_LENGTH}, field="q"
        )
    query = case_query(request.query_params)
    if len(text) < SEARCH_MIN_LENGTH:
        return Response({"results": []})
    return Response({"results": map_search(request.user, text, query, timezone.localdate())})


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


@extend_schema(responses={200: OpenApiTypes.OBJECT})
@api_view(["GET"])
def site_popup(request: Request, pk: int) -> Response:
    data = site_summary(request.user, pk, timezone.localdate())
    if data is None:
        raise Http404
    return Response(data)
