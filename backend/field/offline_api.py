"""The ward map offline: GET /api/field/offline/ward/ (what would be saved,
and its size) and GET /api/field/offline/ward/package/ (the tiles themselves).

The package is one response rather than hundreds of tile requests: on a 3G
network each request costs a round trip of half a second or more. Its body:
a 4-byte big-endian length, that many bytes of JSON
(`{"ward", "generated_at", "tiles": [[url, bytes], …]}`), then every tile's
bytes in that order; gzip-compressed on the wire when the phone accepts it.
static/field/offline.js splits it into one Cache Storage entry per tile URL.
"""

from __future__ import annotations

import json
import struct
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.models import WARD_ROLES
from backend.field.offline import (
    OfflinePackage,
    PackageTooLarge,
    offline_package,
    package_manifest,
)

PACKAGE_CONTENT_TYPE = "application/vnd.ttxd.offline-package"
WARD_PARAMETER = OpenApiParameter(
    "ward", str, description="the ward's code (default: the first of the user's wards)"
)


def _package_of(request: Request) -> OfflinePackage:
    user: Any = request.user
    if user.role not in WARD_ROLES:
        raise PermissionDenied(_("The field app is for inspectors and ward leaders."))
    code = request.query_params.get("ward", "").strip() or None
    return offline_package(user, code, timezone.localdate())


class OfflineWardView(APIView):
    """What the offline copy of the user's ward holds: tiles, size, limit."""

    @extend_schema(parameters=[WARD_PARAMETER], responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        package = _package_of(request)
        response = Response(package_manifest(package, timezone.now()))
        response["Cache-Control"] = "private, no-store"
        return response


@method_decorator(gzip_page, name="dispatch")
class OfflinePackageView(APIView):
    """Every tile of the offline copy in one response; refused (413) past the limit."""

    @extend_schema(parameters=[WARD_PARAMETER], responses={(200, PACKAGE_CONTENT_TYPE): bytes})
    def get(self, request: Request) -> HttpResponse:
        package = _package_of(request)
        if not package.fits:
            raise PackageTooLarge(package.too_large_message(), code="offline_too_large")
        index = {
            "ward": {"code": package.ward.code, "name": package.ward.name},
            "generated_at": timezone.now().isoformat(),
            "tiles": [[url, len(body)] for url, body in package.tiles],
        }
        header = json.dumps(index, ensure_ascii=False).encode()
        body = b"".join([struct.pack(">I", len(header)), header, *(b for _u, b in package.tiles)])
        response = HttpResponse(body, content_type=PACKAGE_CONTENT_TYPE)
        response["Cache-Control"] = "private, no-store"
        return response
