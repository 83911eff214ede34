from django.contrib import admin

from backend.admin_base import MapAdmin
from backend.wards.models import Ward


@admin.register(Ward)
class WardAdmin(MapAdmin):
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
