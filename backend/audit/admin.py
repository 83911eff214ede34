from django.contrib import admin

from backend.audit.models import CaseEvent


@admin.register(CaseEvent)
class CaseEventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """History is append-only: readable here, never editable."""

    list_display = ["seq", "case", "kind", "actor", "at"]
    list_filter = ["kind"]
    search_fields = ["case__code", "hash"]
    ordering = ["-seq"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
