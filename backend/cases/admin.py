from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from backend.accounts.models import WARD_ROLES
from backend.accounts.selectors import ward_ids_of
from backend.cases.models import CalendarDay, CaseStep, DeadlineRule, ViolationCase
from backend.cases.services import EDITABLE_FIELDS, case_update
from backend.web.admin_base import MapAdmin


@admin.register(ViolationCase)
class ViolationCaseAdmin(MapAdmin):
    """Cases are opened and moved through services; the admin edits descriptive
    fields through the same service, so every change leaves its event."""

    list_display = ["code", "ward", "stage", "stage_deadline", "violation_type", "detected_at"]
    list_filter = ["ward", "stage", "violation_type"]
    search_fields = ["code", "address"]
    list_select_related = ["ward"]
    readonly_fields = [
        "code",
        "ward",
        "location",
        "stage",
        "stage_deadline",
        "permit",
        "permit_match",
        "permit_distance_m",
        "detected_at",
        "opened_by",
        "opened_at",
        "version",
        "stage_since",
        "deadline_rule",
        "overdue_since",
        "outcome",
        "closed_on",
        "parent",
    ]
    fields = [*readonly_fields, *EDITABLE_FIELDS]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Only ward staff change cases, and only in their wards; IT admins look.
        user: Any = request.user
        if user.role not in WARD_ROLES or not super().has_change_permission(request, obj):
            return False
        return obj is None or obj.ward_id in ward_ids_of(user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        changes = {
            name: form.cleaned_data[name] for name in form.changed_data if name in EDITABLE_FIELDS
        }
        case_update(actor=request.user, case=obj, changes=changes)


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Versioned rules: a new law is a new row with a later `effective_from`."""

    list_display = ["code", "amount", "unit", "effective_from", "basis"]
    list_filter = ["code", "unit"]
    ordering = ["code", "-effective_from"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A version some case used stays: its deadline must remain explainable.
        if obj is not None and ViolationCase.objects.filter(deadline_rule=obj).exists():
            return False
        return super().has_delete_permission(request, obj)


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["date", "kind", "name", "provisional", "source"]
    list_filter = ["kind", "provisional"]
    date_hierarchy = "date"
    search_fields = ["name", "source"]


@admin.register(CaseStep)
class CaseStepAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Steps are written by the workflow service only: here they are read."""

    list_display = [
        "case",
        "action",
        "occurred_on",
        "document_number",
        "signer",
        "on_time",
        "actor",
    ]
    list_filter = ["action", "document_type", "on_time"]
    search_fields = ["case__code", "document_number"]
    list_select_related = ["case", "actor"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
