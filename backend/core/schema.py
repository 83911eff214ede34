"""The OpenAPI schema's shared parts: error bodies, the refusals each operation
can answer with, GeoJSON pages and the map tiles.

Generated clients and the contract test (tests/api/test_contract.py) trust
every status code and body the schema lists, so the codes added here follow
what the stack really does:

- authentication runs on every DRF view that has authenticators (a bad token
  is refused before the view), and DRF answers a failed one with 401 only
  when the first authenticator names a `WWW-Authenticate` challenge, 403
  otherwise; a session's unsafe request without its CSRF token is a 403;
- the NUL middleware (backend.core.middleware) answers 400 for any path or query
  parameter, so every operation with parameters can answer 400, as can every
  one with a body (unparseable JSON, a refused field);
- a path parameter that matches nothing, or a page past the last, is a 404;
- a body larger than the limit is a 413, one in a media type no parser reads
  a 415.

Codes only some operations answer (409, 422, 429) are declared on the view
with `refusals(...)`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from drf_spectacular.drainage import set_override
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import SAFE_METHODS, AllowAny, IsAuthenticated
from rest_framework.request import Request

ERROR = "Error"
INPUT_ERROR = "InputError"

REFUSAL_DESCRIPTIONS = {
    400: "The input is refused; the message says which input and what to change.",
    401: "Not signed in, or the token is unknown.",
    403: "Not signed in (session), the token is unknown, or this user may not do this.",
    404: "Nothing by that address among what this user may see.",
    409: "The case changed meanwhile, or a request with the same key is still running.",
    413: "The body, or the file uploaded, is larger than its limit.",
    415: "A body (or file) of a type this operation does not read.",
    422: "The Idempotency-Key was already used for a different request.",
    429: "Too many requests, or failed sign-ins; Retry-After says when to try again.",
}
# Bodies naming the input at fault ({"<field>": ["message"], "code": ...}).
INPUT_ERROR_CODES = {400, 409, 413, 415, 422}

FIELD_MESSAGES: dict[str, Any] = {
    "anyOf": [
        {"type": "array", "items": {"type": "string"}},
        # Nested inputs (list items, objects) carry their own messages.
        {"type": "object"},
    ]
}

COMPONENTS: dict[str, dict[str, Any]] = {
    ERROR: {
        "type": "object",
        "description": "A refusal: `detail` is the message in the request's language "
        "(Vietnamese unless `Accept-Language: en`), `code` the reason where there is one.",
        "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
        "required": ["detail"],
        "additionalProperties": False,
    },
    INPUT_ERROR: {
        "type": "object",
        "description": "Refused input: each input at fault maps to its messages; `detail` "
        "holds a message about the request as a whole, `code` the reason where there is one.",
        "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
        "additionalProperties": FIELD_MESSAGES,
        "minProperties": 1,
    },
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def error_schema(status: int) -> dict[str, str]:
    return _ref(INPUT_ERROR if status in INPUT_ERROR_CODES else ERROR)


def refusals(*statuses: int) -> dict[int, OpenApiResponse]:
    """Error responses for `extend_schema(responses=...)`, for the codes the
    automatic rules of ApiSchema cannot know (409, 422, 429)."""
    return {
        status: OpenApiResponse(
            response=error_schema(status), description=REFUSAL_DESCRIPTIONS[status]
        )
        for status in statuses
    }


def error_response(status: int) -> dict[str, Any]:
    return {
        "description": REFUSAL_DESCRIPTIONS[status],
        "content": {"application/json": {"schema": error_schema(status)}},
    }


IDEMPOTENCY_KEY_PATTERN = r"^[!-~]([ -~]{0,98}[!-~])?$"


def idempotency_key_parameter(*, required: bool, description: str) -> OpenApiParameter:
    """The Idempotency-Key header (backend.core.idempotency): 1 to 100 printable ASCII characters."""
    return OpenApiParameter(
        "Idempotency-Key",
        str,
        OpenApiParameter.HEADER,
        required=required,
        pattern=IDEMPOTENCY_KEY_PATTERN,
        description=description,
    )


def comma_separated(
    name: str,
    *,
    enum: list[str] | None = None,
    pattern: str | None = None,
    description: str = "",
) -> OpenApiParameter:
    """A query parameter of one or more values joined by commas (`stage=a,b`)."""
    return OpenApiParameter(
        name,
        str,
        many=True,
        explode=False,
        style="form",
        enum=enum,
        pattern=pattern,
        description=description,
    )


def bounding_box(name: str, *, required: bool = False) -> OpenApiParameter:
    """`minlon,minlat,maxlon,maxlat` in WGS 84 degrees (gis.coords.parse_bbox)."""
    return OpenApiParameter(
        name,
        {
            "type": "array",
            "items": {"type": "number", "minimum": -180, "maximum": 180},
            "minItems": 4,
            "maxItems": 4,
        },
        required=required,
        explode=False,
        style="form",
        description="minlon,minlat,maxlon,maxlat in degrees (WGS 84); minimum before maximum, "
        "latitudes within -90..90.",
    )


# Dates the filters accept: YYYY-MM-DD or dd/mm/yyyy, years 2000 to 2100.
FILTER_DATE_PATTERN = r"^((20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}|[0-9]{2}/[0-9]{2}/(20[0-9]{2}|2100))$"


def parameter_object(parameter: OpenApiParameter) -> dict[str, Any]:
    """The OpenAPI form of a parameter, for operations written by hand (the tiles)."""
    from drf_spectacular.plumbing import build_array_type, build_basic_type, build_parameter_type

    kind: Any = parameter.type
    schema: dict[str, Any] = dict(kind) if isinstance(kind, dict) else build_basic_type(kind) or {}
    if parameter.many and not isinstance(kind, dict):
        schema = build_array_type(schema)
    result: dict[str, Any] = build_parameter_type(
        name=parameter.name,
        schema=schema,
        location=parameter.location,
        required=parameter.required,
        description=parameter.description,
        enum=parameter.enum,
        pattern=parameter.pattern,
        style=parameter.style,
        explode=parameter.explode,
    )
    return result


GEOJSON = "application/geo+json"


def geojson_geometry(*kinds: str) -> dict[str, Any]:
    """A GeoJSON geometry of one of `kinds` (coordinates in WGS 84 degrees)."""
    return {
        "type": "object",
        "properties": {
            "type": {"type": "string", "enum": list(kinds)},
            "coordinates": {"type": "array"},
        },
        "required": ["type", "coordinates"],
    }


def geojson_feature_collection(
    geometry: dict[str, Any],
    properties: dict[str, Any],
    *,
    required: list[str] | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A FeatureCollection schema whose features have integer ids and `properties`."""
    feature = {
        "type": "object",
        "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "id": {"type": "integer"},
            "geometry": geometry,
            "properties": {
                "type": "object",
                "properties": properties,
                "required": required or list(properties),
            },
        },
        "required": ["type", "id", "geometry", "properties"],
    }
    extra = extra or {}
    return {
        "type": "object",
        "properties": {
            "type": {"type": "string", "enum": ["FeatureCollection"]},
            "features": {"type": "array", "items": feature},
            **extra,
        },
        "required": ["type", "features", *extra],
    }


REPLAYED_HEADER = OpenApiParameter(
    "Idempotent-Replayed",
    str,
    OpenApiParameter.HEADER,
    enum=["true"],
    response=True,
    description="Present on the replayed answer to a retry with the same Idempotency-Key.",
)


class SessionCookieScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """The session cookie, for SessionAuthentication and its subclasses."""

    target_class = "rest_framework.authentication.SessionAuthentication"
    match_subclasses = True
    name = "cookieAuth"
    priority = 1

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        # Every subclass is the same cookie: one scheme, not a name collision.
        set_override(type(self.target), "suppress_collision_warning", True)
        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}


class DeviceTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """`Authorization: Token <token>`: knox's device tokens and their subclasses."""

    target_class = "knox.auth.TokenAuthentication"
    match_subclasses = True
    name = "tokenAuth"
    priority = 1

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        definition: dict[str, Any] = build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=self.target.authenticate_header(None)
        )
        return definition


class ApiSchema(AutoSchema):
    """drf-spectacular's AutoSchema, plus the refusals every operation shares."""

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation: dict[str, Any] | None = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses = operation["responses"]
        for status in sorted(self._shared_refusals(operation)):
            responses.setdefault(str(status), error_response(status))
        return operation

    def _shared_refusals(self, operation: dict[str, Any]) -> set[int]:
        statuses = self._authentication_refusals()
        authenticators = self.view.get_authenticators()
        session = any(isinstance(a, SessionAuthentication) for a in authenticators)
        # A session's unsafe request without its CSRF token is a 403, as is
        # any permission beyond "signed in".
        if (session and self.method not in SAFE_METHODS) or self._may_be_denied():
            statuses.add(403)
        parameters = operation.get("parameters", [])
        if parameters or "requestBody" in operation:
            statuses.add(400)
        if any(p["in"] == "path" for p in parameters) or self._is_paginated_list():
            statuses.add(404)
        if "requestBody" in operation:
            # Bodies past DATA_UPLOAD_MAX_MEMORY_SIZE (backend.core.middleware), uploads past theirs.
            statuses.add(413)
            if self.view.get_parsers():
                statuses.add(415)
        return statuses

    def _authentication_refusals(self) -> set[int]:
        """How DRF refuses failed or missing credentials: 401 where the first
        authenticator names a challenge for the request, 403 where it does not
        (it may depend on the request: ask with and without a token)."""
        authenticators = self.view.get_authenticators()
        if not authenticators:
            return set()
        statuses = set()
        for headers in ({}, {"HTTP_AUTHORIZATION": "Token probe"}):
            probe = HttpRequest()
            probe.META.update(headers)
            challenge = authenticators[0].authenticate_header(Request(probe))
            statuses.add(401 if challenge else 403)
        return statuses

    def _may_be_denied(self) -> bool:
        return any(
            not isinstance(permission, (AllowAny, IsAuthenticated))  # noqa: UP038 - DRF's metaclass
            for permission in self.view.get_permissions()
        )

    def _is_paginated_list(self) -> bool:
        return bool(self._is_list_view() and self._get_paginator())  # type: ignore[no-untyped-call]


def postprocess(result: dict[str, Any], generator: Any, **kwargs: Any) -> dict[str, Any]:
    """Add the error bodies the responses refer to."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in COMPONENTS.items():
        schemas.setdefault(name, schema)
    return result
