"""JSON or HTML: the `f` parameter, else the Accept header (browsers ask for HTML first)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from rest_framework.negotiation import BaseContentNegotiation

from backend.ogc.errors import OgcError

JSON_TYPES = ("application/json", "application/geo+json", "application/schema+json")


class AnswerAnyAccept(BaseContentNegotiation):
    """DRF would refuse `Accept: text/html` (406) before the view runs; the
    views choose their own format (wants_html)."""

    def select_parser(self, request: Any, parsers: Any) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(self, request: Any, renderers: Any, format_suffix: Any = None) -> Any:
        renderer = renderers[0]
        return renderer, renderer.media_type


def wants_html(request: HttpRequest) -> bool:
    asked = request.GET.get("f")
    if asked is not None:
        if asked == "html":
            return True
        if asked in ("json", "geojson", "jsonschema"):
            return False
        raise OgcError(
            _("The format “%(format)s” is not offered: use f=json or f=html.") % {"format": asked}
        )
    best: tuple[float, int, bool] | None = None
    for index, item in enumerate(request.META.get("HTTP_ACCEPT", "").split(",")):
        media, *parameters = (part.strip() for part in item.split(";"))
        quality = 1.0
        for parameter in parameters:
            if parameter.startswith("q="):
                try:
                    quality = float(parameter[2:])
                except ValueError:
                    quality = 0.0
        if media == "text/html" or media in JSON_TYPES:
            candidate = (-quality, index, media == "text/html")
            if best is None or candidate < best:
                best = candidate
    return bool(best and best[2] and best[0] < 0)
