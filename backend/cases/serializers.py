"""The case API's serializers: a case as GeoJSON, and what opening one takes."""

from __future__ import annotations

from typing import Any

from django.contrib.gis.geos import Point
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from backend.accounts.selectors import inspectors_visible_to
from backend.cases.deadlines import calendar_seeded_until
from backend.cases.models import Outcome, ViolationCase
from backend.cases.selectors import case_appeals, case_deadline, case_fine
from backend.cases.services.input_checks import checked_point
from backend.cases.services.messages import (
    INSPECTOR_REFUSED,
    detection_time_message,
    geometry_message,
)
from backend.core.errors import InvalidInput
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
        "beyond_calendar": serializers.BooleanField(
            help_text="the count ran past the last year of the holiday table (weekends only)"
        ),
        "calendar_until": serializers.DateField(allow_null=True),
        "counted_from": inline_serializer(
            "CaseDeadlineStart",
            {
                "event": serializers.ChoiceField(
                    choices=["act", "record", "issue", "receipt"],
                    help_text="what the law counts the period from",
                ),
                "on": serializers.DateField(),
                "method": serializers.CharField(required=False, help_text="how it was served"),
            },
            allow_null=True,
        ),
    },
    allow_null=True,
    help_text="The open stage's deadline; null for a closed case or a stage without one.",
)

FINE_SCHEMA = inline_serializer(
    "CaseFine",
    {
        "amount": serializers.IntegerField(help_text="VND"),
        "amount_display": serializers.CharField(help_text="as Vietnamese write it: 1.500.000 đ"),
        "state": serializers.ChoiceField(
            choices=["awaiting_service", "due", "overdue", "enforcement", "paid"]
        ),
        "decided_on": serializers.DateField(),
        "received_on": serializers.DateField(allow_null=True),
        "service": serializers.DictField(allow_null=True),
        "due": serializers.DateField(allow_null=True),
        "due_counted_from": serializers.DictField(allow_null=True),
        "due_basis": serializers.CharField(),
        "schedule": serializers.ListField(child=serializers.DictField()),
        "payments": serializers.ListField(child=serializers.DictField()),
        "paid": serializers.IntegerField(),
        "outstanding": serializers.IntegerField(),
        "outstanding_display": serializers.CharField(),
        "days_late": serializers.IntegerField(),
        "interest_rate_percent_per_day": serializers.CharField(),
        "interest_basis": serializers.CharField(),
        "interest_accrued": serializers.IntegerField(help_text="VND, to today"),
        "interest_paid": serializers.IntegerField(),
        "interest_outstanding": serializers.IntegerField(),
        "interest_outstanding_display": serializers.CharField(),
        "relief_pending": serializers.DictField(allow_null=True),
        "relief_decisions": serializers.ListField(child=serializers.DictField()),
        "enforcement": serializers.DictField(allow_null=True),
        "enforcement_due": serializers.DateField(allow_null=True),
        "enforcement_basis": serializers.CharField(),
        "execution_limit": serializers.DateField(),
        "execution_limit_basis": serializers.CharField(),
        "execution_days_left": serializers.IntegerField(),
        "execution_warning": serializers.BooleanField(),
    },
    allow_null=True,
    help_text="The latest sanction decision's fine on one case (null in lists, and when none).",
)


APPEALS_SCHEMA = inline_serializer(
    "CaseAppeals",
    {
        "complaints": serializers.ListField(
            child=serializers.DictField(),
            help_text="Each with its window (90 d from the decision's receipt), in_time, "
            "decide_by (30 d, 45 d if complex), decision (null while open).",
        ),
        "lawsuits": serializers.ListField(
            child=serializers.DictField(),
            help_text="Each with its court, window (1 year), in_time, judgment (null while open).",
        ),
        "open_complaints": serializers.IntegerField(),
        "open_lawsuits": serializers.IntegerField(),
        "execution_suspended": serializers.BooleanField(),
        "suspension": serializers.DictField(allow_null=True),
        "preventive_measures": serializers.ListField(
            child=serializers.DictField(),
            help_text="Seizures and sealings with the time of the 24-hour report due.",
        ),
    },
    allow_null=True,
    help_text="Complaints, lawsuits, suspension, preventive measures (null in lists, and when "
    "none).",
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
    fine = serializers.SerializerMethodField()
    appeals = serializers.SerializerMethodField()

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
            "fine",
            "execution_suspended",
            "appeals",
            "outcome",
            "outcome_label",
            "closed_on",
            "parent",
        ]

    @extend_schema_field(DEADLINE_SCHEMA)
    def get_deadline(self, case: ViolationCase) -> dict[str, Any] | None:
        if "calendar_until" not in self.context:
            # Once per request, not per case of a list.
            self.context["calendar_until"] = calendar_seeded_until()
        info = case_deadline(case, calendar_until=self.context["calendar_until"])
        return info.as_dict() if info else None

    @extend_schema_field(FINE_SCHEMA)
    def get_fine(self, case: ViolationCase) -> dict[str, Any] | None:
        # Only on one case: a list would cost a query per row.
        if self.parent is not None:
            return None
        status = case_fine(case)
        return status.as_dict() if status else None

    @extend_schema_field(APPEALS_SCHEMA)
    def get_appeals(self, case: ViolationCase) -> dict[str, Any] | None:
        if self.parent is not None:
            return None
        status = case_appeals(case)
        return None if status.is_empty() else status.as_dict()


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
