"""Reads of permits, all through the access rules."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from django.db.models import QuerySet

from backend.accounts.selectors import Viewer, restrict_to_user_wards
from backend.permits.models import Permit
from backend.wards.models import Ward


def permits_visible_to(user: Viewer) -> QuerySet[Permit]:
    return restrict_to_user_wards(Permit.objects.select_related("ward"), user)


@dataclass(frozen=True)
class PermitMatch:
    permit: Permit | None
    how: str  # "parcel" | "nearest" | "none"
    distance_m: float | None


def permits_of_ward(ward: Ward) -> QuerySet[Permit]:
    """The permits a ward's staff see: filed under any boundary version of the ward.

    The same rule as restrict_to_user_wards (membership is of the ward's
    official code, not of one boundary row).
    """
    return Permit.objects.filter(ward__code=ward.code)


def permit_matching(point: Point, radius_m: float, *, ward: Ward) -> PermitMatch:
    """The permit of `ward` whose parcel covers the point, else its nearest within radius_m.

    Only the case's own ward's permits: near a boundary the neighbour's parcel
    may be closer, and linking it would show the neighbour's permit number,
    holder and parcel on the case, its popup and its documents.
    Distances use the geography type (metres on the spheroid) and the
    ST_DWithin filter keeps the search on the parcel GiST index.
    """
    candidates = permits_of_ward(ward)
    inside = candidates.filter(parcel__covers=point).order_by("-issued_on", "id").first()
    if inside is not None:
        return PermitMatch(inside, "parcel", 0.0)
    # Geometry is stored in degrees: a degree-sized ST_DWithin (a superset of
    # the radius at any latitude in Vietnam) uses the GiST index, then the
    # distance on the sphere, in metres, keeps the exact radius.
    degree_radius = radius_m / (111_320.0 * math.cos(math.radians(abs(point.y)))) * 1.01
    nearest = (
        candidates.filter(parcel__dwithin=(point, degree_radius))
        .filter(parcel__distance_lte=(point, D(m=radius_m)))
        .annotate(distance=Distance("parcel", point))
        .order_by("distance", "-issued_on", "id")
        .first()
    )
    if nearest is not None:
        return PermitMatch(nearest, "nearest", round(nearest.distance.m, 2))
    return PermitMatch(None, "none", None)
