"""The map's GeoJSON viewports: visible cases and permit parcels in a bounding box.

PostgreSQL builds the FeatureCollection text (feature_collection_sql), from
rows that start at cases_visible_to / permits_visible_to; an answer is
capped, and says so when there were more.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.contrib.gis.db.models.functions import AsGeoJSON
from django.db.models import F

from backend.cases.selectors import cases_visible_to, overdue_flag
from backend.cases.selectors.query import CaseQuery
from backend.maps.sql import compiled, feature_collection_sql, run_statement
from backend.permits.selectors import permits_visible_to

# The most a GeoJSON viewport answer carries; past it the client should use
# the tiles (which cluster) or zoom in.
CASES_GEOJSON_CAP = 5000
PERMITS_GEOJSON_CAP = 2000


def _empty_collection(cap: int) -> str:
    return json.dumps(
        {"type": "FeatureCollection", "features": [], "truncated": False, "limit": cap}
    )


def _run_text(sql: str, params: list[Any]) -> str:
    return str(run_statement(sql, params)[0])


def cases_feature_collection(user: Any, query: CaseQuery, today: datetime.date) -> str:
    """The newest visible cases the query selects (in its bounding box), as
    GeoJSON text (≤ the cap)."""
    visible = query.apply_on(cases_visible_to(user), today)
    if visible.query.is_empty():
        return _empty_collection(CASES_GEOJSON_CAP)
    rows = (
        visible.order_by("-detected_at", "-id")
        .annotate(
            overdue=overdue_flag(today),
            ward_code=F("ward__code"),
            geometry=AsGeoJSON("location", precision=6),
        )
        .values(
            "id",
            "geometry",
            "code",
            "stage",
            "violation_type",
            "stage_deadline",
            "overdue",
            "address",
            "ward_code",
            "detected_at",
        )[: CASES_GEOJSON_CAP + 1]
    )
    return _run_text(*feature_collection_sql(*compiled(rows), CASES_GEOJSON_CAP))


def permits_feature_collection(user: Any, bbox: Any, query: CaseQuery) -> str:
    """Visible permit parcels crossing a bounding box in the query's wards, as
    GeoJSON text (≤ the cap)."""
    visible = query.with_ward_codes(permits_visible_to(user), "ward__code")
    if visible.query.is_empty():
        return _empty_collection(PERMITS_GEOJSON_CAP)
    rows = (
        visible.filter(parcel__intersects=bbox)
        .order_by("id")
        .annotate(geometry=AsGeoJSON("parcel", precision=7))
        .values(
            "id",
            "geometry",
            "number",
            "issuing_authority",
            "issued_on",
            "holder_name",
            "address",
            "status",
        )[: PERMITS_GEOJSON_CAP + 1]
    )
    return _run_text(*feature_collection_sql(*compiled(rows), PERMITS_GEOJSON_CAP))
