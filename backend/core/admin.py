from django.contrib import admin

from backend.core.admin_base import WardScopedAdmin
from backend.core.models import IdempotencyRecord


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(WardScopedAdmin):
    list_display = ["user", "key", "scope", "result_id", "response_status", "created_at"]
    search_fields = ["key", "user__username"]

    def visible_rows(self, request):  # type: ignore[no-untyped-def]
        # Kept answers carry case and photo data: others' are for superusers only.
        return IdempotencyRecord.objects.filter(user=request.user)

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
