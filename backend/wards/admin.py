from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from backend.core.admin_base import MapAdmin, WardScopedMixin
from backend.wards.models import Ward
from backend.wards.selectors import wards_visible_to


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
