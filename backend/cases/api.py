from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.gis.geos import Point
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from backend.cases.models import Stage, ViolationCase, ViolationType
from backend.cases.selectors import cases_visible_to
from backend.cases.services import case_open, checked_point, geometry_message
from backend.errors import InvalidInput
from backend.permissions import ReadOnlyUnlessWardUser
from backend.filters import filter_bbox, filter_choice, filter_ward_code
from gis.geometry import GeometryProblem, parse_geometry


class CaseSerializer(GeoFeatureModelSerializer):
    ward = serializers.CharField(source="ward.code", read_only=True)
    ward_name = serializers.CharField(source="ward.name", read_only=True)
    stage_label = serializers.CharField(source="get_stage_display", read_only=True)
    violation_type_label = serializers.CharField(source="get_violation_type_display", read_only=True)
    permit = serializers.CharField(source="permit.number", read_only=True, default=None)
    assigned_inspector = serializers.CharField(
        source="assigned_inspector.username", read_only=True, default=None
    )
    opened_by = serializers.CharField(source="opened_by.username", read_only=True)

    class Meta:
        model = ViolationCase
        geo_field = "location"
        fields = [
            "id", "code", "ward", "ward_name", "stage", "stage_label", "stage_deadline",
            "violation_type", "violation_type_label", "address", "description", "permit",
            "permit_match", "permit_distance_m", "assigned_inspector", "opened_by",
            "detected_at", "opened_at", "footprint",
        ]


class CaseOpenSerializer(serializers.Serializer):
    """Input to open a case: a GeoJSON point in `location`, or `lat` and `lon`."""

    location = serializers.JSONField(required=False, help_text="GeoJSON Point, WGS 84")
    lat = serializers.FloatField(required=False)
    lon = serializers.FloatField(required=False)
    violation_type = serializers.CharField()
    address = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")
    description = serializers.CharField(required=False, allow_blank=True, default="")
    footprint = serializers.JSONField(required=False, allow_null=True, help_text="GeoJSON Polygon")
    detected_at = serializers.DateTimeField(required=False)
    assigned_inspector = serializers.CharField(required=False, help_text="username")

    def point(self) -> Point:
        data = self.validated_data
        if data.get("location") is not None:
            try:
                geom = parse_geometry(data["location"])
            except GeometryProblem as exc:
                raise InvalidInput(geometry_message(exc), field="location") from None
            if geom.geom_type != "Point" or geom.empty:
                raise InvalidInput(_("The location must be a GeoJSON Point."), field="location")
            if geom.srid not in (None, 4326):
                geom = geom.transform(4326, clone=True)
            return checked_point(geom.y, geom.x)
        if data.get("lat") is None or data.get("lon") is None:
            raise InvalidInput(
                _("Give the position as a GeoJSON point in “location”, or as “lat” and “lon”."),
                field="location",
            )
        return checked_point(data["lat"], data["lon"])

    def footprint_geometry(self) -> Any:
        value = self.validated_data.get("footprint")
        if value is None:
            return None
        try:
            return parse_geometry(value)
        except GeometryProblem as exc:
            raise InvalidInput(geometry_message(exc), field="footprint") from None

    def inspector(self) -> Any:
        username = self.validated_data.get("assigned_inspector")
        if not username:
            return None
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise InvalidInput(
                _("No active user is called “%(name)s”.") % {"name": username},
                field="assigned_inspector",
            )
        return user


CASE_FILTERS = [
    OpenApiParameter("in_bbox", str, description="minlon,minlat,maxlon,maxlat"),
    OpenApiParameter("ward", str, description="ward code(s), comma-separated"),
    OpenApiParameter("stage", str, enum=Stage.values),
    OpenApiParameter("violation_type", str, enum=ViolationType.values),
]


class CaseViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Violation cases in the user's wards."""

    serializer_class = CaseSerializer
    permission_classes = [ReadOnlyUnlessWardUser]

    def get_queryset(self) -> Any:
        qs = cases_visible_to(self.request.user)
        if self.action == "list":
            params = self.request.query_params
            qs = filter_bbox(qs, params, "location")
            qs = filter_ward_code(qs, params)
            qs = filter_choice(qs, params, "stage", "stage", Stage.values)
            qs = filter_choice(qs, params, "violation_type", "violation_type", ViolationType.values)
        return qs.order_by("-detected_at", "-id")

    @extend_schema(parameters=CASE_FILTERS)
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=CaseOpenSerializer, responses={201: CaseSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = CaseOpenSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        case = case_open(
            actor=request.user,
            location=incoming.point(),
            violation_type=incoming.validated_data["violation_type"],
            address=incoming.validated_data["address"],
            description=incoming.validated_data["description"],
            footprint=incoming.footprint_geometry(),
            detected_at=incoming.validated_data.get("detected_at"),
            assigned_inspector=incoming.inspector(),
        )
        case = cases_visible_to(request.user).get(pk=case.pk)
        return Response(CaseSerializer(case).data, status=status.HTTP_201_CREATED)
