"""Reads of wards, all through the access rules."""

from __future__ import annotations

import datetime

from django.contrib.gis.geos import Point
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
