"""Open311 GeoReport v2's plumbing: answers in JSON or XML, the specification's
error format, the API key, and the decorator every endpoint goes through
(backend.intake.open311 holds the endpoints themselves)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any
from xml.etree import ElementTree

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from backend.core.errors import ServiceError
from backend.intake.models import IntegrationClient
from backend.intake.services.clients import integration_client_by_key, integration_client_seen

FORMATS = ("json", "xml")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


# Which Open311 parameter the submission check's field names stand for.
PARAMETER_OF_FIELD = {
    "location": "lat/long",
    "category": "service_code",
    "description": "description",
    "address": "address_string",
    "name": "first_name/last_name",
    "phone": "phone",
    "email": "email",
}


class Open311Error(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


# --- Rendering ---------------------------------------------------------------


# Characters XML 1.0 cannot carry at all (even escaped): dropped from the XML answers.
XML_INVALID = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return XML_INVALID.sub("", str(value))


def _xml_fill(parent: ElementTree.Element, name: str, value: Any) -> None:
    element = ElementTree.SubElement(parent, name)
    if isinstance(value, list):
        # The specification's lists nest one element per item (attributes/attribute).
        item_name = name[:-1] if name.endswith("s") else "item"
        for item in value:
            child = ElementTree.SubElement(element, item_name)
            for key, sub in item.items():
                _xml_fill(child, key, sub)
    elif isinstance(value, dict):
        for key, sub in value.items():
            _xml_fill(element, key, sub)
    else:
        element.text = _xml_text(value)


def _render(
    fmt: str, body: Any, *, root: str, item: str | None = None, status: int = 200
) -> HttpResponse:
    """`body` a list of dicts (rendered as <root><item>…</item></root>) or one dict (<root>…)."""
    if fmt == "xml":
        element = ElementTree.Element(root)
        if isinstance(body, list):
            for row in body:
                child = ElementTree.SubElement(element, item or "item")
                for key, value in row.items():
                    _xml_fill(child, key, value)
        else:
            for key, value in body.items():
                _xml_fill(element, key, value)
        text = '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(
            element, encoding="unicode"
        )
        return HttpResponse(
            text.encode("utf-8"), status=status, content_type="text/xml; charset=utf-8"
        )
    return HttpResponse(
        json.dumps(body, ensure_ascii=False).encode("utf-8"),
        status=status,
        content_type="application/json; charset=utf-8",
    )


def _error(fmt: str, status: int, description: str) -> HttpResponse:
    """The specification's error answer: a list of {code, description}."""
    return _render(
        fmt if fmt in FORMATS else "json",
        [{"code": status, "description": description}],
        root="errors",
        item="error",
        status=status,
    )


def _language_of(request: HttpRequest) -> str | None:
    """`?locale=en` (or vi) overrides Accept-Language, which LocaleMiddleware has applied."""
    locale = request.GET.get("locale", "")[:2].lower()
    return locale if locale in ("vi", "en") else None


def _endpoint(
    methods: Iterable[str], *, keyed: bool = False
) -> Callable[..., Callable[..., HttpResponse]]:
    """Checks the method, the app's key (`keyed`: the view gets `client=`) and the format,
    in that order; answers in the chosen language and turns every refusal into the
    specification's error format (never a 500 for bad input)."""
    allowed = tuple(methods) + (("HEAD",) if "GET" in methods else ())

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @csrf_exempt
        def wrapped(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
            fmt = fmt.lower()
            answer_in = fmt if fmt in FORMATS else "json"
            with translation.override(_language_of(request) or translation.get_language()):
                if request.method not in allowed:
                    response = _error(
                        answer_in,
                        405,
                        _("This method is not allowed here: use %(methods)s.")
                        % {"methods": ", ".join(allowed)},
                    )
                    response["Allow"] = ", ".join(allowed)
                    return response
                try:
                    if keyed:
                        kwargs["client"] = _client_of(request)
                    if fmt not in FORMATS:
                        raise Open311Error(
                            404, _("The format must be json or xml, such as services.json.")
                        )
                    return view(request, *args, fmt=fmt, **kwargs)
                except Open311Error as error:
                    return _error(answer_in, error.status, error.description)
                except ServiceError as error:
                    response = _error(answer_in, error.status, _service_error_text(error))
                    retry_after = getattr(error, "retry_after", None)
                    if retry_after:
                        response["Retry-After"] = str(int(retry_after))
                    return response

        wrapped.__name__ = view.__name__
        wrapped.__doc__ = view.__doc__
        return wrapped

    return decorate


def _service_error_text(error: ServiceError) -> str:
    parameter = PARAMETER_OF_FIELD.get(error.field or "", error.field or "")
    return f"{parameter}: {error.message}" if parameter else str(error.message)


def _client_of(request: HttpRequest) -> IntegrationClient:
    form = request.method == "POST" and request.content_type in FORM_TYPES
    key = request.POST.get("api_key") if form else None
    key = key or request.GET.get("api_key")
    if not key and request.method == "POST" and not form:
        raise Open311Error(
            403,
            _(
                "api_key is required: send the request form-encoded "
                "(application/x-www-form-urlencoded) with api_key among its fields."
            ),
        )
    if not key:
        raise Open311Error(
            403, _("api_key is required: ask the city's administrator for your app's key.")
        )
    client = integration_client_by_key(key)
    if client is None:
        raise Open311Error(403, _("api_key is not valid or has been revoked."))
    integration_client_seen(client)
    return client
