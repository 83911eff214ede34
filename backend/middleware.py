"""Requests refused before any view runs."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

from backend.errors import InvalidInput

NUL = "\x00"
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


class RefuseNulCharactersMiddleware:
    """Answer 400 for a NUL character in the path, the query string or a URL-encoded form.

    PostgreSQL text cannot hold NUL: a search or a filter with one made the
    database refuse the query, and the user saw a server error. JSON and
    multipart bodies are not read here (multipart would be parsed before the
    photo upload's own limits apply): the services refuse NUL in those fields.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        found = self._input_with_nul(request)
        if found is None:
            return self.get_response(request)
        field, shown = found
        message = _(
            "“%(field)s” contains a NUL character (an invisible control character), which "
            "cannot be stored. Remove it and send the request again."
        ) % {"field": shown}
        if request.path.startswith("/api/"):
            error = InvalidInput(message, field=field, code="nul_character")
            return JsonResponse(error.as_dict(), status=400)
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")

    def _input_with_nul(self, request: HttpRequest) -> tuple[str | None, str] | None:
        """(field name or None for the path, its name as shown) of the first NUL, or None."""
        if NUL in request.path:
            return None, _("The address")
        for key, values in request.GET.lists():
            if NUL in key or any(NUL in value for value in values):
                return _shown(key)
        if request.method == "POST" and request.content_type == FORM_CONTENT_TYPE:
            try:
                fields = request.POST
            except OSError:
                return None  # the client went away: the view finds out itself
            for key, values in fields.lists():
                if NUL in key or any(NUL in value for value in values):
                    return _shown(key)
        return None


def _shown(key: str) -> tuple[str, str]:
    name = key.replace(NUL, "") or "detail"
    return name, name
