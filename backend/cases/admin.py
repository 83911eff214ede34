from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from backend.accounts.models import WARD_ROLES
from backend.accounts.selectors import ward_ids_of
from backend.cases.models import ViolationCase
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
        "code", "ward", "location", "stage", "stage_deadline", "permit", "permit_match",
        "permit_distance_m", "detected_at", "opened_by", "opened_at",
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
        changes = {name: form.cleaned_data[name] for name in form.changed_data if name in EDITABLE_FIELDS}
        case_update(actor=request.user, case=obj, changes=changes)
