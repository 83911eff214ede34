"""The only way to write history. Called inside the caller's transaction."""

from __future__ import annotations

import json
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from backend.audit.chain import (
    GENESIS_HASH,
    content_canonical,
    event_hash,
    payload_canonical,
    payload_text,
)
from backend.audit.models import CaseEvent

# Key of the transaction-level advisory lock that serialises appends to the
# chain ("ttxdaudi" in ASCII). Held until the caller's transaction ends, so the
# next writer reads the head only after this event is committed (or rolled
# back): one unbroken chain however many processes write at once.
CHAIN_LOCK_KEY = 0x7474786461756469


def _chain_head_locked() -> tuple[int, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
        cursor.execute("SELECT seq, hash FROM audit_caseevent ORDER BY seq DESC LIMIT 1")
        row = cursor.fetchone()
    return (0, GENESIS_HASH) if row is None else (int(row[0]), str(row[1]))


def case_event_record(
    *,
    case: Any,
    actor: Any,
    kind: str,
    payload: dict[str, Any] | None = None,
    stage_before: str = "",
    stage_after: str = "",
) -> CaseEvent:
    """Append one event to the case's history and to the chain.

    Record the event as the last write of a service: the chain lock is held
    from here to the end of the caller's transaction, and every other writer
    in the city waits for it.
    """
    kind = str(getattr(kind, "value", kind))
    stage_before = str(getattr(stage_before, "value", stage_before) or "")
    stage_after = str(getattr(stage_after, "value", stage_after) or "")
    text = payload_text(payload or {})
    clean_payload = json.loads(text)
    # A savepoint when called inside a service's transaction, a transaction of
    # its own otherwise (the lock must never be released before the insert).
    with transaction.atomic():
        seq, prev_hash = _chain_head_locked()
        seq += 1
        # Taken under the lock, so recording times never go backwards along the chain.
        at = timezone.now()
        canonical = content_canonical(
            seq=seq,
            case_id=case.pk,
            actor_id=actor.pk,
            kind=kind,
            at=at,
            stage_before=stage_before,
            stage_after=stage_after,
            payload=payload_canonical(text),
        )
        return CaseEvent.objects.create(
            case=case,
            actor=actor,
            kind=kind,
            at=at,
            payload=clean_payload,
            stage_before=stage_before,
            stage_after=stage_after,
            seq=seq,
            prev_hash=prev_hash,
            hash=event_hash(prev_hash, canonical),
        )
