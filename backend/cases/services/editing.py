"""Editing a case's descriptive fields and the facts its documents reuse.

The event records every change as before and after; a closed case is a
finished legal record and is not edited.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from backend.accounts.models import Role
from backend.accounts.selectors import Viewer, ward_ids_of
from backend.audit.models import EventKind
from backend.audit.services import case_event_record
from backend.cases.models import ViolationCase, ViolationType
from backend.cases.services.input_checks import check_footprint, check_inspector
from backend.cases.services.opening import INHERITED_FIELDS
from backend.cases.services.plain_values import plain_value
from backend.core.errors import Conflict, InvalidInput, NotAllowed

EDITABLE_FIELDS = (
    "address",
    "description",
    "violation_type",
    "footprint",
    "assigned_inspector",
    # Facts the documents reuse (entered once: "một lần khai – nhiều lần dùng").
    *INHERITED_FIELDS,
)


@transaction.atomic
def case_update(*, actor: Viewer, case: ViolationCase, changes: dict[str, Any]) -> ViolationCase:
    """Edit a case's descriptive fields; the event records before and after.

    A closed case is a finished legal record: editing it is a Conflict (409).
    """
    if (
        not actor.is_authenticated
        or actor.role not in (Role.INSPECTOR, Role.WARD_LEADER)
        or case.ward_id not in ward_ids_of(actor)
    ):
        raise NotAllowed(_("You may not edit cases of this ward."))
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(
            _("These fields cannot be edited: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    locked = ViolationCase.objects.select_for_update().get(pk=case.pk)
    if not locked.is_open:
        raise Conflict(
            _(
                "Case %(case)s is closed: its record is final and can no longer be edited. "
                "If building continues, open a new case."
            )
            % {"case": locked.code},
            code="case_closed",
        )
    if "violation_type" in changes and changes["violation_type"] not in ViolationType.values:
        raise InvalidInput(_("Unknown violation type."), field="violation_type")
    if "footprint" in changes:
        changes["footprint"] = check_footprint(changes["footprint"], locked.location)
    if changes.get("assigned_inspector") is not None:
        check_inspector(changes["assigned_inspector"], locked.ward)
    diff: dict[str, Any] = {}
    for name, value in changes.items():
        before = getattr(locked, name)
        if plain_value(before) != plain_value(value):
            diff[name] = {"before": plain_value(before), "after": plain_value(value)}
            setattr(locked, name, value)
    if diff:
        locked.save()
        case_event_record(
            case=locked, actor=actor, kind=EventKind.EDITED, payload={"changes": diff}
        )
    return locked
