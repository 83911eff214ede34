"""Every write to a case. Each service is atomic and records its event."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, Point, Polygon
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.models import Role
from backend.accounts.selectors import ward_ids_of
from backend.audit.models import EventKind
from backend.audit.services import case_event_record
from backend.cases.deadlines import add_working_days
from backend.cases.models import PermitMatchKind, ViolationCase, ViolationType
from backend.errors import InvalidInput, NotAllowed
from backend.permits.selectors import permit_matching
from backend.wards.models import Ward
from backend.wards.selectors import ward_containing
from gis.coords import CoordinateError, CoordinateProblem, check_lat_lon
from gis.geometry import GeometryProblem, ensure_valid_polygon, metric_distance_m

# A footprint drawn more than this far from the case point is almost surely a
# mistake (wrong parcel, swapped axes): refuse it rather than store it.
FOOTPRINT_MAX_DISTANCE_M = 100.0
# Phones' clocks drift: accept a detection time slightly in the future.
CLOCK_SKEW = datetime.timedelta(minutes=10)
# Decree 118/2021: the violation record is due 2 working days after detection.
RECORD_DUE_WORKING_DAYS = 2


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
    return _("The geometry cannot be read: %(reason)s.") % {"reason": problem.reason}


def checked_point(lat: Any, lon: Any, *, field: str = "location") -> Point:
    try:
        flat, flon = check_lat_lon(lat, lon)
    except CoordinateError as exc:
        raise InvalidInput(coordinate_message(exc), field=field, code=exc.problem.value) from None
    return Point(flon, flat, srid=4326)


def next_number(*, ward: Ward, year: int, series: str) -> int:
    """Take the next number of a ward's yearly series inside the current transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO cases_yearlycounter (ward_id, year, series, last_value)
            VALUES (%s, %s, %s, 1)
            ON CONFLICT (ward_id, year, series)
            DO UPDATE SET last_value = cases_yearlycounter.last_value + 1
            RETURNING last_value
            """,
            [ward.pk, year, series],
        )
        return int(cursor.fetchone()[0])


def _check_footprint(footprint: GEOSGeometry | None, location: Point) -> Polygon | None:
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
        polygon = polygon.transform(4326, clone=True)
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


def _check_inspector(user: Any, ward: Ward) -> Any:
    if user is None:
        return None
    if user.role != Role.INSPECTOR or ward.pk not in ward_ids_of(user):
        raise InvalidInput(
            _("%(user)s is not an inspector of ward %(ward)s.") % {"user": user, "ward": ward.name},
            field="assigned_inspector",
        )
    return user


@transaction.atomic
def case_open(
    *,
    actor: Any,
    location: Point,
    violation_type: str,
    address: str = "",
    description: str = "",
    footprint: GEOSGeometry | None = None,
    detected_at: datetime.datetime | None = None,
    assigned_inspector: Any = None,
) -> ViolationCase:
    """Open a violation case at a point: find its ward and permit, number it."""
    if actor.role not in (Role.INSPECTOR, Role.WARD_LEADER):
        raise NotAllowed(_("Only ward inspectors and ward leaders can open cases."))
    if violation_type not in ViolationType.values:
        raise InvalidInput(
            _("Unknown violation type “%(value)s”. Use one of: %(choices)s.")
            % {"value": violation_type, "choices": ", ".join(ViolationType.values)},
            field="violation_type",
            code="unknown_violation_type",
        )
    location = checked_point(location.y, location.x)
    now = timezone.now()
    detected_at = detected_at or now
    if timezone.is_naive(detected_at):
        detected_at = timezone.make_aware(detected_at)
    if detected_at > now + CLOCK_SKEW:
        raise InvalidInput(_("The detection time is in the future."), field="detected_at")
    detected_day = timezone.localdate(detected_at)

    ward = ward_containing(location, detected_day)
    if ward is None:
        raise InvalidInput(
            _("The position is not inside any ward on %(day)s.")
            % {"day": detected_day.strftime("%d/%m/%Y")},
            field="location",
            code="outside_wards",
        )
    if ward.pk not in ward_ids_of(actor):
        raise InvalidInput(
            _("The position lies in ward %(ward)s, where you do not work.") % {"ward": ward.name},
            field="location",
            code="outside_your_wards",
        )
    polygon = _check_footprint(footprint, location)
    if assigned_inspector is None and actor.role == Role.INSPECTOR:
        assigned_inspector = actor
    inspector = _check_inspector(assigned_inspector, ward)

    match = permit_matching(location, settings.TTXD_PERMIT_MATCH_RADIUS_M)
    year = detected_day.year
    sequence = next_number(ward=ward, year=year, series="case")
    case = ViolationCase.objects.create(
        code=f"{ward.slug.upper()}-{year}-{sequence:04d}",
        ward=ward,
        year=year,
        sequence=sequence,
        location=location,
        footprint=polygon,
        address=address.strip(),
        permit=match.permit,
        permit_match=PermitMatchKind(match.how),
        permit_distance_m=match.distance_m,
        violation_type=violation_type,
        description=description.strip(),
        detected_at=detected_at,
        stage_deadline=add_working_days(detected_day, RECORD_DUE_WORKING_DAYS),
        assigned_inspector=inspector,
        opened_by=actor,
    )
    case_event_record(
        case=case,
        actor=actor,
        kind=EventKind.OPENED,
        payload={
            "code": case.code,
            "ward": ward.code,
            "location": [location.x, location.y],
            "violation_type": violation_type,
            "permit": match.permit.number if match.permit else None,
            "permit_match": match.how,
            "permit_distance_m": match.distance_m,
            "detected_at": detected_at.isoformat(),
            "stage": case.stage,
            "stage_deadline": case.stage_deadline.isoformat() if case.stage_deadline else None,
        },
    )
    return case


EDITABLE_FIELDS = ("address", "description", "violation_type", "footprint", "assigned_inspector")


def _plain(value: Any) -> Any:
    if isinstance(value, GEOSGeometry):
        return value.wkt
    if hasattr(value, "pk"):
        return value.pk
    return value


@transaction.atomic
def case_update(*, actor: Any, case: ViolationCase, changes: dict[str, Any]) -> ViolationCase:
    """Edit a case's descriptive fields; the event records before and after."""
    if actor.role not in (Role.INSPECTOR, Role.WARD_LEADER) or case.ward_id not in ward_ids_of(
        actor
    ):
        raise NotAllowed(_("You may not edit cases of this ward."))
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(
            _("These fields cannot be edited: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    locked = ViolationCase.objects.select_for_update().get(pk=case.pk)
    if "violation_type" in changes and changes["violation_type"] not in ViolationType.values:
        raise InvalidInput(_("Unknown violation type."), field="violation_type")
    if "footprint" in changes:
        changes["footprint"] = _check_footprint(changes["footprint"], locked.location)
    if changes.get("assigned_inspector") is not None:
        _check_inspector(changes["assigned_inspector"], locked.ward)
    diff: dict[str, Any] = {}
    for name, value in changes.items():
        before = getattr(locked, name)
        if _plain(before) != _plain(value):
            diff[name] = {"before": _plain(before), "after": _plain(value)}
            setattr(locked, name, value)
    if diff:
        locked.save()
        case_event_record(case=locked, actor=actor, kind=EventKind.EDITED, payload={"changes": diff})
    return locked
