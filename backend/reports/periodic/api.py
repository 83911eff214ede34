"""`GET /api/periodic-reports/?ward=CODE&period=2026-11`: a report's indicators as JSON.

The live figures (computed now) and, when the report was generated, the
stored snapshot with its status. `POST /api/periodic-reports/<id>/sent/`: the
ward leader marks the report sent.
"""

from __future__ import annotations

import datetime

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.reports.periodic.access import requested_scope
from backend.reports.periodic.figures import periodic_figures
from backend.reports.periodic.models import PeriodicReport
from backend.reports.periodic.selectors import is_late, late_q, periodic_reports_visible_to
from backend.reports.periodic.services import (
    check_may_send_reports,
    periodic_report_mark_reviewed,
    periodic_report_mark_sent,
)

LIST_LIMIT = 1000


def report_json(report: PeriodicReport, today: datetime.date) -> dict[str, object]:
    return {
        "id": report.pk,
        "ward_code": report.ward_code or None,
        "ward_name": report.ward_name,
        "kind": report.kind,
        "label": report.label,
        "start": report.start.isoformat(),
        "end": report.end.isoformat(),
        "due_on": report.due_on.isoformat(),
        "generated_at": report.generated_at.isoformat(),
        "status": report.status,
        "sent_at": report.sent_at.isoformat() if report.sent_at else None,
        "sent_by": report.sent_by.get_username() if report.sent_by else None,
        "late": is_late(report, today),
    }


class PeriodicReportView(APIView):
    """The indicators of a ward's (or, without `ward`, the city's) periodic report."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "period", str, required=True, description="2026-11, 2026-Q4, 2026-H2 or 2026"
            ),
            OpenApiParameter("ward", str, description="ward code; none: the city"),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        code, period = requested_scope(request.user, request.query_params)
        stored = PeriodicReport.objects.filter(
            ward_code=code or "", kind=period.kind, label=period.label
        ).first()
        today = timezone.localdate()
        return Response(
            {
                "live": periodic_figures(period, code),
                "computed_at": timezone.now().isoformat(),
                "report": report_json(stored, today) if stored else None,
                "snapshot": stored.figures if stored else None,
            }
        )


class PeriodicReportSentView(APIView):
    """The ward leader marks the report sent (a draft is reviewed on the way)."""

    mark = staticmethod(periodic_report_mark_sent)

    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT})
    def post(self, request: Request, pk: int) -> Response:
        check_may_send_reports(request.user)
        report = periodic_reports_visible_to(request.user).filter(pk=pk).first()
        if report is None:
            raise Http404(_("No such report in your wards."))
        report = self.mark(report, actor=request.user)
        return Response(report_json(report, timezone.localdate()))


class PeriodicReportReviewedView(PeriodicReportSentView):
    """The ward leader marks the draft reviewed."""

    mark = staticmethod(periodic_report_mark_reviewed)


class PeriodicReportListView(APIView):
    """The stored reports the user may see (ward staff: their wards; city roles:
    every ward's and the city's), newest first; `late=1` only those past their
    due date and not sent; `period`, `kind` and `ward` (`city` for the city's) narrow."""

    @extend_schema(
        parameters=[
            OpenApiParameter("late", str, description="1: only late reports"),
            OpenApiParameter("period", str, description="a period label, e.g. 2026-11"),
            OpenApiParameter("kind", str, description="month, quarter, half_year or year"),
            OpenApiParameter("ward", str, description="ward code, or city"),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        today = timezone.localdate()
        qs = periodic_reports_visible_to(request.user)
        params = request.query_params
        if params.get("late") == "1":
            qs = qs.filter(late_q(today))
        if params.get("period"):
            qs = qs.filter(label=str(params["period"])[:10])
        if params.get("kind"):
            qs = qs.filter(kind=str(params["kind"])[:20])
        if params.get("ward"):
            ward = str(params["ward"])[:10]
            qs = qs.filter(ward_code="" if ward == "city" else ward)
        rows = qs.order_by("-end", "kind", "ward_code")[:LIST_LIMIT]
        return Response(
            {
                "count": qs.count(),
                "results": [report_json(r, today) for r in rows],
            }
        )
