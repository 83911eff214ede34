"""Reads of permits, all through the access rules."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from django.db.models import QuerySet

from backend.accounts.selectors import restrict_to_user_wards
from backend.permits.models import Permit


def permits_visible_to(user: Any) -> QuerySet[Permit]:
    return restrict_to_user_wards(Permit.objects.select_related("ward"), user)


@dataclass(frozen=True)
class PermitMatch:
    permit: Permit | None
    how: str  # "parcel" | "nearest" | "none"
    distance_m: float | None


def permit_matching(point: Point, radius_m: float) -> PermitMatch:
    """The permit whose parcel covers the point, else the nearest within radius_m.

    Distances use the geography type (metres on the spheroid) and the
    ST_DWithin filter keeps the search on the parcel GiST index.
    """
    inside = Permit.objects.filter(parcel__covers=point).order_by("-issued_on", "id").first()
    if inside is not None:
        return PermitMatch(inside, "parcel", 0.0)
    # Geometry is stored in degrees: a degree-sized ST_DWithin (a superset of
    # the radius at any latitude in Vietnam) uses the GiST index, then the
    # distance on the sphere, in metres, keeps the exact radius.
    degree_radius = radius_m / (111_320.0 * math.cos(math.radians(abs(point.y)))) * 1.01
    nearest = (
        Permit.objects.filter(parcel__dwithin=(point, degree_radius))
        .filter(parcel__distance_lte=(point, D(m=radius_m)))
        .annotate(distance=Distance("parcel", point))
        .order_by("distance", "-issued_on", "id")
        .first()
    )
    if nearest is not None:
        return PermitMatch(nearest, "nearest", round(nearest.distance.m, 2))
    return PermitMatch(None, "none", None)
