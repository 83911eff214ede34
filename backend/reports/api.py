"""API of the audit: a case's timeline and the dashboard's figures, as JSON."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.cases.selectors.query import CaseQuery
from backend.core.errors import InvalidInput
from backend.reports.coverage import coverage_figures
from backend.reports.dashboard import WARD_BASES, audit_dashboard
from backend.reports.selectors import case_for_timeline
from backend.reports.timelines import case_timeline, stage_label, timeline_summary
from backend.reports.tip_figures import tip_figures

# The dashboard's figures count what its scope selects (CaseQuery.SCOPE).
DASHBOARD_FILTERS = CaseQuery.openapi_parameters(*CaseQuery.SCOPE)
WARD_BASIS = OpenApiParameter(
    "ward_basis",
    str,
    enum=list(WARD_BASES),
    default="today",
    description=(
        "Group cases by the ward responsible for them today (`today`, the default) "
        "or by the ward they were opened in (`opened`, the ward at the time): the two "
        "differ for cases a boundary import moved. The same option as the /audit/ page."
    ),
)


def ward_basis_param(request: Request) -> str:
    """`today` or `opened`; anything else is a 400 naming the parameter."""
    value = request.query_params.get("ward_basis") or "today"
    if value not in WARD_BASES:
        raise InvalidInput(
            _(
                "ward_basis “%(value)s” is not known: use today (the ward responsible today) "
                "or opened (the ward the case was opened in)."
            )
            % {"value": value[:50]},
            field="ward_basis",
        )
    return value


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
    """The audit dashboard's figures per ward (the same as the /audit/ page), by the
    ward responsible today or the ward each case was opened in (`ward_basis`), and
    the inspection coverage of construction sites this month (`coverage`) and the
    citizens' reports of the month (`tips`: received, open, overdue, answered, answered
    on time, led to a case)."""

    @extend_schema(
        parameters=[*DASHBOARD_FILTERS, WARD_BASIS], responses={200: OpenApiTypes.OBJECT}
    )
    def get(self, request: Request) -> Response:
        filters = CaseQuery.from_params(request.query_params)
        basis = ward_basis_param(request)
        dashboard = audit_dashboard(request.user, filters, ward_basis=basis)
        # Inspection coverage this month (backend.reports.coverage): the ward filter only.
        coverage = coverage_figures(
            request.user,
            [(w.code, w.name) for w in dashboard.wards],
            dashboard.filters.ward_codes,
            dashboard.today,
        )
        # Citizens' reports this month (backend.reports.tip_figures): the ward filter only.
        tips = tip_figures(
            request.user,
            [(w.code, w.name) for w in dashboard.wards],
            dashboard.filters.ward_codes,
            dashboard.today,
        )
        return Response(
            {
                **dashboard.as_json(),
                "ward_basis": basis,
                "coverage": coverage.as_json(),
                "tips": tips.as_json(),
            }
        )
