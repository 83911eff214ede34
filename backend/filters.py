"""Query-string filters shared by the GeoJSON lists, with clear 400s."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.gis.geos import GEOSGeometry, LineString, Point, Polygon
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from backend.core.errors import InvalidInput
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
    # `intersects` on the bbox geometry: the && operator uses the GiST index first.
    return qs.filter(**{f"{geo_field}__intersects": bbox_geometry(box)})


def bbox_geometry(box: tuple[float, float, float, float]) -> GEOSGeometry:
    """The box as a geometry; a box of zero width or height is a point or a line,
    since a collapsed polygon is invalid and would intersect nothing."""
    minlon, minlat, maxlon, maxlat = box
    geom: GEOSGeometry
    if minlon == maxlon and minlat == maxlat:
        geom = Point(minlon, minlat)
    elif minlon == maxlon or minlat == maxlat:
        geom = LineString((minlon, minlat), (maxlon, maxlat))
    else:
        geom = Polygon.from_bbox(box)
    geom.srid = 4326
    return geom


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
            % {
                "name": name,
                "values": ", ".join(unknown),
                "allowed": ", ".join(sorted(allowed_set)),
            },
            field=name,
        )
    return qs.filter(**{f"{field}__in": values})


def filter_ward_code(qs: QuerySet[Any], params: Any, field: str = "ward__code") -> QuerySet[Any]:
    raw = params.get("ward")
    if not raw:
        return qs
    codes = [v.strip() for v in raw.split(",") if v.strip()]
    return qs.filter(**{f"{field}__in": codes})
