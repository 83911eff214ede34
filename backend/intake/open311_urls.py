"""Open311 GeoReport v2 (backend.intake.open311), included at open311/v2/.

The format is the path's extension: .json or .xml (anything else is answered
404 in the specification's error format).
"""

from __future__ import annotations

from django.urls import re_path

from backend.intake import open311

FMT = r"\.(?P<fmt>[A-Za-z0-9]{1,10})$"

urlpatterns = [
    re_path(r"^services" + FMT, open311.services, name="open311-services"),
    re_path(
        r"^services/(?P<service_code>[^/.]{1,50})" + FMT,
        open311.service_definition,
        name="open311-service",
    ),
    re_path(r"^requests" + FMT, open311.requests, name="open311-requests"),
    re_path(
        r"^requests/(?P<service_request_id>[^/.]{1,50})" + FMT,
        open311.request_detail,
        name="open311-request",
    ),
    # Anything else under open311/v2/ is a 404 in the specification's format, not the
    # site's page (unnamed: there is nothing to reverse to).
    re_path(r"^.*$", open311.not_found),
]
