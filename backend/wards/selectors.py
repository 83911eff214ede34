"""Reads of wards, all through the access rules."""

from __future__ import annotations

import datetime

from django.contrib.gis.geos import Point
from django.db.models import Q, QuerySet

from backend.accounts.selectors import Viewer, restrict_to_user_wards
from backend.wards.models import Ward


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
