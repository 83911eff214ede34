"""DRF exception handler: service errors become 4xx with their message."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.utils.translation import gettext as _
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from backend.core.errors import RateLimited, ServiceError
from backend.core.middleware import request_too_large_body


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ServiceError):
        # As DRF does for its own errors: nothing of a refused request is kept,
        # even where a view wraps the request in a transaction.
        set_rollback()
        response = Response(exc.as_dict(), status=exc.status)
        if isinstance(exc, RateLimited):
            # As DRF's own throttles answer: clients wait this long, not guess.
            response["Retry-After"] = str(exc.retry_after)
        return response
    if isinstance(exc, SuspiciousOperation):
        # Django's guards (too many fields, a multipart body past its size
        # limit, …) raise this; outside DRF it becomes an HTML page, here JSON.
        set_rollback()
        if isinstance(exc, RequestDataTooBig):
            response = Response(request_too_large_body(), status=413)
        else:
            message = _("The request was refused as unsafe. Check what was sent and try again.")
            response = Response({"detail": message, "code": "suspicious_request"}, status=400)
        _log_as_django_does(exc, context, response.status_code)
        return response
    return drf_exception_handler(exc, context)


def _log_as_django_does(exc: SuspiciousOperation, context: dict[str, Any], status: int) -> None:
    # Django logs each refusal to django.security.<its class>, where
    # deployments watch for probes; answering here must not silence that.
    request = context.get("request")
    logging.getLogger(f"django.security.{type(exc).__name__}").error(
        str(exc),
        exc_info=exc,
        extra={"status_code": status, "request": getattr(request, "_request", request)},
    )
