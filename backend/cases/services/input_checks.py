"""Checks that opening and editing a case share: the position, the footprint, the inspector."""

from __future__ import annotations

from typing import Any

from django.contrib.gis.geos import GEOSGeometry, Point, Polygon
from django.utils.translation import gettext as _

from backend.accounts.models import Role, User
from backend.accounts.selectors import ward_ids_of
from backend.cases.services.messages import (
    INSPECTOR_REFUSED,
    coordinate_message,
    geometry_message,
)
from backend.core.errors import InvalidInput
from backend.wards.models import Ward
from gis.coords import CoordinateError, check_lat_lon
from gis.geometry import GeometryProblem, ensure_valid_polygon, metric_distance_m

# A footprint drawn more than this far from the case point is almost surely a
# mistake (wrong parcel, swapped axes): refuse it rather than store it.
FOOTPRINT_MAX_DISTANCE_M = 100.0


def checked_point(lat: Any, lon: Any, *, field: str = "location") -> Point:
    try:
        flat, flon = check_lat_lon(lat, lon)
    except CoordinateError as exc:
        raise InvalidInput(coordinate_message(exc), field=field, code=exc.problem.value) from None
    return Point(flon, flat, srid=4326)


def check_footprint(footprint: GEOSGeometry | None, location: Point) -> Polygon | None:
    if footprint is None:
        return None
    try:
        polygon = ensure_valid_polygon(footprint)
    except GeometryProblem as exc:
        raise InvalidInput(geometry_message(exc), field="footprint", code=exc.code) from None
    if not isinstance(polygon, Polygon):
        raise InvalidInput(
            _("The footprint must be a single polygon."), field="footprint", code="wrong_type"
        )
    if polygon.srid not in (None, 4326):
        polygon.transform(4326)
    polygon.srid = 4326
    distance = metric_distance_m(polygon, location)
    if distance > FOOTPRINT_MAX_DISTANCE_M:
        raise InvalidInput(
            _("The footprint is %(distance)d m from the case position; draw it around the site.")
            % {"distance": distance},
            field="footprint",
            code="footprint_far",
        )
    return polygon


def check_inspector(user: User | None, ward: Ward) -> User | None:
    if user is None:
        return None
    if not user.is_active or user.role != Role.INSPECTOR or ward.pk not in ward_ids_of(user):
        # One answer for every refusal: it must not tell who exists elsewhere.
        raise InvalidInput(INSPECTOR_REFUSED, field="assigned_inspector")
    return user
