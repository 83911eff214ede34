"""Error answers that never echo input as markup.

Pages answer with an auto-escaped template in the site's layout; the API and
the data downloads (GeoJSON, exports) answer JSON, which a browser does not
run. Django's own 400/403/404/500 go through the same rule (`handler*` in
backend/urls.py), so an unknown API address gets JSON too.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.translation import gettext as _

from backend.core.errors import InvalidInput

API_PREFIX = "/api/"


def json_error(message: Any, *, status: int = 400, code: str = "invalid") -> JsonResponse:
    """The API's error shape ({"detail": ..., "code": ...}) for a plain Django view."""
    return JsonResponse(InvalidInput(message, code=code).as_dict(), status=status)


def error_page(request: HttpRequest, message: Any, *, status: int = 400) -> HttpResponse:
    """An HTML error page; the message is escaped like any template variable."""
    return render(
        request, "errors/error.html", {"status": status, "message": message}, status=status
    )


def _answer(request: HttpRequest, status: int, message: str, code: str) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return json_error(message, status=status, code=code)
    return error_page(request, message, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _answer(request, 400, _("The request could not be understood."), "bad_request")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _answer(
        request, 403, _("You do not have permission to open this page."), "permission_denied"
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _answer(request, 404, _("There is nothing at this address."), "not_found")


def server_error(request: HttpRequest) -> HttpResponse:
    message = _("Something went wrong on the server. Try again in a moment.")
    if request.path.startswith(API_PREFIX):
        return json_error(message, status=500, code="server_error")
    # No context processors, nothing that could fail again: a plain template.
    try:
        body = get_template("errors/500.html").render({"message": message})
    except TemplateDoesNotExist:
        body = message
    return HttpResponse(body, status=500)
