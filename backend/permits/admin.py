from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from backend.core.admin_base import MapAdmin, WardScopedMixin, sees_every_ward_in_admin
from backend.permits.admin_imports import PermitImportRunAdmin
from backend.permits.models import Permit, PermitImportRun
from backend.permits.selectors import permits_visible_to
from backend.wards.selectors import wards_visible_to


@admin.register(Permit)
class PermitAdmin(WardScopedMixin, MapAdmin):
    """Ward staff see and edit their wards' permits only (holders are named here)."""

    list_display = [
        "number",
        "holder_name",
        "address",
        "ward",
        "issued_on",
        "status",
        "works_class",
    ]
    # Only the wards among the rows shown: the plain filter names every ward.
    list_filter = [("ward", admin.RelatedOnlyFieldListFilter), "status", "works_class"]
    search_fields = ["number", "holder_name", "address", "parcel_number"]
    list_select_related = ["ward"]

    def visible_rows(self, request: HttpRequest) -> QuerySet[Any]:
        return permits_visible_to(request.user)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        # A permit cannot be filed under (or moved to) a ward the user does not work in.
        if db_field.name == "ward" and not sees_every_ward_in_admin(request):
            kwargs["queryset"] = wards_visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


admin.site.register(PermitImportRun, PermitImportRunAdmin)
