from django.contrib import admin

from backend.core.admin_base import MapAdmin, WardScopedMixin
from backend.photos.models import SitePhoto
from backend.photos.selectors import photos_visible_to


@admin.register(SitePhoto)
class SitePhotoAdmin(WardScopedMixin, MapAdmin):
    """Evidence is never edited or deleted here; the admin only looks."""

    list_display = ["case", "sha256", "content_type", "uploaded_by", "uploaded_at"]
    list_filter = ["content_type"]
    search_fields = ["case__code", "sha256"]

    def visible_rows(self, request):  # type: ignore[no-untyped-def]
        return photos_visible_to(request.user)

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
