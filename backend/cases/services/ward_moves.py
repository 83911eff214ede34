"""Moving open cases to the ward responsible for them after a boundary change.

A case keeps the ward it was opened in (`opened_in_ward`, its number's
register); only the ward responsible today (`ward`) moves, each move an
event in the case's history naming both wards and why.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from backend.audit.models import EventKind
from backend.audit.services import case_event_record
from backend.cases.models import ViolationCase
from backend.wards.models import Ward


@transaction.atomic
def cases_move_to_ward(
    moves: Sequence[tuple[int, int]], *, actor: Any, reason: dict[str, Any]
) -> int:
    """Give each case (case id, new ward id) its new ward; returns how many moved."""
    if not moves:
        return 0
    targets = dict(moves)
    wards = Ward.objects.in_bulk({*targets.values()})
    moved = 0
    cases = ViolationCase.objects.select_for_update().select_related("ward")
    for case in cases.filter(pk__in=targets).order_by("pk"):
        new_ward = wards[targets[case.pk]]
        if case.ward_id == new_ward.pk:
            continue
        old_ward = case.ward
        case.ward = new_ward
        case.save(update_fields=["ward", "updated_at"])
        case_event_record(
            case=case,
            actor=actor,
            kind=EventKind.WARD_CHANGED,
            payload={
                "from": {"id": old_ward.pk, "code": old_ward.code, "name": old_ward.name},
                "to": {"id": new_ward.pk, "code": new_ward.code, "name": new_ward.name},
                **reason,
            },
        )
        moved += 1
    return moved
