"""Pages of the audit: the city dashboard, a case's timeline, and exports."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from backend.accounts.selectors import user_sees_all_wards
from backend.cases.models import Stage, ViolationType
from backend.cases.selectors import case_is_overdue
from backend.cases.selectors.query import CaseQuery
from backend.core.error_pages import json_error
from backend.core.errors import InvalidInput
from backend.reports import coverage_exports, export_files, exports, tip_exports
from backend.reports.coverage import Coverage, coverage_figures
from backend.reports.dashboard import (
    Dashboard,
    WardFigures,
    audit_dashboard,
    overdue_map_geojson,
    visible_wards,
)
from backend.reports.selectors import OPEN_STAGE_VALUES, case_for_timeline, cases_matching
from backend.reports.timelines import case_timeline, timeline_summary
from backend.reports.tip_figures import TipFigures, tip_figures
from backend.wards.selectors import wards_visible_to


def ward_basis_of(request: HttpRequest) -> str:
    """`?ward_basis=opened` groups by the ward a case was opened in; else by today's ward."""
    return "opened" if request.GET.get("ward_basis") == "opened" else "today"


def _filters_or_error(request: HttpRequest) -> tuple[CaseQuery, str | None]:
    params = request.GET.copy()
    params.pop("ward_basis", None)
    try:
        return CaseQuery.from_params(params), None
    except InvalidInput as exc:
        return CaseQuery(), str(exc.message)


@login_required
@require_safe
def case_timeline_page(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_for_timeline(request.user, pk)
    if case is None:
        raise Http404(_("No such case in your wards."))
    entries = case_timeline(case)
    today = timezone.localdate()
    return render(
        request,
        "reports/timeline.html",
        {
            "case": case,
            "entries": entries,
            "summary": timeline_summary(entries),
            "overdue": case_is_overdue(case, today),
            "today": today,
        },
    )


class _Links:
    """Case-list URLs for each figure: the filters that select the cases behind it."""

    def __init__(self, filters: CaseQuery) -> None:
        self.filters = filters
        self.base = reverse("case_list")

    def __call__(self, code: str, **changes: Any) -> str:
        ward = (code,) if code else self.filters.ward_codes
        return f"{self.base}?{self.filters.link(ward=ward, **changes)}"


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _ward_row(figures: WardFigures, links: _Links, stages: list[tuple[str, str]]) -> dict[str, Any]:
    code = figures.code
    return {
        "code": code,
        "name": figures.name,
        "stages": [
            {"count": figures.open_by_stage.get(s, 0), "url": links(code, stage=(s,))}
            for s, _label in stages
        ],
        "open": figures.open,
        "open_url": links(code, stage=tuple(OPEN_STAGE_VALUES)),
        "overdue": figures.overdue,
        "overdue_share": figures.overdue_share,
        "overdue_url": links(code, overdue=True),
        "closed": figures.closed,
        "closed_url": links(code, stage=(Stage.CLOSED.value,)),
        "total": figures.total,
        "total_url": links(code),
        "steps_timed": figures.steps_timed,
        "steps_on_time": figures.steps_on_time,
        "steps_late": figures.steps_late,
        "on_time_share": figures.on_time_share,
        "timed_url": links(code, timed=True),
        "late_url": links(code, late=True),
        "medians": [
            {
                "days": figures.median_days.get(s),
                "spans": figures.stage_spans.get(s, 0),
                "url": links(code, visited_stage=s),
            }
            for s, _label in stages
        ],
        "oldest": figures.oldest,
    }


def dashboard_coverage(user: Any, dashboard: Dashboard) -> Coverage:
    """The coverage figures of the wards the dashboard shows (its ward filter only)."""
    return coverage_figures(
        user,
        [(w.code, w.name) for w in dashboard.wards],
        dashboard.filters.ward_codes,
        dashboard.today,
    )


def dashboard_tips(user: Any, dashboard: Dashboard) -> TipFigures:
    """The citizens' reports figures of the wards the dashboard shows (its ward filter only)."""
    return tip_figures(
        user,
        [(w.code, w.name) for w in dashboard.wards],
        dashboard.filters.ward_codes,
        dashboard.today,
    )


def _page_context(dashboard: Dashboard) -> dict[str, Any]:
    links = _Links(dashboard.filters)
    stages = dashboard.open_stages
    months = [
        {
            "month": m.month,
            "label": f"{m.month[5:]}/{m.month[:4]}",
            "opened": m.opened,
            "closed": m.closed,
            "opened_url": links("", opened_month=m.month),
            "closed_url": links("", closed_month=m.month),
            "wards": [
                {
                    "code": w.code,
                    "opened": m.by_ward.get(w.code, (0, 0))[0],
                    "closed": m.by_ward.get(w.code, (0, 0))[1],
                    "opened_url": links(w.code, opened_month=m.month),
                    "closed_url": links(w.code, closed_month=m.month),
                }
                for w in dashboard.wards
            ],
        }
        for m in dashboard.months
    ]
    return {
        "dashboard": dashboard,
        "stages": stages,
        "rows": [_ward_row(w, links, stages) for w in dashboard.wards],
        "city_row": _ward_row(dashboard.city, links, stages),
        "months": months,
        "query": dashboard.filters.link(),
    }


@login_required
@require_safe
def audit_dashboard_page(request: HttpRequest) -> HttpResponse:
    filters, error = _filters_or_error(request)
    dashboard = audit_dashboard(request.user, filters, ward_basis=ward_basis_of(request))
    wards = sorted(
        wards_visible_to(request.user).order_by("code", "-valid_from").distinct("code"),
        key=lambda w: (w.name, w.code),
    )
    context = {
        **_page_context(dashboard),
        "coverage": dashboard_coverage(request.user, dashboard),
        "tips": dashboard_tips(request.user, dashboard),
        "tips_query": _tips_query(dashboard),
        "error": error,
        "ward_choices": [(w.code, w.name) for w in wards],
        "violation_choices": ViolationType.choices,
        "sees_all": user_sees_all_wards(request.user),
        "ward_basis": ward_basis_of(request),
        "map_config": {
            "geojson": reverse("audit_map") + "?" + dashboard.filters.link(),
            "cases": reverse("case_list"),
            "query": dashboard.filters.as_params(),
            "basemap": settings.TTXD_BASEMAP_URL or "",
            "attribution": settings.TTXD_BASEMAP_ATTRIBUTION or "",
            "center": list(settings.TTXD_MAP_CENTER),
        },
    }
    return render(request, "reports/dashboard.html", context, status=400 if error else 200)


@login_required
@require_safe
def audit_map(request: HttpRequest) -> HttpResponse:
    filters, error = _filters_or_error(request)
    if error:
        # A data download, not a page: the reason as JSON, never as markup.
        return json_error(error, code="invalid_filter")
    response = HttpResponse(
        overdue_map_geojson(request.user, filters), content_type="application/geo+json"
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _download_name(table: str, fmt: str) -> str:
    return f"ttxd-{table}-{timezone.localdate():%Y%m%d}.{fmt}"


def _file_response(path: Path, content_type: str, filename: str) -> FileResponse:
    handle = path.open("rb")
    # The open handle keeps the bytes readable; the name goes now, so nothing is left behind.
    os.unlink(path)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)


@login_required
@require_safe
def audit_export(request: HttpRequest, table: str, fmt: str) -> HttpResponseBase:
    if (table, fmt) in coverage_exports.FORMATS:
        return _coverage_export(request, table, fmt)
    if (table, fmt) in tip_exports.FORMATS:
        return _tips_export(request, table, fmt)
    content_type = exports.FORMATS.get((table, fmt))
    if content_type is None:
        raise Http404(_("No such export."))
    filters, error = _filters_or_error(request)
    if error:
        # A data download, not a page: the reason as JSON, never as markup.
        return json_error(error, code="invalid_filter")
    today = timezone.localdate()
    cases = cases_matching(request.user, filters, today)
    filename = _download_name(table, fmt)
    builders: dict[str, Callable[[], Any]] = {
        "csv": lambda: exports.csv_stream(
            exports.CASE_COLUMNS if table == "cases" else exports.EVENT_COLUMNS,
            exports.case_rows(cases, today) if table == "cases" else exports.event_rows(cases),
        ),
        "geojson": lambda: exports.geojson_stream(cases, today),
        "xlsx": lambda: export_files.xlsx_chunks(cases, today),
    }
    if fmt in builders:
        response = StreamingHttpResponse(builders[fmt](), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "private, no-store"
        return response
    response = _file_response(export_files.gpkg_file(cases, today), content_type, filename)
    response["Cache-Control"] = "private, no-store"
    return response


def _coverage_export(request: HttpRequest, table: str, fmt: str) -> HttpResponseBase:
    """The dashboard's coverage figures (its ward filter only), as CSV or XLSX."""
    filters, error = _filters_or_error(request)
    if error:
        return json_error(error, code="invalid_filter")
    user = request.user
    today = timezone.localdate()
    scope = filters.scope

    def compute() -> Coverage:
        wards = [(w.code, w.name) for w in visible_wards(user, scope, today)]
        return coverage_figures(
            user, sorted(wards, key=lambda w: (w[1], w[0])), scope.ward_codes, today
        )

    content_type = coverage_exports.FORMATS[(table, fmt)]
    filename = _download_name(table, fmt)
    if fmt == "csv":
        columns, rows = (
            (coverage_exports.COVERAGE_COLUMNS, coverage_exports.coverage_rows(compute))
            if table == "coverage"
            else (coverage_exports.INSPECTOR_COLUMNS, coverage_exports.inspector_rows(compute))
        )
        streamed = StreamingHttpResponse(
            exports.csv_stream(columns, rows), content_type=content_type
        )
        streamed["Content-Disposition"] = f'attachment; filename="{filename}"'
        streamed["Cache-Control"] = "private, no-store"
        return streamed
    response = _file_response(
        coverage_exports.coverage_xlsx_file(compute()), content_type, filename
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _tips_query(dashboard: Dashboard) -> str:
    """The dashboard's ward filter, as the tip export reads it."""
    codes = dashboard.filters.ward_codes
    return urlencode({"ward": ",".join(codes)}) if codes else ""


def _streamed(rows: Any, content_type: str, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(rows, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _tips_export(request: HttpRequest, table: str, fmt: str) -> HttpResponseBase:
    """Citizens' reports (tips.csv, tips.xlsx: the reporter's details only for who may
    read them) and the dashboard's figures about them (tip-figures.csv, .xlsx)."""
    user = request.user
    today = timezone.localdate()
    content_type = tip_exports.FORMATS[(table, fmt)]
    filename = _download_name(table, fmt)
    columns: list[exports.Column]
    if table == "tips":
        try:
            query = tip_exports.TipExportQuery.from_params(request.GET)
        except InvalidInput as exc:
            return json_error(str(exc.message), code="invalid_filter")
        tips = tip_exports.tips_for_export(user, query)
        columns = tip_exports.tip_columns(user)
        rows = tip_exports.tip_rows(user, tips, today)
        title = "Phản ánh của người dân"
    else:
        filters, error = _filters_or_error(request)
        if error:
            return json_error(error, code="invalid_filter")
        scope = filters.scope

        def compute() -> TipFigures:
            wards = [(w.code, w.name) for w in visible_wards(user, scope, today)]
            return tip_figures(
                user, sorted(wards, key=lambda w: (w[1], w[0])), scope.ward_codes, today
            )

        columns = tip_exports.TIP_FIGURE_COLUMNS
        rows = tip_exports.figure_rows(compute)
        title = "Phản ánh theo phường"
    if fmt == "csv":
        return _streamed(exports.csv_stream(columns, rows), content_type, filename)
    response = _file_response(tip_exports.xlsx_file(title, columns, rows), content_type, filename)
    response["Cache-Control"] = "private, no-store"
    return response
