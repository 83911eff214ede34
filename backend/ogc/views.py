"""OGC API – Features at /ogc/: landing page, conformance, collections, items.

Authenticated as the API is (a device token, else the session); the
collections a user may read and the rows they see come from
backend.ogc.registry. JSON by default, HTML for browsers (f=html).
"""

from __future__ import annotations

import datetime
import json
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.views import APIView

from backend.core.error_pages import error_page
from backend.ogc import crs as crs_module
from backend.ogc import features, params
from backend.ogc.errors import OgcError
from backend.ogc.negotiation import AnswerAnyAccept, wants_html
from backend.ogc.registry import (
    CollectionDefinition,
    definition_named,
    may_read,
    readable_by,
    rows_for,
)

GEOJSON = "application/geo+json"
JSON = "application/json"
SCHEMA_JSON = "application/schema+json"
HTML = "text/html"

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
]


class OgcView(APIView):
    # Not in /api/schema/: this API is described by its own conformance
    # classes and queryables, and its answers are GeoJSON, HTML or OGC errors.
    schema = None
    permission_classes = [AllowAny]
    content_negotiation_class = AnswerAnyAccept
    allowed = params.COMMON

    def handle_exception(self, exc: Exception) -> Any:
        if isinstance(exc, OgcError):
            return _error(self.request, exc)
        if isinstance(exc, exceptions.AuthenticationFailed | exceptions.NotAuthenticated):
            error = OgcError(exc.detail, status=401, code="NotAuthenticated")
            response = _error(self.request, error)
            response["WWW-Authenticate"] = "Token"
            return response
        return super().handle_exception(exc)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        request.user  # authenticate now: a refused token is a 401 before anything is read  # noqa: B018
        if self.allowed is not params.ITEMS:
            params.check_known(request.GET, self.allowed)

    def answer(
        self, request: Request, body: dict[str, Any], template: str, media_type: str = JSON
    ) -> HttpResponse:
        if wants_html(request):
            return render(request, template, {"body": body, **self.page_context(body)})
        return HttpResponse(features.dumps(body), content_type=media_type)

    def page_context(self, body: dict[str, Any]) -> dict[str, Any]:
        return {}


def _error(request: HttpRequest, error: OgcError) -> HttpResponse:
    try:
        as_html = wants_html(request)
    except OgcError:  # the refusal may be of `f` itself
        as_html = False
    if as_html:
        return error_page(getattr(request, "_request", request), error.message, status=error.status)
    return HttpResponse(features.dumps(error.as_dict()), status=error.status, content_type=JSON)


def _url(request: HttpRequest, path: str, **query: str) -> str:
    base = request.build_absolute_uri(f"/ogc/{path}")
    return f"{base}?{urlencode(query)}" if query else base


def _link(href: str, rel: str, media_type: str, title: Any) -> dict[str, str]:
    return {"href": href, "rel": rel, "type": media_type, "title": str(title)}


def _self_links(request: HttpRequest, path: str, media_type: str = JSON) -> list[dict[str, str]]:
    html = wants_html(request)
    return [
        _link(_url(request, path, f="html" if html else "json"), "self", HTML if html else media_type, _("This document")),
        _link(_url(request, path, f="json" if html else "html"), "alternate", media_type if html else HTML, _("This document in another format")),
    ]  # fmt: skip


def _readable(request: Request, collection_id: str) -> CollectionDefinition:
    definition = definition_named(collection_id)
    if definition is None:
        raise OgcError(
            _("There is no collection “%(id)s”. The list is at /ogc/collections.")
            % {"id": collection_id},
            status=404,
            code="NotFound",
        )
    if not may_read(request.user, definition):
        if not request.user.is_authenticated:
            raise exceptions.NotAuthenticated(
                _(
                    "Sign in (a session, or the header “Authorization: Token …”) to read this collection."
                )
            )
        raise OgcError(
            _(
                "Your account may not read this collection: it belongs to no ward and has no city role."
            ),
            status=403,
            code="Forbidden",
        )
    return definition


class LandingView(OgcView):
    def get(self, request: Request) -> HttpResponse:
        body = {
            "title": str(_("TTXD – construction order: OGC API – Features")),
            "description": str(
                _("Ward boundaries, construction permits and violation cases for GIS software.")
            ),
            "links": [
                *_self_links(request, ""),
                _link(_url(request, "conformance"), "conformance", JSON, _("Conformance classes")),
                _link(_url(request, "collections"), "data", JSON, _("Collections")),
            ],
        }  # fmt: skip
        return self.answer(request, body, "ogc/landing.html")


class ConformanceView(OgcView):
    def get(self, request: Request) -> HttpResponse:
        return self.answer(request, {"conformsTo": CONFORMANCE}, "ogc/conformance.html")


def collection_body(request: Request, definition: CollectionDefinition) -> dict[str, Any]:
    rows = rows_for(request.user, definition, timezone.localdate())
    found = features.extents(rows, definition)
    path = f"collections/{definition.id}"
    extent: dict[str, Any] = {
        "spatial": {"bbox": [found.bbox] if found.bbox else [], "crs": crs_module.CRS84}
    }
    if definition.time_start:
        extent["temporal"] = {
            "interval": [found.interval] if found.interval else [],
            "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian",
        }
    return {
        "id": definition.id,
        "title": str(definition.title),
        "description": str(definition.description),
        "itemType": "feature",
        "extent": extent,
        "crs": [c.uri for c in crs_module.SUPPORTED],
        "storageCrs": crs_module.CRS84,
        "links": [
            *_self_links(request, path),
            _link(_url(request, f"{path}/items"), "items", GEOJSON, _("Features")),
            _link(_url(request, f"{path}/items", f="html"), "items", HTML, _("Features")),
            _link(_url(request, f"{path}/queryables"), "http://www.opengis.net/def/rel/ogc/1.0/queryables", SCHEMA_JSON, _("Queryables")),
        ],
    }  # fmt: skip


class CollectionsView(OgcView):
    def get(self, request: Request) -> HttpResponse:
        body = {
            "links": _self_links(request, "collections"),
            "collections": [collection_body(request, d) for d in readable_by(request.user)],
            "crs": [c.uri for c in crs_module.SUPPORTED],
        }
        return self.answer(request, body, "ogc/collections.html")


class CollectionView(OgcView):
    def get(self, request: Request, collection_id: str) -> HttpResponse:
        definition = _readable(request, collection_id)
        return self.answer(request, collection_body(request, definition), "ogc/collection.html")


class QueryablesView(OgcView):
    def get(self, request: Request, collection_id: str) -> HttpResponse:
        definition = _readable(request, collection_id)
        properties: dict[str, Any] = {
            "geometry": {"format": f"geometry-{definition.geometry_type.lower()}"},
        }
        for prop in definition.queryables:
            schema: dict[str, Any] = {"title": str(prop.title), "type": prop.type}
            if prop.format:
                schema["format"] = prop.format
            if prop.enum:
                schema["enum"] = [value for value, _label in prop.enum]
            properties[prop.name] = schema
        body = {
            "$schema": "https://json-schema.org/draft/2019-09/schema",
            "$id": _url(request, f"collections/{definition.id}/queryables"),
            "type": "object",
            "title": str(definition.title),
            "properties": properties,
            "additionalProperties": False,
        }
        if wants_html(request):
            labels = {p.name: p for p in definition.queryables}
            return render(
                request,
                "ogc/queryables.html",
                {"definition": definition, "queryables": [
                    {"name": name, "schema": schema, "prop": labels.get(name)}
                    for name, schema in properties.items()
                ]},
            )  # fmt: skip
        return HttpResponse(features.dumps(body), content_type=SCHEMA_JSON)


def _map_context(
    request: Request, crs: crs_module.Crs, links: list[dict[str, str]]
) -> dict[str, Any]:
    alternate = next((link["href"] for link in links if link["rel"] == "alternate"), None)
    return {
        "map_in_crs84": crs is crs_module.DEFAULT,
        "basemap_url": settings.TTXD_BASEMAP_URL,
        "basemap_attribution": settings.TTXD_BASEMAP_ATTRIBUTION,
        "json_href": alternate,
    }


def _feature_response(
    request: Request, text: str, crs: crs_module.Crs, template: str, context: dict[str, Any]
) -> HttpResponse:
    if wants_html(request):
        context = {**context, **_map_context(request, crs, context["links"])}
        response = render(request, template, {**context, "collection_json": json.loads(text)})
    else:
        response = HttpResponse(text, content_type=GEOJSON)
    response["Content-Crs"] = crs_module.header_value(crs)
    return response


class ItemsView(OgcView):
    allowed = params.ITEMS

    def get(self, request: Request, collection_id: str) -> HttpResponse:
        definition = _readable(request, collection_id)
        query = params.read_items_query(request.GET, definition)
        today = timezone.localdate()
        rows = params.apply_filters(rows_for(request.user, definition, today), definition, query)
        page = features.feature_page(
            rows, definition, crs=query.crs, limit=query.limit,
            after=query.after, before=query.before, today=today,
        )  # fmt: skip
        path = f"collections/{definition.id}/items"
        html = wants_html(request)
        kept = {k: v for k, v in query.kept.items() if k != "f"}
        fmt = {"f": "html"} if html else {}
        media = HTML if html else GEOJSON
        paging = {"limit": str(query.limit)}
        links = _self_links(request, path, GEOJSON)
        links[0]["href"] = request.build_absolute_uri()
        # The other format of this very page: its filters and paging, `f` swapped.
        same = {k: str(v) for k, v in request.GET.items() if k != "f"}
        links[1]["href"] = _url(request, path, **same, f="json" if html else "html")
        # Keyset pages: "next" after this page's last id, "prev" before its first.
        has_next = page.more if query.before is None else page.last_id is not None
        has_prev = query.after is not None or (query.before is not None and page.more)
        if has_next and page.last_id is not None:
            links.append(
                _link(
                    _url(request, path, **kept, **fmt, **paging, after=str(page.last_id)),
                    "next",
                    media,
                    _("Next page"),
                )
            )
        if has_prev and page.first_id is not None:
            links.append(
                _link(
                    _url(request, path, **kept, **fmt, **paging, before=str(page.first_id)),
                    "prev",
                    media,
                    _("Previous page"),
                )
            )
        links.append(
            _link(
                _url(request, f"collections/{definition.id}"), "collection", JSON, definition.title
            )
        )
        envelope = {
            "type": "FeatureCollection",
            "timeStamp": timezone.now().astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "numberMatched": features.number_matched(rows),
            "numberReturned": page.returned,
            "links": links,
        }  # fmt: skip
        text = (
            '{"type":"FeatureCollection","features":'
            + page.features_json
            + ","
            + features.dumps(envelope)[1:]
        )
        context = {"definition": definition, "body": envelope, "links": links, "query": query}
        return _feature_response(request, text, query.crs, "ogc/items.html", context)


class ItemView(OgcView):
    allowed = params.ITEM

    def get(self, request: Request, collection_id: str, feature_id: str) -> HttpResponse:
        definition = _readable(request, collection_id)
        crs = params.read_crs(request.GET)
        text = None
        if params.is_plain_number(feature_id):
            text = features.one_feature(
                rows_for(request.user, definition, timezone.localdate()), definition,
                crs=crs, feature_id=int(feature_id), today=timezone.localdate(),
            )  # fmt: skip
        if text is None:
            raise OgcError(
                _("There is no feature “%(id)s” in this collection that you may read.") % {"id": feature_id},
                status=404, code="NotFound",
            )  # fmt: skip
        path = f"collections/{definition.id}/items/{feature_id}"
        links = [
            *_self_links(request, path, GEOJSON),
            _link(
                _url(request, f"collections/{definition.id}"), "collection", JSON, definition.title
            ),
        ]
        feature = json.loads(text)
        feature["links"] = links
        text = features.dumps(feature)
        if wants_html(request):
            context = {
                "definition": definition,
                "feature": feature,
                "links": links,
                **_map_context(request, crs, links),
            }
            context["collection_json"] = {"type": "FeatureCollection", "features": [feature]}
            response = render(request, "ogc/item.html", context)
            response["Content-Crs"] = crs_module.header_value(crs)
            return response
        response = HttpResponse(text, content_type=GEOJSON)
        response["Content-Crs"] = crs_module.header_value(crs)
        return response
