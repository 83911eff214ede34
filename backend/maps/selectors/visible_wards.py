"""The user's wards as the map draws them today: the page's ward list and extent.

Only the boundary versions valid today, of the wards the user may see
(wards_visible_to); the boundaries tile layer draws the same rows.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.gis.db.models import Extent

from backend.wards.selectors import wards_valid_on, wards_visible_to


def visible_wards_today(user: Any, today: datetime.date) -> Any:
    """The user's wards as they are drawn today (current boundary versions)."""
    return wards_visible_to(user) & wards_valid_on(today)


def map_wards(user: Any, today: datetime.date) -> list[dict[str, str]]:
    rows = visible_wards_today(user, today).order_by("name", "code").values("code", "name")
    seen: dict[str, str] = {}
    for row in rows:
        seen.setdefault(row["code"], row["name"])
    return [{"code": code, "name": name} for code, name in seen.items()]


def map_extent(user: Any, today: datetime.date) -> list[float] | None:
    """Where the map opens: the user's wards (all wards for the city), or None."""
    extent = visible_wards_today(user, today).aggregate(extent=Extent("boundary"))["extent"]
    if not extent:
        return None
    return [float(v) for v in extent]
