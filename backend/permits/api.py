from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from backend.permits.models import Permit
from backend.permits.query import PermitQuery
from backend.permits.selectors import permits_visible_to


class PermitSerializer(GeoFeatureModelSerializer):  # type: ignore[misc]
    ward = serializers.CharField(source="ward.code", read_only=True)
    ward_name = serializers.CharField(source="ward.name", read_only=True)

    class Meta:
        model = Permit
        geo_field = "parcel"
        fields = [
            "id",
            "number",
            "issuing_authority",
            "issued_on",
            "expires_on",
            "holder_name",
            "address",
            "map_sheet",
            "parcel_number",
            "permitted_storeys",
            "permitted_height_m",
            "permitted_floor_area_m2",
            "works_class",
            "status",
            "ward",
            "ward_name",
        ]


@extend_schema_view(list=extend_schema(parameters=PermitQuery.openapi_parameters()))
class PermitViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """Construction permits and their parcels in the user's wards."""

    serializer_class = PermitSerializer

    def get_queryset(self) -> Any:
        qs = permits_visible_to(self.request.user)
        if self.action == "list":
            qs = PermitQuery.from_params(self.request.query_params).apply(qs)
        return qs.order_by("-issued_on", "id")
