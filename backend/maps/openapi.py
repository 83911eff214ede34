"""The map endpoints in the OpenAPI schema: their parameters and answers.

The JSON views (backend.maps.api) and the tile operation share the filter
parameters. The tile endpoint is a plain Django view (backend.maps.tile_view),
which drf-spectacular does not see: its operation is written here whole and
added by a postprocessing hook (settings.SPECTACULAR_SETTINGS).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from backend.cases.selectors.query import STAGE_CODES, VIOLATION_TYPE_CODES, CaseQuery
from backend.core.schema import (
    bounding_box,
    error_response,
    geojson_feature_collection,
    geojson_geometry,
    parameter_object,
)
from backend.maps.selectors.tile_layers import TILE_LAYER_NAMES
from backend.maps.tile_view import MVT_CONTENT_TYPE
from backend.maps.tiles import MAX_ZOOM
from backend.permits.models import PermitStatus

# The case query's parameters (its bbox aside: each endpoint says whether it needs one).
FILTER_PARAMETERS = CaseQuery.openapi_parameters(
    *(n for n in CaseQuery.base_filters if n != "bbox")
)
WARD_PARAMETERS = CaseQuery.openapi_parameters("ward")
BBOX_PARAMETER = bounding_box("bbox", required=True)
OPTIONAL_BBOX_PARAMETER = bounding_box("bbox")

STAGE_SCHEMA = {"type": "string", "enum": STAGE_CODES}
NULLABLE_DATE = {"type": "string", "format": "date", "nullable": True}
CAP_PROPERTIES = {
    "truncated": {"type": "boolean", "description": "there were more than `limit`"},
    "limit": {"type": "integer"},
}
CASES_GEOJSON = geojson_feature_collection(
    geojson_geometry("Point"),
    {
        "code": {"type": "string"},
        "stage": STAGE_SCHEMA,
        "violation_type": {"type": "string", "enum": VIOLATION_TYPE_CODES},
        "stage_deadline": NULLABLE_DATE,
        "overdue": {"type": "boolean"},
        "address": {"type": "string"},
        "ward_code": {"type": "string"},
        "detected_at": {"type": "string", "format": "date-time"},
    },
    extra=CAP_PROPERTIES,
)
PERMITS_GEOJSON = geojson_feature_collection(
    geojson_geometry("MultiPolygon", "Polygon"),
    {
        "number": {"type": "string"},
        "issuing_authority": {"type": "string"},
        "issued_on": NULLABLE_DATE,
        "holder_name": {"type": "string"},
        "address": {"type": "string"},
        "status": {"type": "string", "enum": list(PermitStatus.values)},
    },
    extra=CAP_PROPERTIES,
)


def _per_stage(description: str) -> Any:
    return serializers.DictField(child=serializers.IntegerField(min_value=0), help_text=description)


STAGE_COUNTS = inline_serializer(
    "MapStageCounts",
    {
        "stages": _per_stage("cases per stage code, every stage whatever `stage` says"),
        "overdue": _per_stage("overdue cases per stage code"),
        "total": serializers.IntegerField(min_value=0, help_text="cases in the chosen stages"),
        "overdue_total": serializers.IntegerField(min_value=0),
    },
)
SEARCH_RESULTS = inline_serializer(
    "MapSearchResults",
    {
        "results": inline_serializer(
            "MapSearchResult",
            {
                "kind": serializers.ChoiceField(choices=["case", "permit"]),
                "id": serializers.IntegerField(),
                "label": serializers.CharField(help_text="case code or permit number"),
                "detail": serializers.CharField(),
                "stage": serializers.ChoiceField(
                    choices=STAGE_CODES, required=False, help_text="cases only"
                ),
                "bbox": serializers.ListField(
                    child=serializers.FloatField(),
                    min_length=4,
                    max_length=4,
                    required=False,
                    help_text="permits only: west, south, east, north",
                ),
                "lon": serializers.FloatField(),
                "lat": serializers.FloatField(),
            },
            many=True,
        )
    },
)


# --- The tiles ------------------------------------------------------------------------


def tile_operation(security: list[dict[str, list[str]]]) -> dict[str, Any]:
    coordinate = {"type": "integer", "minimum": 0}
    path = [
        {
            "in": "path",
            "name": "layer",
            "required": True,
            "schema": {"type": "string", "enum": list(TILE_LAYER_NAMES)},
        },
        {
            "in": "path",
            "name": "z",
            "required": True,
            "schema": {**coordinate, "maximum": MAX_ZOOM},
            "description": "zoom level",
        },
        {
            "in": "path",
            "name": "x",
            "required": True,
            "schema": coordinate,
            "description": "column, below 2^z",
        },
        {
            "in": "path",
            "name": "y",
            "required": True,
            "schema": coordinate,
            "description": "row, below 2^z",
        },
        {
            "in": "header",
            "name": "If-None-Match",
            "required": False,
            "schema": {"type": "string"},
            "description": "the ETag of the tile the client holds: 304 when unchanged",
        },
    ]
    etag = {"ETag": {"schema": {"type": "string"}, "description": "this user's version"}}
    return {
        "operationId": "api_tiles_retrieve",
        "summary": "A Mapbox vector tile of one layer, as this user may see it",
        "description": "Cases (clustered below the point zoom), permit parcels, or ward "
        "boundaries, under the map's filters; private to the user (ETags never cross "
        "access scopes).",
        "tags": ["api"],
        "parameters": path + [parameter_object(p) for p in FILTER_PARAMETERS],
        "security": security,
        "responses": {
            "200": {
                "description": "The tile (empty below a layer's first zoom level).",
                "headers": etag,
                "content": {MVT_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}},
            },
            "304": {"description": "Unchanged since the ETag sent.", "headers": etag},
            "400": error_response(400),
            "401": error_response(401),
            "404": error_response(404),
        },
    }


def schema_tile_paths(result: dict[str, Any], generator: Any, **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: add the tile operation."""
    # The session or a token, as for the API's other operations.
    schemes = result.get("components", {}).get("securitySchemes", {})
    security: list[dict[str, list[str]]] = [{name: []} for name in schemes]
    result["paths"]["/api/tiles/{layer}/{z}/{x}/{y}.pbf"] = {"get": tile_operation(security)}
    return result
