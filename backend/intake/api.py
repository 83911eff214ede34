"""The staff's API of citizens' reports: GET /api/tips/ (GeoJSON, filtered),
GET /api/tips/{id}/, POST /api/tips/{id}/<action>/ (verify, open-case,
link-case, send-inspector, dismiss, merge) and POST /api/tips/spam/.

Every read starts at tips_visible_to; the reporter's name, phone and e-mail
only where reporter_visible_to allows (the tip's ward staff)."""

from __future__ import annotations

import datetime
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from backend.core.errors import InvalidInput
from backend.core.permissions import ReadOnlyUnlessWardUser
from backend.core.schema import refusals
from backend.intake.actions import ACTIONS, tip_act, tips_spam
from backend.intake.models import Tip
from backend.intake.query import TipQuery
from backend.intake.reads import (
    reporter_of,
    suggested_violation_type,
    tip_detail,
    with_photo_counts,
)
from backend.intake.selectors import reporters_visible_to, tip_is_overdue, tips_visible_to

TIP_FILTERS = TipQuery.openapi_parameters()


class TipSerializer(GeoFeatureModelSerializer):  # type: ignore[misc]
    """One tip as a GeoJSON Feature at its point."""

    ward = serializers.CharField(source="ward.code", read_only=True)
    ward_name = serializers.CharField(source="ward.name", read_only=True)
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    overdue = serializers.SerializerMethodField()
    case_code = serializers.SerializerMethodField()
    photo_count = serializers.IntegerField(read_only=True)
    suggested_violation_type = serializers.SerializerMethodField()
    reporter = serializers.SerializerMethodField(
        help_text="name, phone, e-mail: only for the tip's ward staff, else null"
    )

    class Meta:
        model = Tip
        geo_field = "location"
        fields = [
            "id",
            "code",
            "ward",
            "ward_name",
            "address",
            "category",
            "category_label",
            "status",
            "status_label",
            "received_at",
            "response_due_on",
            "overdue",
            "case_code",
            "photo_count",
            "suggested_violation_type",
            "reporter",
            "version",
        ]

    def get_overdue(self, tip: Tip) -> bool:
        return tip_is_overdue(tip, self.context.get("today"))

    def get_case_code(self, tip: Tip) -> str | None:
        return tip.case.code if tip.case is not None else None

    def get_suggested_violation_type(self, tip: Tip) -> dict[str, str] | None:
        return suggested_violation_type(tip)

    def get_reporter(self, tip: Tip) -> dict[str, str] | None:
        wards: frozenset[int] = self.context.get("reporter_wards", frozenset())
        return reporter_of(tip) if tip.ward_id in wards else None


class TipViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Citizens' reports in the user's wards (every ward for the city's roles)."""

    serializer_class = TipSerializer
    permission_classes = [ReadOnlyUnlessWardUser]

    def _today(self) -> datetime.date:
        if not hasattr(self, "today"):
            self.today = timezone.localdate()
        return self.today

    def get_queryset(self) -> Any:
        qs = tips_visible_to(self.request.user)
        if self.action == "list":
            qs = TipQuery.from_params(self.request.query_params).apply_on(qs, self._today())
            qs = with_photo_counts(qs)
        return qs.order_by("response_due_on", "received_at", "id")

    def get_serializer_context(self) -> dict[str, Any]:
        return {
            **super().get_serializer_context(),
            "today": self._today(),
            "reporter_wards": reporters_visible_to(self.request.user),
        }

    @extend_schema(parameters=TIP_FILTERS)
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        tip = self.get_object()
        return Response(tip_detail(request.user, tip, self._today()))


def _body(request: Request) -> Any:
    data = request.data
    if hasattr(data, "dict"):  # a form post
        return data.dict()
    return data


class TipActionView(APIView):
    """One triage action on a tip; answers the tip as it now reads."""

    permission_classes = [ReadOnlyUnlessWardUser]

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT, 201: OpenApiTypes.OBJECT, **refusals(409)},
    )
    def post(self, request: Request, pk: int, action: str) -> Response:
        if action not in ACTIONS:
            raise InvalidInput(_("Unknown action."), code="unknown_action")
        tip = get_object_or_404(tips_visible_to(request.user), pk=pk)
        result = tip_act(request.user, tip, action, _body(request))
        fresh = tips_visible_to(request.user).get(pk=pk)
        payload = tip_detail(request.user, fresh)
        if action == "open-case":
            return Response(
                {**payload, "opened_case": {"id": result.pk, "code": getattr(result, "code", "")}},
                status=status.HTTP_201_CREATED,
            )
        return Response(payload)


class TipSpamView(APIView):
    """Mark several reports as spam at once: all of them, or none."""

    permission_classes = [ReadOnlyUnlessWardUser]

    @extend_schema(
        request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT, **refusals(409)}
    )
    def post(self, request: Request) -> Response:
        data = _body(request)
        ids = data.get("ids") if isinstance(data, dict) else None
        if hasattr(request.data, "getlist"):
            ids = request.data.getlist("ids")
        done = tips_spam(request.user, ids)
        return Response({"marked": [{"id": t.pk, "code": t.code} for t in done]})
