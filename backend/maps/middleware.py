"""Map tiles answered before the rest of the middleware, when that is safe.

A map view asks for dozens of tiles at a time, and a light tile takes a
couple of milliseconds in PostgreSQL: the middleware stack, the URL
resolver and the session and user reads would double that. After the first
tile of a session (or API token), tile_by_snapshot answers the next ones in
one statement that re-checks the authentication with the rows. This
middleware sits right after Django's SecurityMiddleware (HTTPS redirect,
security headers) and calls it for requests that can take that path;
anything it does not answer goes down the whole stack as before.

Only a 200 or a 304 of a valid tile request is answered here. An anonymous
request, a first tile, a request with a control character, a disallowed host or user
agent, a bad coordinate or filter, a failed guard: all of these get the
ordinary path and its ordinary answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from backend.accounts.selectors import AuthSnapshot, request_credential
from backend.core.control_characters import first_control_character
from backend.core.errors import InvalidInput
from backend.maps.selectors.tile_layers import TILE_LAYER_NAMES, layer_tile_guarded
from backend.maps.tile_statements import parse_if_none_match
from backend.maps.tile_view import TILE_SNAPSHOTS, parse_tile_request, tile_http_response
from backend.maps.urls import TILE_PATH

TILE_URL = re.compile(TILE_PATH)


def tile_by_snapshot(
    request: HttpRequest, layer: str, z: str, x: str, y: str
) -> HttpResponse | None:
    """The tile in one statement, when an earlier request of the same session
    or token left a snapshot whose guard still holds; None otherwise (the
    request then goes through the whole stack to `tile`).

    Called by TileFastPathMiddleware, before the rest of the middleware:
    everything it answers is a 200 or a 304 tile of a request authenticated
    by its guard.
    """
    if layer not in TILE_LAYER_NAMES:
        return None
    credential = request_credential(request)
    entry = TILE_SNAPSHOTS.get(credential) if credential else None
    if entry is None:
        return None
    snapshot: AuthSnapshot = entry[0]
    scope: tuple[Any, ...] = entry[1]
    try:
        address, filters = parse_tile_request(request, layer, z, x, y)
    except InvalidInput:
        return None  # answered by the ordinary path, after authentication
    tags, any_tag = parse_if_none_match(request.META.get("HTTP_IF_NONE_MATCH", ""))
    now = timezone.now()
    today = timezone.localdate(now)
    result = layer_tile_guarded(
        layer, scope, snapshot.guard(now), address, filters, today, tags, any_tag
    )
    if result is None:
        TILE_SNAPSHOTS.discard(credential)
        return None
    response = tile_http_response(result)
    # As CommonMiddleware would set it on the ordinary path.
    response["Content-Length"] = str(len(response.content))
    return response


class TileFastPathMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self._fast(request)
        return response if response is not None else self.get_response(request)

    def _fast(self, request: HttpRequest) -> HttpResponse | None:
        if request.method not in ("GET", "HEAD"):
            return None
        # fullmatch, as Django's resolver matches a pattern ending in `$`.
        match = TILE_URL.fullmatch(request.path_info[1:])
        if match is None:
            return None
        # What the skipped middleware would refuse is left to it.
        if settings.DISALLOWED_USER_AGENTS or settings.PREPEND_WWW:
            return None
        try:
            request.get_host()
        except DisallowedHost:
            return None
        if first_control_character(request.path) or any(
            first_control_character(key) or any(first_control_character(v) for v in values)
            for key, values in request.GET.lists()
        ):
            return None
        response = tile_by_snapshot(request, **match.groupdict())
        if response is not None and settings.X_FRAME_OPTIONS:
            response.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        return response
