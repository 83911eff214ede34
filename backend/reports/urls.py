from django.urls import path

from backend.reports import api, views
from backend.reports.periodic import api as periodic_api
from backend.reports.periodic import views as periodic_views

urlpatterns = [
    path("audit/", views.audit_dashboard_page, name="audit_dashboard"),
    path("audit/map.geojson", views.audit_map, name="audit_map"),
    path("audit/export/<slug:table>.<slug:fmt>", views.audit_export, name="audit_export"),
    path("cases/<int:pk>/timeline/", views.case_timeline_page, name="case_timeline"),
    path("api/cases/<int:pk>/timeline/", api.CaseTimelineView.as_view(), name="api-case-timeline"),
    path("api/audit/dashboard/", api.AuditDashboardView.as_view(), name="api-audit-dashboard"),
    path("reports/periodic/", periodic_views.periodic_reports_page, name="periodic_reports"),
    path(
        "reports/periodic/report.<slug:fmt>",
        periodic_views.periodic_report_file,
        name="periodic_report_file",
    ),
    path(
        "reports/periodic/<int:pk>/sent/",
        periodic_views.periodic_report_sent,
        name="periodic_report_sent",
    ),
    path(
        "reports/periodic/<int:pk>/reviewed/",
        periodic_views.periodic_report_reviewed,
        name="periodic_report_reviewed",
    ),
    path(
        "api/periodic-reports/<int:pk>/reviewed/",
        periodic_api.PeriodicReportReviewedView.as_view(),
        name="api-periodic-report-reviewed",
    ),
    path(
        "api/periodic-reports/",
        periodic_api.PeriodicReportView.as_view(),
        name="api-periodic-reports",
    ),
    path(
        "api/periodic-reports/list/",
        periodic_api.PeriodicReportListView.as_view(),
        name="api-periodic-report-list",
    ),
    path(
        "api/periodic-reports/<int:pk>/sent/",
        periodic_api.PeriodicReportSentView.as_view(),
        name="api-periodic-report-sent",
    ),
]
