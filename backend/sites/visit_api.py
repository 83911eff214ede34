"""The visits API: record a visit to a site (safe to retry), list a site's visits.

POST /api/sites/{id}/visits/ takes the checklist as JSON with an
Idempotency-Key; the visit's photos follow, one request each, at
/api/sites/{id}/visits/{visit_id}/photos/ (backend.photos.api), so a phone
on a poor connection retries one photo at a time, never the whole visit.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.core.idempotency import HEADER, idempotent_response
from backend.core.models import IdempotencyScope
from backend.core.permissions import ReadOnlyUnlessWardUser
from backend.sites.models import Site, Visit
from backend.sites.selectors import sites_visible_to, visits_visible_to
from backend.sites.services.visit_checks import clause_suggestion, finding_message
from backend.sites.services.visits import VisitResult, visit_check, visit_record


def _decimal(value: Any) -> float | None:
    return None if value is None else float(value)


def site_summary(site: Site) -> dict[str, Any]:
    """What the visit form shows of a site: where, what stage, and the permit's limits."""
    permit = site.permit
    return {
        "id": site.pk,
        "address": site.address,
        "owner_name": site.owner_name,
        "ward": site.ward.name,
        "lat": site.location.y,
        "lon": site.location.x,
        "origin": site.origin,
        "status": site.status,
        "status_label": str(site.get_status_display()),
        "storeys_built": site.storeys_built,
        "works_class": site.works_class,
        "small_works": site.small_works,
        "takes_visits": site.takes_visits,
        "last_visit_on": site.last_visit_on.strftime("%d/%m/%Y") if site.last_visit_on else None,
        "next_visit_due": site.next_visit_due.strftime("%d/%m/%Y") if site.next_visit_due else None,
        "permit": None
        if permit is None
        else {
            "number": permit.number,
            "issued_on": permit.issued_on.strftime("%d/%m/%Y"),
            "permitted_storeys": permit.permitted_storeys,
            "permitted_height_m": _decimal(permit.permitted_height_m),
            "permitted_footprint_m2": _decimal(permit.permitted_footprint_m2),
            "permitted_floor_area_m2": _decimal(permit.permitted_floor_area_m2),
        },
    }


def visit_json(visit: Visit) -> dict[str, Any]:
    suggestion = clause_suggestion(
        visit.findings,
        works_class=visit.works_class or visit.site.works_class,
        day=visit.visited_on,
    )
    case = visit.case
    return {
        "id": visit.pk,
        "site": visit.site_id,
        "inspector": visit.inspector.username,
        "visited_at": timezone.localtime(visit.visited_at).isoformat(),
        "visited_on": visit.visited_on.strftime("%d/%m/%Y"),
        "distance_m": visit.distance_m,
        "status_seen": visit.status_seen,
        "permit_displayed": visit.permit_displayed,
        "site_screened": visit.site_screened,
        "storeys_built": visit.storeys_built,
        "height_m": _decimal(visit.height_m),
        "footprint_m2": _decimal(visit.footprint_m2),
        "within_parcel": visit.within_parcel,
        "setbacks_respected": visit.setbacks_respected,
        "works_class": visit.works_class,
        "notes": visit.notes,
        "outcome": visit.outcome,
        "outcome_label": str(visit.get_outcome_display()),
        "findings": [{**f, "message": finding_message(f)} for f in visit.findings],
        "suggested_clause": suggestion.as_dict() if suggestion else None,
        "case": None
        if case is None
        else {
            "id": case.pk,
            "code": case.code,
            "violation_type": case.violation_type,
            "url": reverse("case-detail", kwargs={"pk": case.pk}),
        },
        "photos_url": reverse("site-visit-photos", kwargs={"pk": visit.site_id, "visit": visit.pk}),
    }


VISIT_REQUEST = inline_serializer(
    "VisitRecord",
    fields={
        "outcome": serializers.ChoiceField(choices=["conforming", "reminder", "violation"]),
        "visited_at": serializers.DateTimeField(required=False),
        "lat": serializers.FloatField(required=False),
        "lon": serializers.FloatField(required=False),
        "accuracy_m": serializers.FloatField(required=False),
        "status_seen": serializers.CharField(required=False),
        "permit_displayed": serializers.BooleanField(required=False, allow_null=True),
        "site_screened": serializers.BooleanField(required=False, allow_null=True),
        "storeys_built": serializers.IntegerField(required=False, allow_null=True),
        "height_m": serializers.DecimalField(max_digits=6, decimal_places=2, required=False),
        "footprint_m2": serializers.DecimalField(max_digits=10, decimal_places=2, required=False),
        "within_parcel": serializers.BooleanField(required=False, allow_null=True),
        "setbacks_respected": serializers.BooleanField(required=False, allow_null=True),
        "works_class": serializers.CharField(required=False),
        "notes": serializers.CharField(required=False),
        "violation_type": serializers.CharField(
            required=False, help_text="Default: the clause suggested from the findings."
        ),
    },
)


def _answer(result: VisitResult, created: bool) -> Response:
    return Response(
        visit_json(result.visit),
        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
    )


class SiteVisitsView(APIView):
    """A site's visits: list them with the site's summary, or record one."""

    permission_classes = [ReadOnlyUnlessWardUser]
    parser_classes = [JSONParser]

    def _site(self, request: Request, pk: int) -> Site:
        site = sites_visible_to(request.user).filter(pk=pk).first()
        if site is None:
            raise NotFound(_("No such construction site among those you can see."))
        return site

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, pk: int) -> Response:
        site = self._site(request, pk)
        visits = (
            visits_visible_to(request.user).filter(site=site).order_by("visited_at", "id")[:200]
        )
        return Response(
            {"site": site_summary(site), "results": [visit_json(visit) for visit in visits]}
        )

    @extend_schema(
        request=VISIT_REQUEST,
        parameters=[
            OpenApiParameter(
                HEADER,
                str,
                OpenApiParameter.HEADER,
                required=True,
                description="A new UUID per visit; retries reuse it.",
            )
        ],
        responses={201: OpenApiTypes.OBJECT, 200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, pk: int) -> Response:
        data: Any = request.data if isinstance(request.data, dict) else {}
        return idempotent_response(
            request,
            scope=IdempotencyScope.SITE_VISIT,
            required=True,
            prepare=lambda: visit_check(
                actor=request.user, site=self._site(request, pk), data=data
            ),
            fingerprint=lambda draft: draft.fingerprint,
            respond=lambda draft: _answer(visit_record(draft), created=True),
            replay_result=lambda visit_id: _answer(
                VisitResult(visit=Visit.objects.get(pk=visit_id), case=None), created=False
            ),
        )
