from django.contrib import admin

from backend.photos.models import IdempotencyRecord, SitePhoto
from backend.web.admin_base import MapAdmin


@admin.register(SitePhoto)
class SitePhotoAdmin(MapAdmin):
    """Evidence is never edited or deleted here; the admin only looks."""

    list_display = ["case", "sha256", "content_type", "uploaded_by", "uploaded_at"]
    list_filter = ["content_type"]
    search_fields = ["case__code", "sha256"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["user", "key", "scope", "result_id", "response_status", "created_at"]
    search_fields = ["key", "user__username"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
