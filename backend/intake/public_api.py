"""The public API behind /phan-anh/: file a report, read where it stands.

No sign-in and no session: these views authenticate nobody (so no CSRF
check applies and no signed-in user's account is ever used); anyone may
call them, and everything they accept is checked by the services. Abuse
checks come first (backend.intake.abuse); the photos of a report are sent
to backend.photos.tip_api.
"""

from __future__ import annotations

import time
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.core.errors import InvalidInput
from backend.core.idempotency import HEADER, REPLAY_HEADER
from backend.intake.abuse import (
    DEVICE_HEADER,
    client_address,
    tip_abuse_check,
    tip_rate_limits,
)
from backend.intake.models import Tip, TipChannel
from backend.intake.selectors import (
    tip_already_filed,
    tip_by_code,
    tip_public_photos,
    tip_public_status,
)
from backend.intake.services.submission import tip_check, tip_file


def unknown_code() -> NotFound:
    # One answer for a code that is malformed and one that is not on file:
    # nobody can learn which codes exist.
    return NotFound(
        _("No report has this code. Check the code you were given, such as PA-7K3M-9Q2D-X4TB.")
    )


def public_photos(tip: Tip) -> list[dict[str, Any]]:
    """The report's photos as anyone may see them: re-encoded derivatives only."""
    out = []
    for photo in tip_public_photos(tip):
        url = reverse("tip_photo_public", kwargs={"code": tip.code, "photo_id": photo.pk})
        out.append({"id": photo.pk, "preview": url, "thumbnail": f"{url}?size=small"})
    return out


def public_status_json(tip: Tip) -> dict[str, Any]:
    body = tip_public_status(tip)
    body["status_url"] = reverse("tip_status_page", kwargs={"code": tip.code})
    body["photos"] = public_photos(tip)
    return body


def filed_answer(tip: Tip) -> dict[str, Any]:
    return {
        "code": tip.code,
        "status": tip.status,
        "ward": tip.ward.name,
        "received_at": tip.received_at,
        "response_due_on": tip.response_due_on,
        "status_url": reverse("tip_status_page", kwargs={"code": tip.code}),
        "status_api_url": reverse("public-tip-status", kwargs={"code": tip.code}),
        "photos_url": reverse("public-tip-photos", kwargs={"code": tip.code}),
    }


def _elapsed_ms(data: Any) -> Any:
    """How long the form was open: as the browser measured it, else from when it opened."""
    elapsed = data.get("elapsed_ms")
    if elapsed is not None:
        return elapsed
    started = data.get("form_started_at_ms")
    try:
        return time.time() * 1000 - float(started)
    except (TypeError, ValueError, OverflowError):
        return None


class PublicView(APIView):
    """Anonymous: no authentication at all, so no session (and no CSRF) is involved."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]


TIP_REQUEST = inline_serializer(
    "PublicTip",
    fields={
        "lat": serializers.FloatField(),
        "lon": serializers.FloatField(),
        "category": serializers.CharField(),
        "description": serializers.CharField(required=False),
        "address": serializers.CharField(required=False),
        "name": serializers.CharField(required=False),
        "phone": serializers.CharField(required=False),
        "email": serializers.CharField(required=False),
        "notify_by_email": serializers.BooleanField(required=False),
        "website": serializers.CharField(required=False, help_text="Leave empty."),
        "elapsed_ms": serializers.IntegerField(
            required=False, help_text="How long the form was open before it was sent."
        ),
        "form_started_at_ms": serializers.IntegerField(required=False),
    },
)


class PublicTipsView(PublicView):
    """File a citizen's report (JSON, with an Idempotency-Key: retries get the first answer)."""

    parser_classes = [JSONParser]

    @extend_schema(
        request=TIP_REQUEST,
        parameters=[
            OpenApiParameter(
                HEADER,
                str,
                OpenApiParameter.HEADER,
                required=True,
                description="A new UUID per report; retries reuse it.",
            )
        ],
        responses={201: OpenApiTypes.OBJECT, 200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        key = request.headers.get(HEADER)
        if key is None or not key.strip():
            raise InvalidInput(
                _("The Idempotency-Key header is required: send a new UUID with each report."),
                field=HEADER,
                code="idempotency_key_missing",
            )
        tip_abuse_check(honeypot=data.get("website"), elapsed_ms=_elapsed_ms(data))
        if not tip_already_filed(channel=TipChannel.WEB, submission_key=key.strip()):
            tip_rate_limits(
                address=client_address(request), device=request.headers.get(DEVICE_HEADER)
            )
        draft = tip_check(
            lat=data.get("lat"),
            lon=data.get("lon"),
            category=data.get("category"),
            description=data.get("description", ""),
            address=data.get("address", ""),
            reporter_name=data.get("name", ""),
            reporter_phone=data.get("phone", ""),
            reporter_email=data.get("email", ""),
            notify_by_email=data.get("notify_by_email", False),
        )
        filed = tip_file(draft, channel=TipChannel.WEB, submission_key=key)
        response = Response(
            filed_answer(filed.tip),
            status=status.HTTP_201_CREATED if filed.created else status.HTTP_200_OK,
        )
        if not filed.created:
            response[REPLAY_HEADER] = "true"
        return response


class PublicTipStatusView(PublicView):
    """Where a report stands: no personal data, no staff names."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT})
    def get(self, request: Request, code: str) -> Response:
        tip = tip_by_code(code)
        if tip is None:
            raise unknown_code()
        response = Response(public_status_json(tip))
        response["Cache-Control"] = "no-store"
        return response
