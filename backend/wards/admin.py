from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import URLPattern, path

from backend.core.admin_base import MapAdmin, WardScopedMixin
from backend.wards.import_views import ward_import_view
from backend.wards.models import Ward, WardSuccession
from backend.wards.selectors import wards_visible_to
from backend.wards.services import may_import_wards


@admin.register(Ward)
class WardAdmin(WardScopedMixin, MapAdmin):
    # Scoped too because the ward pickers elsewhere (autocomplete) search here.
    list_display = [
        "name",
        "code",
        "slug",
        "province",
        "valid_from",
        "valid_to",
        "is_demo_geometry",
    ]
    list_filter = ["province", "is_demo_geometry"]
    search_fields = ["name", "code", "slug"]

    def visible_rows(self, request: HttpRequest) -> QuerySet[Any]:
        return wards_visible_to(request.user)

    change_list_template = "admin/wards/ward_change_list.html"

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        extra = {**(extra_context or {}), "may_import": may_import_wards(request.user)}
        return super().changelist_view(request, extra)

    def get_urls(self) -> list[URLPattern]:
        importing = path(
            "import/", self.admin_site.admin_view(ward_import_view), name="wards_ward_import"
        )
        return [importing, *super().get_urls()]


@admin.register(WardSuccession)
class WardSuccessionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["old", "new", "share", "overlap_area_m2", "recorded_at"]
    list_select_related = ["old", "new"]
    readonly_fields = ["old", "new", "share", "overlap_area_m2", "recorded_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    # The merger's record: written by the boundary import only, never edited.
    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
