"""DRF exception handler: service errors become 4xx with their message."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import SuspiciousOperation
from django.utils.translation import gettext as _
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from backend.errors import ServiceError


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ServiceError):
        # As DRF does for its own errors: nothing of a refused request is kept,
        # even where a view wraps the request in a transaction.
        set_rollback()
        return Response(exc.as_dict(), status=exc.status)
    if isinstance(exc, SuspiciousOperation):
        # Django's guards (an external GeoJSON CRS, too many fields, …) raise
        # this; outside DRF it becomes an HTML page, here a JSON 400.
        set_rollback()
        message = _("The request was refused as unsafe. Check what was sent and try again.")
        return Response({"detail": message, "code": "suspicious_request"}, status=400)
    return drf_exception_handler(exc, context)
