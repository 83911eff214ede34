"""The permit list's query: the case query's names for what both have (bbox,
ward), with `in_bbox` kept as an alias."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import QuerySet

from backend.core.query import (
    BBoxFilter,
    ChoicesFilter,
    CodesFilter,
    DayFilter,
    StrictFilterSet,
    TextFilter,
)
from backend.permits.models import Permit, PermitStatus

STATUS_CODES = list(PermitStatus.values)


def _statuses() -> list[str]:
    return STATUS_CODES


class PermitQuery(StrictFilterSet):
    aliases: ClassVar[dict[str, str]] = {"in_bbox": "bbox"}

    bbox = BBoxFilter(
        field_name="parcel", description="minlon,minlat,maxlon,maxlat in WGS 84 degrees"
    )
    ward = CodesFilter(field_name="ward__code", description="ward code(s), comma-separated")
    status = ChoicesFilter(
        _statuses, field_name="status", description="permit status(es), comma-separated"
    )
    number = TextFilter(
        field_name="number", lookup_expr="icontains", description="part of the permit number"
    )

    # The periodic reports' "permits issued" links with these.
    issued_from = DayFilter(method="filter_issued", description="issued on or after")
    issued_to = DayFilter(method="filter_issued", description="issued on or before")

    class Meta:
        model = Permit
        fields: ClassVar[list[str]] = []

    def filter_issued(self, qs: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        if not value:
            return qs
        lookup = "issued_on__gte" if name == "issued_from" else "issued_on__lte"
        return qs.filter(**{lookup: value})
