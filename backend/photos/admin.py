from django.contrib import admin

from backend.photos.models import SitePhoto
from backend.web.admin_base import MapAdmin


@admin.register(SitePhoto)
class SitePhotoAdmin(MapAdmin):
    """Evidence is never edited or deleted here; the admin only looks."""

    list_display = ["case", "sha256", "uploaded_by", "uploaded_at"]
    search_fields = ["case__code", "sha256"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
