"""API of the audit: a case's timeline and the dashboard's figures, as JSON."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.cases.selectors.query import CaseQuery
from backend.reports.dashboard import audit_dashboard
from backend.reports.selectors import case_for_timeline
from backend.reports.timelines import case_timeline, stage_label, timeline_summary

# The dashboard's figures count what its scope selects (CaseQuery.SCOPE).
DASHBOARD_FILTERS = CaseQuery.openapi_parameters(*CaseQuery.SCOPE)


class CaseTimelineView(APIView):
    """Every step of a case in legal order: who, when, stage before and after,
    document, the deadline it answered and whether it was on time, photos."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, pk: int) -> Response:
        case = case_for_timeline(request.user, pk)
        if case is None:
            raise Http404(_("No such case in your wards."))
        entries = case_timeline(case)
        return Response(
            {
                "case": {
                    "id": case.pk,
                    "code": case.code,
                    "ward": case.ward.code,
                    "ward_name": case.ward.name,
                    "stage": case.stage,
                    "stage_label": stage_label(case.stage),
                    "stage_deadline": case.stage_deadline,
                    "violation_type": case.violation_type,
                    "violation_type_label": case.get_violation_type_display(),
                    "address": case.address,
                },
                "summary": timeline_summary(entries),
                "events": [entry.as_json() for entry in entries],
            }
        )


class AuditDashboardView(APIView):
    """The audit dashboard's figures per ward (the same as the /audit/ page)."""

    @extend_schema(parameters=DASHBOARD_FILTERS, responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        filters = CaseQuery.from_params(request.query_params)
        return Response(audit_dashboard(request.user, filters).as_json())
