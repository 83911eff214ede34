"""A citizen's photos for their report, sent by whoever holds its code (no sign-in).

The same pipeline as a case's photos: the size limit before the body is read
(413), the decoding checks, EXIF kept for the ward's staff. The answer says
only what the public may see: the photo's derivatives. A photo sent again
(the browser's queue retrying) is the same photo: the report keeps one copy.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.core.errors import InvalidInput
from backend.core.parsers import MultiPartParser
from backend.intake.selectors import tip_by_code
from backend.intake.services.submission import tip_photo_add
from backend.photos.uploads import PhotoUploadHandler

TIP_PHOTO_UPLOAD = inline_serializer(
    "PublicTipPhoto",
    fields={
        "file": serializers.FileField(help_text="JPEG, PNG, WebP or HEIC/HEIF"),
        "device_lat": serializers.FloatField(required=False),
        "device_lon": serializers.FloatField(required=False),
        "captured_at": serializers.DateTimeField(required=False),
    },
)


class TipPhotosView(APIView):
    """Add a photo to a report (multipart `file`), within the report's photo limits."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    parser_classes = [MultiPartParser]

    def initialize_request(self, request: Any, *args: Any, **kwargs: Any) -> Request:
        # As for a case's photos (backend.photos.api): an oversize upload is
        # refused from its declared length before the body is read.
        if request.method == "POST":
            request.upload_handlers = [
                PhotoUploadHandler(request, limit=settings.TTXD_PHOTO_MAX_BYTES)
            ]
        return super().initialize_request(request, *args, **kwargs)

    @extend_schema(
        request={"multipart/form-data": TIP_PHOTO_UPLOAD},
        responses={201: OpenApiTypes.OBJECT, 200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, code: str) -> Response:
        tip = tip_by_code(code)
        if tip is None:
            raise NotFound(
                _(
                    "No report has this code. Check the code you were given, "
                    "such as PA-7K3M-9Q2D-X4TB."
                )
            )
        files = request.FILES.getlist("file")
        if len(files) != 1:
            raise InvalidInput(
                _("Send exactly one photo in the “file” field."), field="file", code="one_file"
            )
        upload = files[0]
        data: Any = request.data
        result = tip_photo_add(
            tip=tip,
            data=upload.read(),
            filename=upload.name or "",
            device_lat=data.get("device_lat"),
            device_lon=data.get("device_lon"),
            captured_at=data.get("captured_at"),
            max_photos=settings.TTXD_TIP_MAX_PHOTOS,
            window_hours=settings.TTXD_TIP_PHOTO_WINDOW_HOURS,
        )
        url = reverse("tip_photo_public", kwargs={"code": tip.code, "photo_id": result.photo.pk})
        return Response(
            {
                "id": result.photo.pk,
                "created": result.created,
                "preview": url,
                "thumbnail": f"{url}?size=small",
            },
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )
