"""Reads of wards, all through the access rules."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.gis.geos import Point
from django.db import connection
from django.db.models import Q, QuerySet

from backend.accounts.selectors import Viewer, restrict_to_user_wards
from backend.wards.models import Ward, WardSuccession


def wards_visible_to(user: Viewer) -> QuerySet[Ward]:
    return restrict_to_user_wards(Ward.objects.all(), user, ward_field="id")


def wards_valid_on(day: datetime.date) -> QuerySet[Ward]:
    return Ward.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day), valid_from__lte=day)


def ward_containing(point: Point, day: datetime.date) -> Ward | None:
    """The ward whose boundary (valid on `day`) covers the point.

    `covers` rather than `contains`: a point exactly on a boundary line belongs
    to a ward. Where two wards share that line, the lowest code wins, so the
    answer is deterministic.
    """
    return wards_valid_on(day).filter(boundary__covers=point).order_by("code").first()


def ward_today_for(point: Point, then: Ward, today: datetime.date) -> Ward | None:
    """The ward responsible today for a point that lay in `then` on an earlier day.

    The ward of today containing the point; where it lies in none (a gap of
    the new set), the successor that took the largest share of `then`
    (WardSuccession), followed through later changes to the version in force.
    """
    found = ward_containing(point, today)
    if found is not None:
        return found
    ward: Ward | None = then
    for _hop in range(10):  # a chain of boundary changes, never a cycle
        if ward is None or ward.is_valid_on(today):
            return ward
        succession = WardSuccession.objects.filter(old=ward).order_by("-share").first()
        ward = succession.new if succession is not None else None
    return None


# The case page's small map shows this much of the ward's boundary around the site.
OUTLINE_WINDOW_M = 600.0

_OUTLINE_NEAR = """
SELECT ST_AsGeoJSON(
         ST_Simplify(
           ST_Intersection(
             ST_Boundary(w.boundary), ST_Envelope(ST_Buffer(%s::geography, %s)::geometry)),
           0.000005),
         6),
       ST_AsGeoJSON(ST_ClosestPoint(ST_Boundary(w.boundary), %s::geometry), 6)
FROM wards_ward AS w
WHERE w.id = %s
  AND ST_DWithin(ST_Boundary(w.boundary)::geography, %s::geography, %s)
"""


@dataclass(frozen=True)
class WardOutline:
    """GeoJSON of the boundary's piece near a point, and of its point nearest to it."""

    lines: str
    nearest: str


def ward_outline_near(
    ward_id: int, point: Point, radius_m: float = OUTLINE_WINDOW_M
) -> WardOutline | None:
    """The ward's boundary line within about `radius_m` of the point (None if none is).

    Only the piece a small map shows, cut in PostGIS and simplified to about
    half a metre (a pixel at the map's zoom): a real ward's boundary has tens
    of thousands of vertices, which the page need not carry. The nearest
    point lets the map frame the site and its boundary together.
    """
    ewkt = f"SRID=4326;POINT({point.x} {point.y})"
    with connection.cursor() as cursor:
        cursor.execute(_OUTLINE_NEAR, [ewkt, radius_m, ewkt, ward_id, ewkt, radius_m])
        row = cursor.fetchone()
    if row is None or not row[0] or '"coordinates":[]' in row[0]:
        return None
    return WardOutline(lines=str(row[0]), nearest=str(row[1]))
