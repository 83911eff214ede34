from __future__ import annotations

from typing import Any

from django.contrib.gis.geos import Point
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from backend.accounts.selectors import inspectors_visible_to
from backend.cases.documents.generation import DOCX_CONTENT_TYPE, document_generate
from backend.cases.models import Outcome, Stage, ViolationCase
from backend.cases.selectors import case_actions_for, case_deadline, cases_visible_to
from backend.cases.selectors.query import CaseQuery, case_query
from backend.cases.services.input_checks import checked_point
from backend.cases.services.messages import (
    INSPECTOR_REFUSED,
    detection_time_message,
    geometry_message,
)
from backend.cases.services.opening import case_open
from backend.cases.services.transition import case_transition
from backend.cases.workflow.api_fields import fields_for_api
from backend.cases.workflow.input_cleaning import parse_expected_version
from backend.core.errors import InvalidInput
from backend.core.idempotency import honours_idempotency_key
from backend.core.parsers import FormParser, MultiPartParser
from backend.core.permissions import ReadOnlyUnlessWardUser
from backend.core.schema import (
    REPLAYED_HEADER,
    idempotency_key_parameter,
    refusals,
)
from gis.geometry import GeometryProblem, parse_geometry

DEADLINE_SCHEMA = inline_serializer(
    "CaseDeadline",
    {
        "due": serializers.DateField(),
        "rule": serializers.CharField(),
        "rule_label": serializers.CharField(),
        "basis": serializers.CharField(help_text="the article of law the deadline comes from"),
        "days_left": serializers.IntegerField(min_value=0),
        "days_overdue": serializers.IntegerField(min_value=0),
        "overdue": serializers.BooleanField(),
    },
    allow_null=True,
    help_text="The open stage's deadline; null for a closed case or a stage without one.",
)


class CaseSerializer(GeoFeatureModelSerializer):  # type: ignore[misc]
    ward = serializers.CharField(source="ward.code", read_only=True)
    ward_name = serializers.CharField(source="ward.name", read_only=True)
    stage_label = serializers.CharField(source="get_stage_display", read_only=True)
    violation_type_label = serializers.CharField(
        source="get_violation_type_display", read_only=True
    )
    permit = serializers.CharField(
        source="permit.number", read_only=True, default=None, allow_null=True
    )
    assigned_inspector = serializers.CharField(
        source="assigned_inspector.username", read_only=True, default=None, allow_null=True
    )
    opened_by = serializers.CharField(source="opened_by.username", read_only=True)
    # Workflow state (backend.cases.workflow.table): the deadline with its rule and legal basis.
    # Blank while the case is open.
    outcome = serializers.ChoiceField(choices=Outcome.choices, allow_blank=True, read_only=True)
    outcome_label = serializers.CharField(source="get_outcome_display", read_only=True)
    parent = serializers.CharField(
        source="parent.code", read_only=True, default=None, allow_null=True
    )
    deadline = serializers.SerializerMethodField()

    class Meta:
        model = ViolationCase
        geo_field = "location"
        fields = [
            "id",
            "code",
            "ward",
            "ward_name",
            "stage",
            "stage_label",
            "stage_deadline",
            "violation_type",
            "violation_type_label",
            "address",
            "description",
            "permit",
            "permit_match",
            "permit_distance_m",
            "assigned_inspector",
            "opened_by",
            "detected_at",
            "opened_at",
            "footprint",
            # The workflow's state.
            "version",
            "stage_since",
            "deadline",
            "outcome",
            "outcome_label",
            "closed_on",
            "parent",
        ]

    @extend_schema_field(DEADLINE_SCHEMA)
    def get_deadline(self, case: ViolationCase) -> dict[str, Any] | None:
        info = case_deadline(case)
        return info.as_dict() if info else None


class DetectionTimeField(serializers.DateTimeField):
    """An ISO 8601 time; years Python cannot shift between time zones are refused, not a 500."""

    def to_internal_value(self, value: Any) -> Any:
        try:
            return super().to_internal_value(value)
        except OverflowError:
            # Only a time near year 1 or 9999 overflows: outside any record either way.
            raise serializers.ValidationError(detection_time_message()) from None


class CaseOpenSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """Input to open a case: a GeoJSON point in `location`, or `lat` and `lon`."""

    location = serializers.JSONField(required=False, help_text="GeoJSON Point, WGS 84")
    lat = serializers.FloatField(required=False)
    lon = serializers.FloatField(required=False)
    violation_type = serializers.CharField()
    address = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")
    description = serializers.CharField(required=False, allow_blank=True, default="")
    footprint = serializers.JSONField(required=False, allow_null=True, help_text="GeoJSON Polygon")
    detected_at = DetectionTimeField(required=False)
    assigned_inspector = serializers.CharField(required=False, help_text="username")

    def point(self) -> Point:
        data = self.validated_data
        if data.get("location") is not None:
            try:
                geom = parse_geometry(data["location"])
            except GeometryProblem as exc:
                raise InvalidInput(geometry_message(exc), field="location", code=exc.code) from None
            if not isinstance(geom, Point) or geom.empty:
                raise InvalidInput(_("The location must be a GeoJSON Point."), field="location")
            if geom.srid not in (None, 4326):
                geom.transform(4326)  # a fresh object parsed above: safe in place
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
            raise InvalidInput(geometry_message(exc), field="footprint", code=exc.code) from None

    def inspector(self) -> Any:
        username = self.validated_data.get("assigned_inspector")
        if not username:
            return None
        # Only inspectors the requester may see: an unknown name and another
        # ward's inspector get the same answer.
        user = inspectors_visible_to(self.context["request"].user).filter(username=username).first()
        if user is None:
            raise InvalidInput(INSPECTOR_REFUSED, field="assigned_inspector")
        return user


CASE_FILTERS = CaseQuery.openapi_parameters()


class CaseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,  # type: ignore[type-arg]
):
    """Violation cases in the user's wards."""

    serializer_class = CaseSerializer
    permission_classes = [ReadOnlyUnlessWardUser]

    def get_queryset(self) -> Any:
        qs = cases_visible_to(self.request.user)
        if self.action == "list":
            qs = case_query(self.request.query_params).apply_on(qs)
        return qs.order_by("-detected_at", "-id")

    @extend_schema(parameters=CASE_FILTERS)
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=CaseOpenSerializer,
        parameters=[
            idempotency_key_parameter(
                required=False,
                description="Optional: a new UUID per case; a retry with the same key and "
                "body gets the first answer again, never a second case.",
            ),
            REPLAYED_HEADER,
        ],
        responses={201: CaseSerializer, **refusals(409, 422)},
    )
    # Optional Idempotency-Key: the field app's offline queue retries safely.
    @honours_idempotency_key("case_open")
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = CaseOpenSerializer(data=request.data, context={"request": request})
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


# --- The workflow: what this user may do now, and doing it ---------------------------
class TransitionInputSerializer(serializers.Serializer[Any]):
    """`action` plus the fields GET /api/cases/{id}/actions/ lists for it (flat, or in `data`)."""

    action = serializers.CharField()
    expected_version = serializers.IntegerField(
        required=False, help_text="The case version the client saw; 409 if it changed."
    )
    expected_stage = serializers.CharField(required=False)
    occurred_on = serializers.DateField(required=False, help_text="Legal date of the act")
    note = serializers.CharField(required=False, allow_blank=True)
    data = serializers.DictField(required=False)  # type: ignore[assignment]
    attachment = serializers.FileField(required=False)


def _request_fields(request: Request) -> dict[str, Any]:
    data = request.data
    if hasattr(data, "lists"):  # a QueryDict from a form or multipart body
        return {key: values[-1] for key, values in data.lists() if key != "attachment"}
    if not isinstance(data, dict):
        raise InvalidInput(
            _(
                "The request body must be a JSON object: the action and its fields, "
                'for example {"action": "record_violation", ...}.'
            ),
            code="not_an_object",
        )
    return {key: value for key, value in data.items() if key != "attachment"}


def _expected_version(raw: dict[str, Any]) -> int | None:
    return parse_expected_version(raw.pop("expected_version", None))


class CaseTransitionView(APIView):
    """Take one workflow action on a case; answers with the updated case."""

    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        request=TransitionInputSerializer, responses={200: CaseSerializer, **refusals(409)}
    )
    def post(self, request: Request, pk: int) -> Response:
        case = get_object_or_404(cases_visible_to(request.user), pk=pk)
        raw = _request_fields(request)
        action = raw.pop("action", None)
        expected_version = _expected_version(raw)
        expected_stage = raw.pop("expected_stage", None) or None
        case_transition(
            actor=request.user,
            case=case,
            action=action,
            data=raw,
            attachment=request.FILES.get("attachment"),
            expected_version=expected_version,
            expected_stage=expected_stage,
        )
        updated = cases_visible_to(request.user).get(pk=pk)
        return Response(CaseSerializer(updated).data)


def actions_payload(user: Any, case: ViolationCase) -> dict[str, Any]:
    now = case_actions_for(user, case)
    return {
        "case": case.pk,
        "stage": case.stage,
        "stage_label": case.get_stage_display(),
        "version": case.version,
        "actions": [
            {
                "action": spec.code,
                "label": str(spec.label),
                "target_stage": spec.target_stage(case.stage),
                "target_stage_label": str(Stage(spec.target_stage(case.stage)).label),
                "document_type": spec.document,
                "help_text": str(spec.help_text),
                "fields": fields_for_api(spec, case, user),
            }
            for spec in now.available
        ],
        "blocked": [
            {"action": spec.code, "label": str(spec.label), "reason": reason}
            for spec, reason in now.blocked
        ],
    }


CASE_ACTIONS = inline_serializer(
    "CaseActions",
    {
        "case": serializers.IntegerField(),
        "stage": serializers.ChoiceField(choices=Stage.choices),
        "stage_label": serializers.CharField(),
        "version": serializers.IntegerField(),
        "actions": inline_serializer(
            "CaseAction",
            {
                "action": serializers.CharField(),
                "label": serializers.CharField(),
                "target_stage": serializers.ChoiceField(choices=Stage.choices),
                "target_stage_label": serializers.CharField(),
                "document_type": serializers.CharField(allow_null=True),
                "help_text": serializers.CharField(),
                "fields": inline_serializer(
                    "CaseActionField",
                    {
                        "name": serializers.CharField(),
                        "type": serializers.ChoiceField(
                            choices=["date", "text", "textarea", "int", "decimal", "choice", "bool"]
                        ),
                        "label": serializers.CharField(),
                        "required": serializers.BooleanField(),
                        "initial": serializers.JSONField(allow_null=True),
                        "target": serializers.CharField(),
                        "choices": inline_serializer(
                            "CaseActionChoice",
                            {"value": serializers.CharField(), "label": serializers.CharField()},
                            many=True,
                            required=False,
                        ),
                        "help_text": serializers.CharField(required=False),
                    },
                    many=True,
                ),
            },
            many=True,
        ),
        "blocked": inline_serializer(
            "CaseActionBlocked",
            {
                "action": serializers.CharField(),
                "label": serializers.CharField(),
                "reason": serializers.CharField(),
            },
            many=True,
        ),
    },
)


class CaseActionsView(APIView):
    """What this user may do on the case now, with the fields each action asks for."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: CASE_ACTIONS})
    def get(self, request: Request, pk: int) -> Response:
        case = get_object_or_404(cases_visible_to(request.user), pk=pk)
        return Response(actions_payload(request.user, case))


class CaseDocumentView(APIView):
    """The pre-filled DOCX of a case's MBB01, MQD02 or MQD11."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "document_type",
                str,
                OpenApiParameter.PATH,
                description="MBB01, MQD02 or MQD11 (any case)",
            )
        ],
        responses={(200, DOCX_CONTENT_TYPE): OpenApiTypes.BINARY},
    )
    def get(self, request: Request, pk: int, document_type: str) -> HttpResponse:
        case = get_object_or_404(cases_visible_to(request.user), pk=pk)
        document = document_generate(
            user=request.user, case=case, document_type=document_type.upper()
        )
        response = HttpResponse(document.content, content_type=document.content_type)
        response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
        response["Cache-Control"] = "private, no-store"
        return response
