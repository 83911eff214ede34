"""Writes of the permits app that other apps call."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from backend.permits.models import Permit, PermitEvent, PermitEventKind


@transaction.atomic
def permits_move_to_ward(moves: Sequence[tuple[int, int]], *, actor: Any, source: str = "") -> int:
    """Give each permit (permit id, new ward id) the ward its parcel now lies in,
    each move a permit change naming the old and the new ward."""
    before = dict(
        Permit.objects.filter(pk__in=[p for p, _w in moves]).values_list("pk", "ward__name")
    )
    by_ward: dict[int, list[int]] = {}
    for permit_id, ward_id in moves:
        by_ward.setdefault(ward_id, []).append(permit_id)
    moved = sum(
        Permit.objects.filter(pk__in=ids).update(ward_id=ward_id)
        for ward_id, ids in by_ward.items()
    )
    after = dict(
        Permit.objects.filter(pk__in=[p for p, _w in moves]).values_list("pk", "ward__name")
    )
    PermitEvent.objects.bulk_create(
        PermitEvent(
            permit_id=permit_id,
            kind=PermitEventKind.WARD_CHANGED,
            actor=actor,
            changes={"ward": [before.get(permit_id, ""), after.get(permit_id, "")]},
            source_file=source[:255],
        )
        for permit_id, _ward_id in moves
    )
    return moved
