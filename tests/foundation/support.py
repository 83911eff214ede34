"""Small helpers for the foundation tests: metric offsets, error text, counts."""

from __future__ import annotations

import math
from typing import Any

from backend.audit.models import CaseEvent
from backend.cases.models import ViolationCase, YearlyCounter

# PostGIS's ST_DistanceSphere radius (the WGS 84 mean radius), metres.
MEAN_EARTH_RADIUS_M = 6371008.7714


def lon_offset(lat: float, metres: float) -> float:
    """Degrees of longitude that span `metres` eastwards at latitude `lat`."""
    return math.degrees(metres / (MEAN_EARTH_RADIUS_M * math.cos(math.radians(lat))))


def lat_offset(metres: float) -> float:
    return math.degrees(metres / MEAN_EARTH_RADIUS_M)


def error_text(response: Any) -> str:
    """Every message in a DRF error body, joined (field lists and detail)."""
    body = response.json()
    parts: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for key, item in value.items():
                if key != "code":
                    walk(item)

    walk(body)
    return " ".join(parts)


def written_counts() -> tuple[int, int, int]:
    """Rows that opening a case writes: cases, their events, number counters."""
    return (
        ViolationCase.objects.count(),
        CaseEvent.objects.count(),
        sum(YearlyCounter.objects.values_list("last_value", flat=True)),
    )


def feature_ids(response: Any) -> set[int]:
    body = response.json()
    assert body["type"] == "FeatureCollection", body
    return {feature["id"] for feature in body["features"]}
