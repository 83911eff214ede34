from django.contrib import admin

from backend.admin_base import MapAdmin
from backend.photos.models import IdempotencyRecord, SitePhoto
from backend.photos.selectors import photos_visible_to


def _is_superuser(request) -> bool:  # type: ignore[no-untyped-def]
    return bool(getattr(request.user, "is_superuser", False))


@admin.register(SitePhoto)
class SitePhotoAdmin(MapAdmin):
    """Evidence is never edited or deleted here; the admin only looks."""

    list_display = ["case", "sha256", "content_type", "uploaded_by", "uploaded_at"]
    list_filter = ["content_type"]
    search_fields = ["case__code", "sha256"]

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        # The admin applies model permissions only: a ward user given staff
        # access sees the photos of the cases they may see, not every ward's.
        if _is_superuser(request):
            return super().get_queryset(request)
        qs = photos_visible_to(request.user)
        ordering = self.get_ordering(request)
        return qs.order_by(*ordering) if ordering else qs

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

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        # Kept answers carry case and photo data: others' are for superusers only.
        qs = super().get_queryset(request)
        return qs if _is_superuser(request) else qs.filter(user=request.user)

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
