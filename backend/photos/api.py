"""The photo API: upload to a case or a site visit (safe to retry) and list their photos."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.cases.selectors import cases_visible_to
from backend.core.errors import InvalidInput
from backend.core.idempotency import HEADER, idempotent_response
from backend.core.models import IdempotencyScope
from backend.core.parsers import MultiPartParser
from backend.core.permissions import ReadOnlyUnlessWardUser
from backend.photos.models import SitePhoto
from backend.photos.selectors import photos_of_case, photos_of_visit
from backend.photos.services import PhotoIngestResult, photo_add
from backend.photos.storage import VARIANTS
from backend.photos.upload_checks import PhotoUpload, photo_upload_check
from backend.photos.uploads import PhotoUploadHandler
from backend.photos.warnings import warning_message
from backend.sites.selectors import visits_visible_to


def _iso(value: Any) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def _position(point: Any) -> dict[str, float] | None:
    return None if point is None else {"lat": point.y, "lon": point.x}


def photo_answer(result: PhotoIngestResult) -> Response:
    """201 with the photo when this upload added it, 200 when it was already there."""
    body = photo_json(result.photo, created=result.created, duplicate=result.duplicate)
    if result.photo.visit_id is not None:
        # The visit's photo as evidence of the case the visit opened, when it has one.
        body["case_photo"] = result.case_photo.pk if result.case_photo is not None else None
    return Response(body, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)


def photo_json(photo: SitePhoto, **flags: bool) -> dict[str, Any]:
    """A photo as the API and the field app show it."""
    exif = (photo.metadata or {}).get("exif") or {}
    device = _position(photo.device_location)
    if device is not None:
        device["accuracy_m"] = photo.device_accuracy_m  # type: ignore[assignment]
    return {
        "id": photo.pk,
        "case": photo.case_id,
        "visit": photo.visit_id,
        "sha256": photo.sha256,
        "content_type": photo.content_type,
        "size_bytes": photo.size_bytes,
        "width": photo.width,
        "height": photo.height,
        "original_filename": photo.original_filename,
        "exif": {
            "position": _position(photo.exif_location),
            "distance_m": photo.exif_distance_m,
            "taken_at": _iso(photo.exif_taken_at),
            "taken_at_zone_assumed": exif.get("taken_at_zone_assumed", False),
            "gps_time": exif.get("gps_time"),
            "altitude_m": exif.get("altitude_m"),
            "horizontal_error_m": exif.get("horizontal_error_m"),
            "bearing_deg": exif.get("bearing_deg"),
            "make": exif.get("make"),
            "model": exif.get("model"),
        },
        "device": {"position": device, "distance_m": photo.device_distance_m},
        "captured_at": _iso(photo.captured_at),
        "note": photo.note,
        "uploaded_at": _iso(photo.uploaded_at),
        "uploaded_by": photo.uploaded_by.username,
        "warnings": [{**w, "message": warning_message(w)} for w in photo.warnings],
        "urls": {
            variant: reverse("photo_file", kwargs={"pk": photo.pk, "variant": variant})
            for variant in VARIANTS
        },
        **flags,
    }


PHOTO_UPLOAD = inline_serializer(
    "PhotoUpload",
    fields={
        "file": serializers.FileField(help_text="JPEG, PNG, WebP or HEIC/HEIF"),
        "device_lat": serializers.FloatField(required=False),
        "device_lon": serializers.FloatField(required=False),
        "device_accuracy_m": serializers.FloatField(required=False),
        "captured_at": serializers.DateTimeField(required=False),
        "note": serializers.CharField(required=False),
    },
)


class CasePhotosView(APIView):
    """Photos of one case: list them, or add one (multipart, with an Idempotency-Key)."""

    permission_classes = [ReadOnlyUnlessWardUser]
    parser_classes = [MultiPartParser]

    def initialize_request(self, request: Any, *args: Any, **kwargs: Any) -> Request:
        # Before anything reads the body (CSRF checks read request.POST): the
        # handler refuses an oversize upload from its declared length, then
        # counts while streaming.
        if request.method == "POST":
            request.upload_handlers = [
                PhotoUploadHandler(request, limit=settings.TTXD_PHOTO_MAX_BYTES)
            ]
        return super().initialize_request(request, *args, **kwargs)

    def _case(self, request: Request, pk: int) -> Any:
        case = cases_visible_to(request.user).filter(pk=pk).first()
        if case is None:
            raise NotFound(_("No such case among those you can see."))
        return case

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, pk: int) -> Response:
        case = self._case(request, pk)
        photos = photos_of_case(request.user, case.pk)
        return Response({"case": case.pk, "results": [photo_json(p) for p in photos]})

    @extend_schema(
        request={"multipart/form-data": PHOTO_UPLOAD},
        parameters=[
            OpenApiParameter(
                HEADER,
                str,
                OpenApiParameter.HEADER,
                required=True,
                description="A new UUID per photo; retries reuse it.",
            )
        ],
        responses={201: OpenApiTypes.OBJECT, 200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, pk: int) -> Response:
        # The key is checked first, the upload next, and only then is the key claimed.
        return idempotent_response(
            request,
            scope=IdempotencyScope.PHOTO_UPLOAD,
            required=True,
            prepare=lambda: self._upload(request, pk),
            fingerprint=lambda upload: upload.fingerprint,
            respond=lambda upload: photo_answer(photo_add(upload)),
            # A key first used by a service caller (the demo data) has a photo, no answer.
            replay_result=lambda photo_id: photo_answer(
                PhotoIngestResult(photo=SitePhoto.objects.get(pk=photo_id), created=False)
            ),
        )

    def _one_file(self, request: Request) -> tuple[Any, Any]:
        files = request.FILES.getlist("file")
        if len(files) != 1:
            raise InvalidInput(
                _("Send exactly one photo in the “file” field."), field="file", code="one_file"
            )
        return files[0], request.data

    def _upload(self, request: Request, pk: int) -> PhotoUpload:
        case = self._case(request, pk)
        upload, data = self._one_file(request)
        return photo_upload_check(
            actor=request.user,
            case=case,
            data=upload.read(),
            filename=upload.name or "",
            device_lat=data.get("device_lat"),
            device_lon=data.get("device_lon"),
            device_accuracy_m=data.get("device_accuracy_m"),
            captured_at=data.get("captured_at"),
            note=data.get("note", ""),
        )


class VisitPhotosView(CasePhotosView):
    """Photos of one site visit: list them, or add one (multipart, with an Idempotency-Key).

    The same pipeline as a case's photos (size limit, HEIC, EXIF, warnings
    measured from the site); when the visit opened a case, each photo also
    becomes that case's evidence.
    """

    def _visit(self, request: Request, pk: int, visit: int) -> Any:
        found = visits_visible_to(request.user).filter(pk=visit, site_id=pk).first()
        if found is None:
            raise NotFound(_("No such visit among those you can see."))
        return found

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, pk: int, visit: int) -> Response:  # type: ignore[override]
        found = self._visit(request, pk, visit)
        photos = photos_of_visit(request.user, found.pk)
        return Response({"visit": found.pk, "results": [photo_json(p) for p in photos]})

    @extend_schema(
        request={"multipart/form-data": PHOTO_UPLOAD},
        parameters=[
            OpenApiParameter(
                HEADER,
                str,
                OpenApiParameter.HEADER,
                required=True,
                description="A new UUID per photo; retries reuse it.",
            )
        ],
        responses={201: OpenApiTypes.OBJECT, 200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, pk: int, visit: int) -> Response:  # type: ignore[override]
        return idempotent_response(
            request,
            scope=IdempotencyScope.PHOTO_UPLOAD,
            required=True,
            prepare=lambda: self._visit_upload(request, pk, visit),
            fingerprint=lambda upload: upload.fingerprint,
            respond=lambda upload: photo_answer(photo_add(upload)),
            replay_result=lambda photo_id: photo_answer(
                PhotoIngestResult(photo=SitePhoto.objects.get(pk=photo_id), created=False)
            ),
        )

    def _visit_upload(self, request: Request, pk: int, visit: int) -> PhotoUpload:
        found = self._visit(request, pk, visit)
        upload, data = self._one_file(request)
        return photo_upload_check(
            actor=request.user,
            visit=found,
            data=upload.read(),
            filename=upload.name or "",
            device_lat=data.get("device_lat"),
            device_lon=data.get("device_lon"),
            device_accuracy_m=data.get("device_accuracy_m"),
            captured_at=data.get("captured_at"),
            note=data.get("note", ""),
        )
