"""A case's values as the history stores them: comparable, and JSON for event payloads."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.contrib.gis.geos import GEOSGeometry


def json_value(value: Any) -> Any:
    """A cleaned field value for a JSON payload: dates in ISO form, decimals as strings."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def plain_value(value: Any) -> Any:
    """A case attribute as compared and recorded: a geometry as WKT, a row as its key."""
    if isinstance(value, GEOSGeometry):
        return value.wkt
    if hasattr(value, "pk"):
        return value.pk
    return value
