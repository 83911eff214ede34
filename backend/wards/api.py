from __future__ import annotations

from typing import Any

from rest_framework import viewsets
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from backend.filters import filter_bbox, filter_ward_code
from backend.wards.models import Ward
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


class WardViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """Ward boundaries the user works in (all of them for city roles)."""

    serializer_class = WardSerializer

    def get_queryset(self) -> Any:
        qs = wards_visible_to(self.request.user)
        if self.action == "list":
            qs = filter_ward_code(
                filter_bbox(qs, self.request.query_params, "boundary"),
                self.request.query_params,
                "code",
            )
        return qs.order_by("name", "id")
