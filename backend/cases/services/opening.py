"""Opening a violation case at a point: its ward, its permit, its number, its first deadline.

A case opened for building that went on after the record (Decree 16 Art.
16.12) inherits its parent's violator and site facts.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, Point
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.models import Role, User
from backend.accounts.selectors import Viewer, ward_ids_of
from backend.audit.models import EventKind
from backend.audit.services import case_event_record
from backend.cases.deadlines import deadline_from
from backend.cases.models import PermitMatchKind, ViolationCase, ViolationType
from backend.cases.services.import_source import ImportSource
from backend.cases.services.input_checks import check_footprint, check_inspector, checked_point
from backend.cases.services.messages import detection_time_message
from backend.cases.services.numbering import next_number
from backend.cases.services.plain_values import json_value
from backend.cases.workflow.plausible_values import EARLIEST_RECORD_DAY
from backend.core.errors import InvalidInput, NotAllowed
from backend.permits.selectors import permit_matching
from backend.wards.models import Ward
from backend.wards.selectors import ward_containing, ward_today_for

# Phones' clocks drift: accept a detection time slightly in the future.
CLOCK_SKEW = datetime.timedelta(minutes=10)
# Decree 118/2021: the violation record is due 2 working days after detection.
# The number itself lives in the deadline rule table (rule "record").
RECORD_DUE_WORKING_DAYS = 2


@transaction.atomic
def case_open(
    *,
    actor: Viewer,
    location: Point,
    violation_type: str,
    address: str = "",
    description: str = "",
    footprint: GEOSGeometry | None = None,
    detected_at: datetime.datetime | None = None,
    assigned_inspector: User | None = None,
    parent: ViolationCase | None = None,
    imported: ImportSource | None = None,
    facts: dict[str, Any] | None = None,
) -> ViolationCase:
    """Open a violation case at a point: find its ward and permit, number it.

    `parent`: the case whose record the site ignored (Decree 16 Art. 16.12);
    the new case inherits its violator and site facts.
    `imported`: a case from a ward's register (backend.cases.importing), whose
    importer's right to the ward was checked by the import; the position must
    lie in that ward, and the opening event names the file and row.
    `facts`: violator and site facts known at opening (INHERITED_FIELDS), as a
    register gives them; the record step confirms them.
    """
    unknown_facts = set(facts or {}) - set(INHERITED_FIELDS)
    if unknown_facts:
        raise ValueError(f"Not facts of a case: {sorted(unknown_facts)}")
    if not isinstance(actor, User) or (
        imported is None
        and (not actor.is_authenticated or actor.role not in (Role.INSPECTOR, Role.WARD_LEADER))
    ):
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
    if detected_at.year < EARLIEST_RECORD_DAY.year or timezone.localdate(detected_at) < (
        EARLIEST_RECORD_DAY
    ):
        raise InvalidInput(detection_time_message(), field="detected_at", code="too_early")
    detected_day = timezone.localdate(detected_at)

    ward = ward_containing(location, detected_day)
    if ward is None:
        raise InvalidInput(
            _("The position is not inside any ward on %(day)s.")
            % {"day": detected_day.strftime("%d/%m/%Y")},
            field="location",
            code="outside_wards",
        )
    # The ward of the detection day numbers the case (its register); the ward
    # responsible today handles it. They differ only for a case imported from a
    # register kept before its ward's boundary changed (the 2025 merger).
    opened_in_ward = ward
    if imported is not None:
        ward = _imported_ward(location, ward, imported)
    elif ward.pk not in ward_ids_of(actor):
        raise InvalidInput(
            _("The position lies in ward %(ward)s, where you do not work.") % {"ward": ward.name},
            field="location",
            code="outside_your_wards",
        )
    polygon = check_footprint(footprint, location)
    if assigned_inspector is None and actor.role == Role.INSPECTOR:
        assigned_inspector = actor
    inspector = check_inspector(assigned_inspector, ward)

    match = permit_matching(location, settings.TTXD_PERMIT_MATCH_RADIUS_M, ward=ward)
    year = detected_day.year
    sequence = next_number(ward=opened_in_ward, year=year, series="case")
    first_deadline = deadline_from("record", detected_on=detected_day, anchor=detected_day)
    inherited = {name: getattr(parent, name) for name in INHERITED_FIELDS} if parent else {}
    inherited.update(facts or {})
    case = ViolationCase.objects.create(
        code=f"{opened_in_ward.slug.upper()}-{year}-{sequence:04d}",
        ward=ward,
        opened_in_ward=opened_in_ward,
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
        stage_deadline=first_deadline.due,
        deadline_rule=first_deadline.rule,
        stage_since=detected_day,
        assigned_inspector=inspector,
        opened_by=actor,
        parent=parent,
        **inherited,
    )
    case_event_record(
        case=case,
        actor=actor,
        kind=EventKind.OPENED,
        stage_after=case.stage,
        payload={
            "occurred_on": detected_day.isoformat(),
            "code": case.code,
            "ward": ward.code,
            **(
                {"opened_in_ward": {"code": opened_in_ward.code, "name": opened_in_ward.name}}
                if opened_in_ward.pk != ward.pk
                else {}
            ),
            "location": [location.x, location.y],
            "violation_type": violation_type,
            "permit": match.permit.number if match.permit else None,
            "permit_match": match.how,
            "permit_distance_m": match.distance_m,
            "detected_at": detected_at.isoformat(),
            "stage": case.stage,
            "stage_deadline": case.stage_deadline.isoformat() if case.stage_deadline else None,
            "next_deadline": first_deadline.as_payload(),
            "parent": parent.code if parent else None,
            **({"imported": imported.as_payload()} if imported else {}),
            **({"facts": {k: json_value(v) for k, v in facts.items()}} if facts else {}),
        },
    )
    return case


def _imported_ward(location: Point, then: Ward, imported: ImportSource) -> Ward:
    """The ward responsible today for an imported case detected in ward `then`.

    A case detected before its ward's boundary changed lay in a predecessor
    (valid on the detection day): it goes to today's ward containing its
    position, or to the successor WardSuccession names, and must be the
    ward being imported.
    """
    today = timezone.localdate()
    ward = then if then.is_valid_on(today) else ward_today_for(location, then, today)
    if ward is None or ward.code != imported.ward_code:
        raise InvalidInput(
            _(
                "The position lies in ward %(ward)s, not in the ward being imported: "
                "check the coordinates, or import the row into ward %(ward)s."
            )
            % {"ward": ward.name if ward is not None else then.name},
            field="location",
            code="outside_imported_ward",
        )
    return ward


# What a child case (building continued after the record) takes from its parent.
INHERITED_FIELDS = (
    "works_class",
    "in_heritage_zone",
    "violator_kind",
    "violator_name",
    "violator_birth_date",
    "violator_id_number",
    "violator_address",
    "violator_org_code",
    "violator_representative",
    "violator_sex",
    "violator_nationality",
    "violator_occupation",
    "violator_id_issued_on",
    "violator_id_issued_by",
    "violator_org_registration",
    "violator_representative_title",
    "map_sheet",
    "parcel_number",
    "storeys",
    "floor_area_m2",
)
