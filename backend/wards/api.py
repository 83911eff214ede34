from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from backend.wards.models import Ward
from backend.wards.query import WardQuery
from backend.wards.selectors import wards_visible_to


class WardSerializer(GeoFeatureModelSerializer):  # type: ignore[misc]
    class Meta:
        model = Ward
        geo_field = "boundary"
        fields = [
            "id",
            "code",
            "slug",
            "name",
            "province",
            "valid_from",
            "valid_to",
            "is_demo_geometry",
        ]


@extend_schema_view(list=extend_schema(parameters=WardQuery.openapi_parameters()))
class WardViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """Ward boundaries the user works in (all of them for city roles)."""

    serializer_class = WardSerializer

    def get_queryset(self) -> Any:
        qs = wards_visible_to(self.request.user)
        if self.action == "list":
            qs = WardQuery.from_params(self.request.query_params).apply(qs)
        return qs.order_by("name", "id")
