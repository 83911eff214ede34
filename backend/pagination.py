"""GeoJSON FeatureCollection pages with a bounded page size."""

from __future__ import annotations

from rest_framework_gis.pagination import GeoJsonPagination as BaseGeoJsonPagination


class GeoJsonPagination(BaseGeoJsonPagination):  # type: ignore[misc]
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
