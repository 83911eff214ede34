"""The reporting rules (versioned rows) and the periodic reports, for the admin."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from backend.reports.periodic.models import PeriodicReport, PeriodicReportEvent, ReportingRule


@admin.register(ReportingRule)
class ReportingRuleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A province's decision on the periods or due dates is a new row with a later
    `effective_from`; a saved version keeps its numbers (reports were made by it)."""

    list_display = ["kind", "cutoff_day", "due_days", "effective_from", "basis"]
    list_filter = ["kind"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return []
        return [f.name for f in ReportingRule._meta.fields if f.name != "note"]


class EventInline(admin.TabularInline):  # type: ignore[type-arg]
    model = PeriodicReportEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "actor", "at"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PeriodicReport)
class PeriodicReportAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read only: reports are made by the scheduler and sent from /reports/periodic/."""

    list_display = ["label", "kind", "ward_code", "ward_name", "due_on", "status", "sent_at"]
    list_filter = ["kind", "status"]
    search_fields = ["label", "ward_code", "ward_name"]
    inlines = [EventInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
