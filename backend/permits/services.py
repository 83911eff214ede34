"""Writes of the permits app that other apps call."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from backend.permits.models import Permit


@transaction.atomic
def permits_move_to_ward(moves: Sequence[tuple[int, int]]) -> int:
    """Give each permit (permit id, new ward id) the ward its parcel now lies in."""
    by_ward: dict[int, list[int]] = {}
    for permit_id, ward_id in moves:
        by_ward.setdefault(ward_id, []).append(permit_id)
    return sum(
        Permit.objects.filter(pk__in=ids).update(ward_id=ward_id)
        for ward_id, ids in by_ward.items()
    )
