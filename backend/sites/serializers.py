"""What the site API sends and reads: GeoJSON features for lists, the detail
with the permit's limits, the status history and the visits, and the inputs
of recording a site and moving it on."""

from __future__ import annotations

import datetime
import json
from typing import TYPE_CHECKING, Any

from django.contrib.gis.geos import Point
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from backend.cases.services.input_checks import checked_point
from backend.cases.services.messages import geometry_message
from backend.core.errors import InvalidInput
from backend.permits.models import WorksClass
from backend.sites.models import Site, SiteEvent, SiteStatus, Visit, VisitOutcome
from backend.sites.selectors import inspection_state, site_events_of
from gis.geometry import GeometryProblem, parse_geometry

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
RECENT_VISITS = 20


def site_page_url(pk: int) -> str:
    return reverse("site_detail", args=[pk])


def _label(choices: Any, value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


class SiteSerializer(GeoFeatureModelSerializer):  # type: ignore[misc]
    """One site as a GeoJSON Feature at its location."""

    ward = serializers.CharField(source="ward.code", read_only=True)
    ward_name = serializers.CharField(source="ward.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    origin_label = serializers.CharField(source="get_origin_display", read_only=True)
    permit_number = serializers.SerializerMethodField()
    inspection = serializers.SerializerMethodField(
        help_text="overdue, due (within a week), scheduled, or none"
    )
    url = serializers.SerializerMethodField()

    class Meta:
        model = Site
        geo_field = "location"
        fields = [
            "id",
            "ward",
            "ward_name",
            "origin",
            "origin_label",
            "permit",
            "permit_number",
            "address",
            "owner_name",
            "works_class",
            "small_works",
            "status",
            "status_label",
            "status_since",
            "storeys_built",
            "next_visit_due",
            "last_visit_on",
            "visit_count",
            "had_violation",
            "inspection",
            "version",
            "url",
        ]

    def get_permit_number(self, site: Site) -> str | None:
        return site.permit.number if site.permit else None

    def get_inspection(self, site: Site) -> str:
        today = self.context.get("today") or timezone.localdate()
        return inspection_state(site, today)

    def get_url(self, site: Site) -> str:
        return site_page_url(site.pk)


def permit_limits(site: Site) -> dict[str, Any] | None:
    """What the permit allows, for a visit (and a reader) to compare against."""
    permit = site.permit
    if permit is None:
        return None

    def number(value: Any) -> float | None:
        return float(value) if value is not None else None

    return {
        "id": permit.pk,
        "number": permit.number,
        "issued_on": permit.issued_on,
        "expires_on": permit.expires_on,
        "status": permit.status,
        "storeys": permit.permitted_storeys,
        "height_m": number(permit.permitted_height_m),
        "footprint_m2": number(permit.permitted_footprint_m2),
        "floor_area_m2": number(permit.permitted_floor_area_m2),
    }


def event_payload(event: SiteEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "kind": event.kind,
        "kind_label": event.get_kind_display(),
        "on": event.on,
        "from_status": event.from_status or None,
        "from_status_label": _label(SiteStatus, event.from_status) if event.from_status else None,
        "to_status": event.to_status or None,
        "to_status_label": _label(SiteStatus, event.to_status) if event.to_status else None,
        "storeys_built": event.storeys_built,
        "evidence": event.evidence,
        "visit": event.visit_id,
        "by": str(event.actor),
        "at": timezone.localtime(event.at).isoformat(),
    }


def visit_payload(visit: Visit) -> dict[str, Any]:
    return {
        "id": visit.pk,
        "visited_on": visit.visited_on,
        "inspector": str(visit.inspector),
        "outcome": visit.outcome,
        "outcome_label": visit.get_outcome_display(),
        "status_seen": visit.status_seen or None,
        "storeys_built": visit.storeys_built,
        "findings": visit.findings,
        "case": visit.case_id,
        "photo_count": getattr(visit, "photo_count", None),
    }


def visits_summary(site: Site) -> dict[str, Any]:
    visits = (
        Visit.objects.filter(site=site)
        .select_related("inspector")
        .annotate(photo_count=Count("photos"))
        .order_by("-visited_at", "-id")
    )
    outcomes = dict.fromkeys(VisitOutcome.values, 0)
    for row in Visit.objects.filter(site=site).values("outcome").annotate(n=Count("id")):
        outcomes[row["outcome"]] = row["n"]
    return {
        "count": sum(outcomes.values()),
        "last_visit_on": site.last_visit_on,
        "next_visit_due": site.next_visit_due,
        "outcomes": outcomes,
        "recent": [visit_payload(v) for v in visits[:RECENT_VISITS]],
    }


def site_detail_payload(site: Site, today: datetime.date) -> dict[str, Any]:
    """The GeoJSON feature of the list, with the permit's limits, the history and the visits."""
    feature: dict[str, Any] = dict(SiteSerializer(site, context={"today": today}).data)
    properties = feature["properties"]
    properties["permit_limits"] = permit_limits(site)
    properties["parcel"] = json.loads(site.parcel.geojson) if site.parcel else None
    properties["history"] = [event_payload(e) for e in site_events_of(site)]
    properties["visits"] = visits_summary(site)
    properties["cases"] = list(site.cases.order_by("id").values("id", "code", "stage"))
    return feature


# --- Input ----------------------------------------------------------------------


# DRF's own messages have no Vietnamese: every input field says its own.
REQUIRED = gettext_lazy("Fill in this field.")
DATE_MESSAGES: dict[str, str | _StrPromise] = {
    "required": gettext_lazy("Enter the day it happened (dd/mm/yyyy)."),
    "null": gettext_lazy("Enter the day it happened (dd/mm/yyyy)."),
    "invalid": gettext_lazy("Write the date as dd/mm/yyyy."),
}
VERSION_MESSAGES: dict[str, str | _StrPromise] = {
    "required": gettext_lazy("Send the site's version as you last read it (the “version” field)."),
    "null": gettext_lazy("Send the site's version as you last read it (the “version” field)."),
    "invalid": gettext_lazy("The version must be a whole number."),
    "max_string_length": gettext_lazy("The version must be a whole number."),
}
STOREYS_MESSAGES: dict[str, str | _StrPromise] = {
    "invalid": gettext_lazy("Storeys must be a whole number from 0 to 200."),
    "min_value": gettext_lazy("Storeys must be a whole number from 0 to 200."),
    "max_value": gettext_lazy("Storeys must be a whole number from 0 to 200."),
    "max_string_length": gettext_lazy("Storeys must be a whole number from 0 to 200."),
}
DEGREES_MESSAGES: dict[str, str | _StrPromise] = {
    "invalid": gettext_lazy("Latitude and longitude must be numbers in degrees."),
    "max_string_length": gettext_lazy("Latitude and longitude must be numbers in degrees."),
}
TEXT_MESSAGES: dict[str, str | _StrPromise] = {
    "required": REQUIRED,
    "null": REQUIRED,
    "invalid": gettext_lazy("This must be text."),
    "max_length": gettext_lazy("At most {max_length} characters."),
}


def _date_field(help_text: str) -> serializers.DateField:
    return serializers.DateField(
        input_formats=DATE_FORMATS, help_text=help_text, error_messages=DATE_MESSAGES
    )


def _version_field() -> serializers.IntegerField:
    return serializers.IntegerField(
        help_text="the site version the client saw; 409 if stale", error_messages=VERSION_MESSAGES
    )


def _text_field(**kwargs: Any) -> serializers.CharField:
    return serializers.CharField(error_messages=TEXT_MESSAGES, **kwargs)


class _Input(serializers.Serializer):  # type: ignore[type-arg]
    default_error_messages = {
        "invalid": gettext_lazy("Send a JSON object with the fields of this request."),
    }


class StoreysField(serializers.IntegerField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            min_value=0,
            max_value=200,
            required=False,
            allow_null=True,
            error_messages=STOREYS_MESSAGES,
            **kwargs,
        )


class SiteRecordSerializer(_Input):
    """A notified or patrol site: a GeoJSON point in `location`, or `lat` and `lon`."""

    origin = _text_field(help_text="notified or patrol")
    location = serializers.JSONField(required=False, help_text="GeoJSON Point, WGS 84")
    lat = serializers.FloatField(required=False, error_messages=DEGREES_MESSAGES)
    lon = serializers.FloatField(required=False, error_messages=DEGREES_MESSAGES)
    address = _text_field(max_length=300, allow_blank=True, default="")
    owner_name = _text_field(max_length=200, allow_blank=True, default="")
    works_class = serializers.ChoiceField(
        choices=WorksClass.choices,
        default=WorksClass.INDIVIDUAL_HOUSE,
        error_messages={"invalid_choice": gettext_lazy("Unknown works class “{input}”.")},
    )
    status = _text_field(default=SiteStatus.STARTED)
    storeys_built = StoreysField()
    on = _date_field("the day it was seen or notified")
    evidence = _text_field(allow_blank=True, default="")

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
                geom.transform(4326)
            return checked_point(geom.y, geom.x)
        if data.get("lat") is None or data.get("lon") is None:
            raise InvalidInput(
                _("Give the position as a GeoJSON point in “location”, or as “lat” and “lon”."),
                field="location",
            )
        return checked_point(data["lat"], data["lon"])


class SiteStatusSerializer(_Input):
    status = _text_field(help_text="the new status")
    on = _date_field("the day it happened")
    evidence = _text_field(allow_blank=True, default="")
    storeys_built = StoreysField()
    version = _version_field()


class SiteReopenSerializer(_Input):
    on = _date_field("the day works resumed")
    reason = _text_field(allow_blank=True, default="")
    version = _version_field()
