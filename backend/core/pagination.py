"""GeoJSON FeatureCollection pages with a bounded page size and a bounded count.

Counting every row a list selects costs as much as reading them: at the
city's size (2,000,000 permits, 200,000 cases) DRF's exact `count(*)` took
longer than the page itself. The count here is exact up to COUNT_CAP rows
(counted over at most COUNT_CAP + 1 of them); past that it is the planner's
estimate, never below COUNT_CAP + 1, and `count_exact` says so. Pages are
still numbered; whether there is a next one is then found by reading one row
past the page, so no page is unreachable because the estimate was low.
"""

from __future__ import annotations

import json
from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connections
from rest_framework.response import Response
from rest_framework_gis.pagination import GeoJsonPagination as BaseGeoJsonPagination

COUNT_CAP = 10_000


class _Page(Page):  # type: ignore[type-arg]
    more: bool | None = None

    def has_next(self) -> bool:
        if self.more is not None:
            return self.more
        return super().has_next()


class CappedCountPaginator(Paginator):  # type: ignore[type-arg]
    """A Django paginator whose count is exact only up to COUNT_CAP."""

    @cached_property
    def count_exact(self) -> bool:
        return self._capped_count <= COUNT_CAP

    @cached_property
    def _capped_count(self) -> int:
        queryset: Any = self.object_list
        if not hasattr(queryset, "query"):
            return len(queryset)
        return int(queryset.order_by()[: COUNT_CAP + 1].count())

    @cached_property
    def count(self) -> int:
        if self.count_exact:
            return self._capped_count
        return max(COUNT_CAP + 1, self._estimate())

    def _estimate(self) -> int:
        queryset: Any = self.object_list
        queryset = queryset.order_by()
        sql, params = queryset.query.sql_with_params()
        with connections[queryset.db].cursor() as cursor:
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
            (plan,) = cursor.fetchone()
        if isinstance(plan, str):
            plan = json.loads(plan)
        return int(plan[0]["Plan"]["Plan Rows"])

    def validate_number(self, number: Any) -> int:
        if self.count_exact:
            return super().validate_number(number)
        # Past the estimate there may still be rows: any page number is valid.
        try:
            value = int(number)
        except (TypeError, ValueError):
            return super().validate_number(number)
        return value if value >= 1 else super().validate_number(number)

    def page(self, number: Any) -> Page[Any]:
        number = self.validate_number(number)
        if self.count_exact:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        page = _Page(rows[: self.per_page], number, self)
        page.more = len(rows) > self.per_page
        return page

    def _get_page(self, *args: Any, **kwargs: Any) -> Page[Any]:
        return _Page(*args, **kwargs)


class GeoJsonPagination(BaseGeoJsonPagination):  # type: ignore[misc]
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
    django_paginator_class = CappedCountPaginator

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "type": "FeatureCollection",
                "count": self.page.paginator.count,
                "count_exact": self.page.paginator.count_exact,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "features": data["features"],
            }
        )

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
                        "count": {
                            "type": "integer",
                            "minimum": 0,
                            "description": f"exact up to {COUNT_CAP:,} rows, "
                            "an estimate above (see count_exact)",
                        },
                        "count_exact": {"type": "boolean"},
                        "next": page_link,
                        "previous": page_link,
                    },
                    "required": ["type", "count", "count_exact", "next", "previous", "features"],
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
