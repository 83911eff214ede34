"""JSON the field app reads: nearby open cases, whether it is signed in, its device token."""

from __future__ import annotations

import math
from typing import Any

from django.contrib.gis.geos import Point
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.models import WARD_ROLES
from backend.accounts.services import DeviceRequestSerializer, device_token_issue
from backend.cases.models import Stage, ViolationCase, ViolationType
from backend.cases.selectors import case_is_overdue
from backend.cases.services.input_checks import checked_point
from backend.core.errors import InvalidInput
from backend.field.selectors import field_cases
from backend.field.today import choice_label, today_stops


def _position(lat: Any, lon: Any) -> Point:
    try:
        flat, flon = float(lat), float(lon)
    except (TypeError, ValueError, OverflowError):
        flat = flon = math.nan
    if not (math.isfinite(flat) and math.isfinite(flon)) or not (
        -90 <= flat <= 90 and -180 <= flon <= 180
    ):
        raise InvalidInput(
            _("lat and lon must be the phone's position in degrees."), field="lat", code="invalid"
        )
    return Point(flon, flat, srid=4326)


def case_card(case: ViolationCase, today: Any) -> dict[str, Any]:
    distance = getattr(case, "distance", None)
    deadline = case.stage_deadline
    return {
        "id": case.pk,
        "code": case.code,
        "address": case.address,
        "ward": case.ward.name,
        "stage": case.stage,
        "stage_label": choice_label(Stage.choices, case.stage),
        "violation_type_label": choice_label(ViolationType.choices, case.violation_type),
        "deadline": deadline.isoformat() if deadline else None,
        "deadline_display": deadline.strftime("%d/%m/%Y") if deadline else None,
        "overdue": case_is_overdue(case, today),
        "lat": case.location.y,
        "lon": case.location.x,
        "distance_m": None if distance is None else round(distance.m, 1),
        "photo_count": getattr(case, "photo_count", 0),
    }


class FieldCasesView(APIView):
    """Open cases of the user's wards, nearest first when `lat` and `lon` are given."""

    @extend_schema(
        parameters=[
            OpenApiParameter("lat", float, description="the phone's latitude (WGS 84)"),
            OpenApiParameter("lon", float, description="the phone's longitude (WGS 84)"),
            OpenApiParameter("q", str, description="part of a case code or address"),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        near = None
        if params.get("lat") or params.get("lon"):
            near = _position(params.get("lat"), params.get("lon"))
        search = params.get("q", "")
        if "\x00" in search:
            # The middleware refuses this first; the check stays with the query it guards.
            raise InvalidInput(
                _("The search contains a NUL character, which cannot be searched for."),
                field="q",
                code="nul_character",
            )
        today = timezone.localdate()
        cases = field_cases(request.user, near=near, search=search)
        return Response(
            {
                "ordered_by": "distance" if near else "deadline",
                "today": today.isoformat(),
                "cases": [case_card(case, today) for case in cases],
            }
        )


class FieldTodayView(APIView):
    """The inspector's day: sites due for a visit and cases due this week, in route order.

    From `lat`/`lon` when given (the phone's position), else from the most
    urgent stop. For the ward roles of the field app only.
    """

    @extend_schema(
        parameters=[
            OpenApiParameter("lat", float, description="the phone's latitude (WGS 84)"),
            OpenApiParameter("lon", float, description="the phone's longitude (WGS 84)"),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        user: Any = request.user
        if user.role not in WARD_ROLES:
            raise PermissionDenied(_("The field app is for inspectors and ward leaders."))
        params = request.query_params
        lat, lon = params.get("lat", ""), params.get("lon", "")
        near = None
        if lat.strip() or lon.strip():
            if not (lat.strip() and lon.strip()):
                raise InvalidInput(
                    _("Give both lat and lon (the phone's position), or neither."),
                    field="lat" if not lat.strip() else "lon",
                    code="required",
                )
            # In Vietnam, as WGS 84 degrees: swapped axes and NaN are named as such.
            near = checked_point(lat, lon, field="lat")
        answer = today_stops(user, today=timezone.localdate(), near=near, case_card=case_card)
        return Response(answer)


class FieldSessionView(APIView):
    """200 while the session is alive (the offline queue checks before giving up)."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        user: Any = request.user
        return Response(
            {
                "username": user.username,
                "role": user.role,
                "can_capture": user.role in WARD_ROLES,
                "message": _("You are logged in."),
            }
        )


class FieldDeviceTokenView(APIView):
    """A device token for this phone, issued to the signed-in page of the field app.

    The page's session already proved the password; the token lets the app
    keep sending its queue, is listed on the user's devices page and is
    revoked there, at sign-out, or with a password change. It is tied to
    this session: revoking the device ends the session as well.
    """

    # The session only (with its CSRF check): a token does not mint tokens.
    authentication_classes = [SessionAuthentication]

    @extend_schema(
        request=DeviceRequestSerializer,
        responses={201: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        user: Any = request.user
        if user.role not in WARD_ROLES:
            raise PermissionDenied(_("The field app is for inspectors and ward leaders."))
        serializer = DeviceRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        issued = device_token_issue(
            user=user,
            device=serializer.validated_data["device"],
            session_key=request.session.session_key or "",
        )
        return Response(
            {**issued.answer(), "user": user.get_username()}, status=status.HTTP_201_CREATED
        )
