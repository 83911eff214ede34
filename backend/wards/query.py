"""The ward list's query: `bbox` and `ward` as in the case query (`in_bbox` an alias)."""

from __future__ import annotations

from typing import ClassVar

from backend.core.query import BBoxFilter, CodesFilter, StrictFilterSet
from backend.wards.models import Ward


class WardQuery(StrictFilterSet):
    aliases: ClassVar[dict[str, str]] = {"in_bbox": "bbox"}

    bbox = BBoxFilter(
        field_name="boundary", description="minlon,minlat,maxlon,maxlat in WGS 84 degrees"
    )
    ward = CodesFilter(field_name="code", description="ward code(s), comma-separated")

    class Meta:
        model = Ward
        fields: ClassVar[list[str]] = []
