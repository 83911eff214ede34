"""GeoJSON FeatureCollection pages with a bounded page size."""

from __future__ import annotations

from typing import Any

from rest_framework_gis.pagination import GeoJsonPagination as BaseGeoJsonPagination


class GeoJsonPagination(BaseGeoJsonPagination):  # type: ignore[misc]
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        """A FeatureCollection (`schema`, the list serializer's) with the page's links.

        The base class renames DRF's `results` but leaves it required.
        """
        page_link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "allOf": [
                schema,
                {
                    "type": "object",
                    "properties": {
                        "count": {"type": "integer", "minimum": 0},
                        "next": page_link,
                        "previous": page_link,
                    },
                    "required": ["type", "count", "next", "previous", "features"],
                },
            ]
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
            elif parameter["name"] == self.page_size_query_param:
                # Larger sizes are cut to the maximum.
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                }
        return parameters
