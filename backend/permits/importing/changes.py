"""What a register row would change on its permit, field by field."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.contrib.gis.geos import GEOSGeometry

from backend.permits.models import Permit

GEOMETRY_FIELDS = ("location", "parcel")
DATE_FIELDS = ("issued_on", "expires_on")
DECIMAL_FIELDS = ("permitted_footprint_m2", "permitted_floor_area_m2", "permitted_height_m")
# Fields a row may set (issuing authority and number are the key).
WRITABLE = (
    "issued_on",
    "expires_on",
    "holder_name",
    "address",
    "map_sheet",
    "parcel_number",
    "permitted_footprint_m2",
    "permitted_floor_area_m2",
    "permitted_storeys",
    "permitted_height_m",
    "location",
    "parcel",
)


def model_value(key: str, staged: Any) -> Any:
    """A staged (JSON) value as the model field holds it."""
    if staged is None:
        return None
    if key in DATE_FIELDS:
        return datetime.date.fromisoformat(staged)
    if key in DECIMAL_FIELDS:
        return Decimal(staged)
    if key in GEOMETRY_FIELDS:
        return GEOSGeometry(staged)
    return staged


def _same(key: str, old: Any, new: Any) -> bool:
    if key in GEOMETRY_FIELDS:
        if old is None or new is None:
            return old is None and new is None
        return bool(old.equals_exact(new, 1e-8))
    return bool(old == new)


def _shown(key: str, value: Any) -> str | None:
    if value is None:
        return None
    if key in GEOMETRY_FIELDS:
        return value.wkt if key == "location" else f"{value.num_coords} đỉnh"
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def permit_changes(permit: Permit, values: dict[str, Any]) -> dict[str, list[str | None]]:
    """{"field": [before, after]} for each field the row sets to something else."""
    changes: dict[str, list[str | None]] = {}
    for key in WRITABLE:
        if key not in values:
            continue
        new = model_value(key, values[key])
        old = getattr(permit, key)
        if not _same(key, old, new):
            changes[key] = [_shown(key, old), _shown(key, new)]
    return changes


def new_permit_values(values: dict[str, Any]) -> dict[str, Any]:
    return {key: model_value(key, values[key]) for key in WRITABLE if key in values}
