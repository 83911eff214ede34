"""Refusals worded once for the services and the API that checks the same input first.

A position, a polygon or a detection time is refused with the same
actionable message whether the API's parsing or a service finds the problem.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.cases.workflow.plausible_values import EARLIEST_RECORD_DAY
from gis.coords import CoordinateError, CoordinateProblem
from gis.geometry import GeometryProblem

INSPECTOR_REFUSED = gettext_lazy(
    "The assigned inspector must be an active inspector of the case's ward."
)


def detection_time_message() -> str:
    return _("The detection time must lie between %(earliest)s and now: check the year.") % {
        "earliest": EARLIEST_RECORD_DAY.strftime("%d/%m/%Y")
    }


def coordinate_message(error: CoordinateError) -> str:
    if error.problem is CoordinateProblem.SWAPPED:
        return _(
            "Latitude and longitude look swapped: (%(lat)s, %(lon)s) is not in Vietnam, "
            "but (%(lon)s, %(lat)s) is. Latitude comes first (about 10.8 in Ho Chi Minh City)."
        ) % {"lat": error.lat, "lon": error.lon}
    if error.problem is CoordinateProblem.NOT_A_NUMBER:
        return _("The coordinates must be numbers (latitude, longitude in degrees).")
    if error.problem is CoordinateProblem.OUT_OF_RANGE:
        return _(
            "Coordinates (%(lat)s, %(lon)s) are not valid degrees: latitude lies within "
            "-90..90 and longitude within -180..180."
        ) % {"lat": error.lat, "lon": error.lon}
    return _(
        "The position (%(lat)s, %(lon)s) is outside Vietnam. Check the coordinates "
        "(WGS 84 degrees, not VN-2000 metres)."
    ) % {"lat": error.lat, "lon": error.lon}


def geometry_message(problem: GeometryProblem) -> str:
    if problem.code == "invalid":
        return _("The polygon is not valid: %(reason)s.") % {"reason": problem.reason}
    if problem.code == "wrong_type":
        return _("A polygon is expected here (%(reason)s).") % {"reason": problem.reason}
    if problem.code == "empty":
        return _("The polygon is empty.")
    if problem.code == "external_crs":
        return _(
            "The coordinate system (“crs”) must be named, not linked to an outside address: "
            'leave “crs” out for WGS 84 degrees, or name it, e.g. "EPSG:9210" for VN-2000.'
        )
    if problem.code == "unknown_crs":
        return _(
            "The coordinate system named in “crs” is not known: leave “crs” out for WGS 84 "
            'degrees, or name an EPSG code, e.g. "EPSG:9210" for VN-2000.'
        )
    return _("The geometry cannot be read: %(reason)s.") % {"reason": problem.reason}
