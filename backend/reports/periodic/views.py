"""Pages and files of the periodic reports: the list (/reports/periodic/), the
letter (DOCX) and the tables (XLSX), and the leader's "mark sent"."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from backend.accounts.models import Role
from backend.accounts.selectors import user_sees_all_wards
from backend.core.error_pages import error_page, json_error
from backend.core.errors import ServiceError
from backend.reports.periodic.access import requested_scope
from backend.reports.periodic.documents import DOCX_TYPE, XLSX_TYPE, report_docx, report_xlsx
from backend.reports.periodic.figures import periodic_figures
from backend.reports.periodic.models import PeriodicReport, ReportKind
from backend.reports.periodic.selectors import (
    is_late,
    late_q,
    periodic_reports_visible_to,
    ward_codes_of,
)
from backend.reports.periodic.services import (
    check_may_send_reports,
    periodic_report_mark_reviewed,
    periodic_report_mark_sent,
)

PAGE_SIZE = 500


@require_safe
@login_required
def periodic_reports_page(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    reports = periodic_reports_visible_to(request.user)
    kind = request.GET.get("kind") or ""
    if kind in ReportKind.values:
        reports = reports.filter(kind=kind)
    label = (request.GET.get("period") or "").strip()[:10]
    if label:
        reports = reports.filter(label=label)
    ward = (request.GET.get("ward") or "").strip()[:10]
    if ward:
        reports = reports.filter(ward_code="" if ward == "city" else ward)
    only_late = request.GET.get("late") == "1"
    if only_late:
        reports = reports.filter(late_q(today))
    total = reports.count()
    rows = [
        {"report": r, "late": is_late(r, today)}
        for r in reports.order_by("-end", "kind", "ward_code")[:PAGE_SIZE]
    ]
    leader_wards = (
        ward_codes_of(request.user)
        if getattr(request.user, "role", "") == Role.WARD_LEADER
        else set()
    )
    return render(
        request,
        "reports/periodic.html",
        {
            "rows": rows,
            "total": total,
            "page_size": PAGE_SIZE,
            "period": label,
            "ward": ward,
            "kinds": ReportKind.choices,
            "kind": kind,
            "only_late": only_late,
            "is_city": user_sees_all_wards(request.user),
            "leader_wards": leader_wards,
            "is_admin": getattr(request.user, "role", "") == Role.ADMIN,
        },
    )


@require_safe
@login_required
def periodic_report_file(request: HttpRequest, fmt: str) -> HttpResponse:
    """`?ward=CODE&period=LABEL`: the stored snapshot when generated (what is
    signed and sent), else the live figures; `live=1` always computes now."""
    try:
        code, period = requested_scope(request.user, request.GET)
    except ServiceError as exc:
        return json_error(exc.message, status=exc.status, code=exc.code)
    stored = PeriodicReport.objects.filter(
        ward_code=code or "", kind=period.kind, label=period.label
    ).first()
    figures = (
        stored.figures
        if stored is not None and request.GET.get("live") != "1"
        else periodic_figures(period, code)
    )
    name = f"bao-cao-ttxd-{code or 'thanh-pho'}-{period.label}.{fmt}"
    if fmt == "docx":
        day = stored.generated_at.date() if stored is not None else timezone.localdate()
        signer = ""
        response = HttpResponse(
            report_docx(figures, day=day, signer=signer), content_type=DOCX_TYPE
        )
    elif fmt == "xlsx":
        response = HttpResponse(report_xlsx(figures), content_type=XLSX_TYPE)
    else:
        raise Http404(_("No such export."))
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def periodic_report_sent(request: HttpRequest, pk: int) -> HttpResponse:
    return _mark(request, pk, periodic_report_mark_sent)


@require_POST
@login_required
def periodic_report_reviewed(request: HttpRequest, pk: int) -> HttpResponse:
    return _mark(request, pk, periodic_report_mark_reviewed)


def _mark(request: HttpRequest, pk: int, mark: Callable[..., PeriodicReport]) -> HttpResponse:
    try:
        check_may_send_reports(request.user)
    except ServiceError as exc:
        return error_page(request, exc.message, status=exc.status)
    report = periodic_reports_visible_to(request.user).filter(pk=pk).first()
    if report is None:
        raise Http404(_("No such report in your wards."))
    try:
        mark(report, actor=request.user)
    except ServiceError as exc:
        return error_page(request, exc.message, status=exc.status)
    return redirect("periodic_reports")
