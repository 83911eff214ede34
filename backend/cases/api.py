from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.cases.documents.generation import (
    DOCX_CONTENT_TYPE,
    document_generate,
    parse_photo_ids,
)
from backend.cases.models import Stage, ViolationCase
from backend.cases.selectors import case_actions_for, cases_visible_to
from backend.cases.selectors.query import CaseQuery, case_query
from backend.cases.serializers import CaseOpenSerializer, CaseSerializer
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
                        # A fine: its band for the case (minimum, maximum, midpoint,
                        # tier, clause), the ward's cap, and each other clause's band.
                        "band": serializers.JSONField(required=False, allow_null=True),
                        "cap": serializers.JSONField(required=False, allow_null=True),
                        "bands": serializers.JSONField(required=False),
                        "proposes_midpoint": serializers.BooleanField(required=False),
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
    """The pre-filled DOCX of a case's latest document of a type (generation.GENERATED_TYPES)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "document_type",
                str,
                OpenApiParameter.PATH,
                description="MBB01, MQD02, REMEDY, DEMOLISH_NOTICE, SITE_CHECK, MQD11, MBB11 or TRANSFER_HANDOVER (any case)",
            ),
            OpenApiParameter(
                "photos",
                str,
                OpenApiParameter.QUERY,
                description=(
                    "MBB01: ids of the case's photos to put in the appendix, comma-separated "
                    "or repeated; empty: none. Left out: the photos without trust warnings."
                ),
            ),
        ],
        responses={(200, DOCX_CONTENT_TYPE): OpenApiTypes.BINARY},
    )
    def get(self, request: Request, pk: int, document_type: str) -> HttpResponse:
        case = get_object_or_404(cases_visible_to(request.user), pk=pk)
        chosen = (
            request.query_params.getlist("photos") if "photos" in request.query_params else None
        )
        document = document_generate(
            user=request.user,
            case=case,
            document_type=document_type.upper(),
            photo_ids=parse_photo_ids(chosen),
        )
        response = HttpResponse(document.content, content_type=document.content_type)
        response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
        response["Cache-Control"] = "private, no-store"
        return response
