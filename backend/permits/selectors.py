"""Reads of permits, all through the access rules."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from django.db.models import QuerySet
from django.utils import timezone

from backend.accounts.models import Role
from backend.accounts.selectors import Viewer, restrict_to_user_wards
from backend.permits.models import Permit, PermitImportMapping, PermitImportRun
from backend.wards.models import Ward
from backend.wards.selectors import wards_valid_on, wards_visible_to


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
    """The permit of `ward` whose parcel covers the point, else its nearest within radius_m
    (by its parcel, or by its point for a permit imported without one).

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
    # distance on the sphere, in metres, keeps the exact radius. Permits
    # imported without a parcel (none in the cadastral layer) are located by
    # their point; the nearer of the two kinds wins.
    degree_radius = radius_m / (111_320.0 * math.cos(math.radians(abs(point.y)))) * 1.01
    nearest: Any = None  # a Permit annotated with its distance
    for shape, only in (("parcel", {}), ("location", {"parcel__isnull": True})):
        found: Any = (
            candidates.filter(**only, **{f"{shape}__dwithin": (point, degree_radius)})
            .filter(**{f"{shape}__distance_lte": (point, D(m=radius_m))})
            .annotate(distance=Distance(shape, point))
            .order_by("distance", "-issued_on", "id")
            .first()
        )
        if found is not None and (nearest is None or found.distance < nearest.distance):
            nearest = found
    if nearest is not None:
        return PermitMatch(nearest, "nearest", round(nearest.distance.m, 2))
    return PermitMatch(None, "none", None)


# The admin permissions an import needs: it adds permits and changes them.
IMPORT_PERMISSIONS = ("permits.add_permit", "permits.change_permit")


def wards_for_permit_import(user: Viewer) -> QuerySet[Ward]:
    """The wards (boundary versions valid today) whose permit register this user may import.

    Staff with the permissions to add and change permits: superusers and
    city administrators for every ward, ward staff for their own wards. City
    auditors read; they never write a ward's register, whatever they hold.
    """
    today = timezone.localdate()
    current = wards_valid_on(today)
    if not (user and user.is_authenticated and user.is_active and user.is_staff):
        return current.none()
    if not user.has_perms(IMPORT_PERMISSIONS):
        return current.none()
    if user.is_superuser or user.role == Role.ADMIN:
        return current
    if user.role == Role.CITY_AUDITOR:
        return current.none()
    return current.filter(pk__in=wards_visible_to(user).values("pk"))


def may_import_permits(user: Viewer, ward: Ward) -> bool:
    return wards_for_permit_import(user).filter(pk=ward.pk).exists()


def permit_import_runs_visible_to(user: Viewer) -> QuerySet[PermitImportRun]:
    """Imports into the wards this user may import into (their files name permit holders)."""
    codes = wards_for_permit_import(user).values("code")
    return PermitImportRun.objects.select_related("ward", "created_by").filter(ward__code__in=codes)


def permit_import_mapping(ward: Ward) -> dict[str, str]:
    row = PermitImportMapping.objects.filter(ward_code=ward.code).first()
    return dict(row.mapping) if row else {}
