"""Query-string filters shared by the GeoJSON lists, with clear 400s."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.gis.geos import Polygon
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from backend.errors import InvalidInput
from gis.coords import parse_bbox


def filter_bbox(qs: QuerySet[Any], params: Any, geo_field: str) -> QuerySet[Any]:
    raw = params.get("in_bbox")
    if not raw:
        return qs
    try:
        box = parse_bbox(raw)
    except ValueError as exc:
        raise InvalidInput(
            _("in_bbox must be minlon,minlat,maxlon,maxlat in degrees (%(reason)s).")
            % {"reason": exc},
            field="in_bbox",
        ) from None
    polygon = Polygon.from_bbox(box)
    polygon.srid = 4326
    # `intersects` on the bbox polygon: the && operator uses the GiST index first.
    return qs.filter(**{f"{geo_field}__intersects": polygon})


def filter_choice(
    qs: QuerySet[Any], params: Any, name: str, field: str, allowed: Iterable[str]
) -> QuerySet[Any]:
    """Filter by one or more comma-separated values, refusing unknown ones."""
    raw = params.get(name)
    if not raw:
        return qs
    values = [v.strip() for v in raw.split(",") if v.strip()]
    allowed_set = set(allowed)
    unknown = [v for v in values if v not in allowed_set]
    if unknown:
        raise InvalidInput(
            _("Unknown value for %(name)s: %(values)s. Allowed: %(allowed)s.")
            % {"name": name, "values": ", ".join(unknown), "allowed": ", ".join(sorted(allowed_set))},
            field=name,
        )
    return qs.filter(**{f"{field}__in": values})


def filter_ward_code(qs: QuerySet[Any], params: Any, field: str = "ward__code") -> QuerySet[Any]:
    raw = params.get("ward")
    if not raw:
        return qs
    codes = [v.strip() for v in raw.split(",") if v.strip()]
    return qs.filter(**{f"{field}__in": codes})
