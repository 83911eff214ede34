"""Map tiles answered before the rest of the middleware, when that is safe.

A map view asks for dozens of tiles at a time, and a light tile takes a
couple of milliseconds in PostgreSQL: the middleware stack, the URL
resolver and the session and user reads would double that. After the first
tile of a session (or API token), backend.maps.api.tile_by_snapshot answers
the next ones in one statement that re-checks the authentication with the
rows. This middleware sits right after Django's SecurityMiddleware (HTTPS
redirect, security headers) and calls it for requests that can take that
path; anything it does not answer goes down the whole stack as before.

Only a 200 or a 304 of a valid tile request is answered here. An anonymous
request, a first tile, a request with a control character, a disallowed host or user
agent, a bad coordinate or filter, a failed guard: all of these get the
ordinary path and its ordinary answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse

from backend.control_characters import first_control_character
from backend.maps.api import tile_by_snapshot
from backend.maps.urls import TILE_PATH

TILE_URL = re.compile(TILE_PATH)


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
