"""Sites and their plans in the admin: sites are read here (their life goes through the
services), plan rules are added as new versions through plan_rule_add."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from backend.core.admin_base import MapAdmin, WardScopedMixin
from backend.core.errors import ServiceError
from backend.sites.models import InspectionPlanRule, Site
from backend.sites.selectors import sites_visible_to
from backend.sites.services.plans import plan_rule_check


@admin.register(Site)
class SiteAdmin(WardScopedMixin, MapAdmin):
    list_display = ["address", "ward", "origin", "status", "next_visit_due", "last_visit_on"]
    list_filter = [("ward", admin.RelatedOnlyFieldListFilter), "status", "origin"]
    search_fields = ["address", "owner_name", "permit__number"]
    list_select_related = ["ward", "permit"]
    readonly_fields = [
        "ward",
        "origin",
        "permit",
        "status",
        "status_since",
        "storeys_built",
        "next_visit_due",
        "plan_rule",
        "last_visit_on",
        "visit_count",
        "had_violation",
        "version",
        "created_by",
    ]
    exclude = ["cases"]

    def visible_rows(self, request: HttpRequest) -> QuerySet[Any]:
        return sites_visible_to(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Sites come from permits (automatically), notices and patrols (the field app).
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(InspectionPlanRule)
class InspectionPlanRuleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Versioned rules: a new plan is a new row with a later `effective_from`.

    A saved version stays as it was (sites were scheduled by it); the note may
    still be corrected.
    """

    list_display = ["condition", "scope", "ward", "mode", "amount", "unit", "effective_from"]
    list_filter = ["condition", "scope", "mode", ("ward", admin.RelatedOnlyFieldListFilter)]
    ordering = ["ward", "condition", "scope", "-effective_from"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ["created_by"]
        return [f.name for f in InspectionPlanRule._meta.fields if f.name != "note"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and Site.objects.filter(plan_rule=obj).exists():
            return False
        return super().has_delete_permission(request, obj)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None:
            return form

        class CheckedForm(form):  # type: ignore[misc,valid-type]
            def clean(self) -> dict[str, Any]:
                data: dict[str, Any] = super().clean()
                try:
                    plan_rule_check(
                        condition=data.get("condition", ""),
                        scope=data.get("scope", ""),
                        mode=data.get("mode", ""),
                        amount=data.get("amount"),
                        unit=data.get("unit", ""),
                    )
                except ServiceError as error:
                    raise ValidationError({error.field or "amount": str(error.message)}) from None
                return data

        return CheckedForm

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        from backend.sites.services.schedule import sites_schedule_refresh

        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        affected = (
            Site.objects.all()
            if obj.ward_id is None
            else Site.objects.filter(ward__code=obj.ward.code)
        )
        sites_schedule_refresh(affected)
