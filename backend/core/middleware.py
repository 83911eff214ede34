"""Requests refused before any view runs."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

from backend.core.control_characters import (
    control_character_code,
    control_character_message,
    field_name_shown,
    first_control_character,
    first_in_fields,
)
from backend.core.errors import InvalidInput

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
MULTIPART_CONTENT_TYPE = "multipart/form-data"

# (field name or None for the address, its name as shown, the character)
Found = tuple[str | None, str, str]

# Far deeper than any body the API takes (a GeoJSON feature is five levels), far
# shallower than the interpreter's recursion limit, which DRF's parser and the
# serializers would otherwise meet as a 500.
MAX_JSON_DEPTH = 64


class NestedTooDeeply(Exception):
    pass


class RefuseControlCharactersMiddleware:
    """Answer 400 for an invisible control character in anything a person sends as text.

    Checked: the path, the query string, URL-encoded forms, JSON bodies and the
    text fields of multipart pages (backend.core.control_characters says which
    characters). The API's multipart bodies are left to its parsers
    (backend.core.parsers), which check the same characters: its views stream
    uploads through their own size limits, set before the body is read.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            found = self._in_request(request)
        except RequestDataTooBig:
            return _too_large(request)
        except NestedTooDeeply:
            return _too_deep(request)
        if found is None:
            return self.get_response(request)
        return _refusal(request, found)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        # A page's multipart form is parsed right after this anyway (CSRF reads
        # request.POST); an API view (DRF's, with `cls`) parses its own.
        if (
            request.method != "POST"
            or request.content_type != MULTIPART_CONTENT_TYPE
            or hasattr(view, "cls")
        ):
            return None
        # A page's upload (the admin's imports) is refused from its declared
        # length before the multipart parser spools a byte of it to disk.
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > settings.TTXD_PAGE_UPLOAD_MAX_BYTES:
            return _too_large(request)
        try:
            found = _in_fields(request.POST.lists())
        except OSError:
            return None  # the client went away: the view finds out itself
        return None if found is None else _refusal(request, found)

    def _in_request(self, request: HttpRequest) -> Found | None:
        char = first_control_character(request.path)
        if char:
            return None, _("The address"), char
        found = _in_fields(request.GET.lists())
        if found:
            return found
        if request.method == "POST" and request.content_type == FORM_CONTENT_TYPE:
            try:
                return _in_fields(request.POST.lists())
            except OSError:
                return None  # the client went away: the view finds out itself
        if _is_json(request.content_type) and request.method in ("POST", "PUT", "PATCH"):
            return _in_json_body(request)
        return None


def _is_json(content_type: str | None) -> bool:
    return bool(content_type) and (
        content_type == "application/json" or str(content_type).endswith("+json")
    )


def _in_fields(fields: Iterator[tuple[str, list[Any]]] | Any) -> Found | None:
    found = first_in_fields(fields)
    return _named(*found) if found else None


def _in_json_body(request: HttpRequest) -> Found | None:
    if not request.body:
        return None
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return None  # not JSON: the view answers that
    except RecursionError as nested:
        raise NestedTooDeeply from nested
    return _in_json(body, "detail")


def _in_json(body: Any, field: str) -> Found | None:
    """The first control character in any string or key, named by its nearest key.

    Walked with a stack, not recursion, so that the depth is counted, not met.
    Raises NestedTooDeeply beyond MAX_JSON_DEPTH levels.
    """
    pending: list[tuple[Any, str, int]] = [(body, field, 0)]
    while pending:
        value, name, depth = pending.pop()
        if isinstance(value, str):
            char = first_control_character(value)
            if char:
                return _named(name, char)
            continue
        if not isinstance(value, dict | list):
            continue
        if depth >= MAX_JSON_DEPTH:
            raise NestedTooDeeply
        if isinstance(value, dict):
            for key in value:
                char = first_control_character(key)
                if char:
                    return _named(key, char)
            children = [(item, key, depth + 1) for key, item in value.items()]
        else:
            children = [(item, name, depth + 1) for item in value]
        pending.extend(reversed(children))  # popped in the body's order
    return None


def _named(key: str, char: str) -> Found:
    name = field_name_shown(key)
    return name, name, char


def _refusal(request: HttpRequest, found: Found) -> HttpResponse:
    field, shown, char = found
    message = control_character_message(shown, char)
    if request.path.startswith("/api/"):
        error = InvalidInput(message, field=field, code=control_character_code(char))
        return JsonResponse(error.as_dict(), status=400)
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


def request_too_large_message() -> str:
    # request.body is capped (DATA_UPLOAD_MAX_MEMORY_SIZE); photos have their own limit.
    megabytes = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
    return _("The request is too large: at most %(limit)d MB of form or JSON data.") % {
        "limit": megabytes
    }


def request_too_large_body() -> dict[str, Any]:
    """The API's 413 body, here and for a multipart body its parser finds too large."""
    return InvalidInput(request_too_large_message(), code="request_too_large").as_dict()


def _too_large(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(request_too_large_body(), status=413)
    return HttpResponse(
        request_too_large_message(), status=413, content_type="text/plain; charset=utf-8"
    )


def _too_deep(request: HttpRequest) -> HttpResponse:
    message = _(
        "The request is nested too deeply: at most %(limit)d levels of lists and objects. "
        "Send a flatter body."
    ) % {"limit": MAX_JSON_DEPTH}
    if request.path.startswith("/api/"):
        error = InvalidInput(message, code="nested_too_deeply")
        return JsonResponse(error.as_dict(), status=400)
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
