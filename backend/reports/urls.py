from django.urls import path

from backend.reports import api, views

urlpatterns = [
    path("audit/", views.audit_dashboard_page, name="audit_dashboard"),
    path("audit/map.geojson", views.audit_map, name="audit_map"),
    path("audit/export/<slug:table>.<slug:fmt>", views.audit_export, name="audit_export"),
    path("cases/<int:pk>/timeline/", views.case_timeline_page, name="case_timeline"),
    path("api/cases/<int:pk>/timeline/", api.CaseTimelineView.as_view(), name="api-case-timeline"),
    path("api/audit/dashboard/", api.AuditDashboardView.as_view(), name="api-audit-dashboard"),
]
