from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext as _

from backend.accounts.models import WARD_ROLES
from backend.accounts.selectors import inspectors_visible_to, ward_ids_of
from backend.audit.models import CaseEvent
from backend.cases.models import (
    CalendarDay,
    CaseStep,
    CompetentAuthority,
    DeadlineRule,
    FineRule,
    LegalRate,
    Stage,
    ViolationCase,
    ViolationClause,
)
from backend.cases.selectors import (
    case_steps_visible_to,
    cases_visible_to,
    open_deadlines_beyond_calendar,
)
from backend.cases.services.editing import EDITABLE_FIELDS, case_update
from backend.core.admin_base import (
    MapAdmin,
    WardScopedAdmin,
    WardScopedMixin,
    sees_every_ward_in_admin,
)
from backend.core.errors import ServiceError


@admin.register(ViolationCase)
class ViolationCaseAdmin(WardScopedMixin, MapAdmin):
    """Cases are opened and moved through services; the admin edits descriptive
    fields through the same service, so every change leaves its event."""

    list_display = ["code", "ward", "stage", "stage_deadline", "violation_type", "detected_at"]
    list_filter = [("ward", admin.RelatedOnlyFieldListFilter), "stage", "violation_type"]
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

    def visible_rows(self, request: HttpRequest) -> Any:
        return cases_visible_to(request.user)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        # The choices would otherwise name every user of every ward.
        if db_field.name == "assigned_inspector" and not sees_every_ward_in_admin(request):
            kwargs["queryset"] = inspectors_visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Only ward staff change cases, and only in their wards; IT admins look.
        user: Any = request.user
        if user.role not in WARD_ROLES or not super().has_change_permission(request, obj):
            return False
        # A closed case is a finished record: it is read, not edited.
        return obj is None or (obj.ward_id in ward_ids_of(user) and obj.stage != Stage.CLOSED)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        changes = {
            name: form.cleaned_data[name] for name in form.changed_data if name in EDITABLE_FIELDS
        }
        try:
            case_update(actor=request.user, case=obj, changes=changes)
        except ServiceError as exc:
            # The service refused (e.g. the case closed meanwhile): nothing was
            # written; say why instead of failing the page.
            self.message_user(request, str(exc.message), level=messages.ERROR)


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


@admin.register(ViolationClause)
class ViolationClauseAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The catalogue: a decree replacing Decree 16/2022 is added as new versions.

    A version's bands and dates are what signed decisions relied on: once
    saved they are read-only (close a version with `effective_to` and add
    the next); the wording and remedies may still be corrected.
    """

    list_display = [
        "code",
        "label_vi",
        "decree",
        "effective_from",
        "effective_to",
        "legalisable",
        "conduct_checked",
    ]
    list_filter = ["decree", "legalisable", "conduct_checked"]
    search_fields = ["code", "label_vi", "label_en", "conduct_vi"]
    ordering = ["article", "clause", "-effective_from"]
    FIXED_ONCE_SAVED = (
        "code",
        "decree",
        "article",
        "clause",
        "effective_from",
        "fine_min_a",
        "fine_max_a",
        "fine_min_b",
        "fine_max_b",
        "fine_min_c",
        "fine_max_c",
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.FIXED_ONCE_SAVED if obj is not None else ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(FineRule)
class FineRuleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Readings of the sector maximum and the ward chairman's cap; only `applies` rows count."""

    list_display = [
        "name",
        "applies",
        "effective_from",
        "effective_to",
        "sector_max_individual_vnd",
        "sector_max_organisation_vnd",
        "commune_cap_percent",
    ]
    list_filter = ["applies"]
    ordering = ["-applies", "-effective_from"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LegalRate)
class LegalRateAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Versioned rates (late-payment interest): a new law is a new row, as for the rules."""

    list_display = ["code", "parts_per_million", "effective_from", "basis", "note"]
    list_filter = ["code"]
    ordering = ["code", "-effective_from"]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["date", "kind", "name", "provisional", "source"]
    list_filter = ["kind", "provisional"]
    date_hierarchy = "date"
    search_fields = ["name", "source"]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        # Past the table's last year a count sees weekends only: say so where it is edited.
        until, cases = open_deadlines_beyond_calendar()
        if cases:
            self.message_user(
                request,
                _(
                    "The table ends on %(day)s and %(count)d open case(s) have a deadline "
                    "after it, counted with weekends only: enter the next year's holidays "
                    "and swap days."
                )
                % {"day": until.strftime("%d/%m/%Y"), "count": cases},
                level=messages.WARNING,
            )
        return super().changelist_view(request, extra_context)


@admin.register(CompetentAuthority)
class CompetentAuthorityAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Where a ward may transfer a case (LXLVPHC Art. 58(5)); retire a row, never delete it."""

    list_display = ["name", "code", "active", "sort_order"]
    list_filter = ["active"]
    search_fields = ["name", "code"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Earlier transfers name it by its code: untick "offered" instead.
        return False


@admin.register(CaseStep)
class CaseStepAdmin(WardScopedAdmin):
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

    def visible_rows(self, request: HttpRequest) -> Any:
        return case_steps_visible_to(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CaseEvent)
class CaseEventAdmin(WardScopedAdmin):
    """History is append-only: readable here, never editable, and only for the
    cases the user may see (registered here because audit imports no app)."""

    list_display = ["seq", "case", "kind", "actor", "at"]
    list_filter = ["kind"]
    search_fields = ["case__code", "hash"]
    ordering = ["-seq"]
    list_select_related = ["case", "actor"]

    def visible_rows(self, request: HttpRequest) -> Any:
        return CaseEvent.objects.filter(case__in=cases_visible_to(request.user).values("pk"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# The documents' own pages (ward settings, replacement form templates).
from backend.cases import document_admin  # noqa: E402, F401
