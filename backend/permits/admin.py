from django.contrib import admin

from backend.admin_base import MapAdmin
from backend.permits.models import Permit


@admin.register(Permit)
class PermitAdmin(MapAdmin):
    list_display = [
        "number",
        "holder_name",
        "address",
        "ward",
        "issued_on",
        "status",
        "works_class",
    ]
    list_filter = ["ward", "status", "works_class"]
    search_fields = ["number", "holder_name", "address", "parcel_number"]
    list_select_related = ["ward"]
