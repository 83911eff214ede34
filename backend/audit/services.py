"""The only way to write history. Called inside the caller's transaction."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from backend.audit.chain import (
    GENESIS_HASH,
    content_canonical,
    event_hash,
    payload_canonical,
    payload_text,
)
from backend.audit.models import CaseEvent, PublishedHead
from backend.audit.records import RECORD_FORM, RECORD_KEY, RECORD_TABLE_NAMES

# Key of the transaction-level advisory lock that serialises appends to the
# chain ("ttxdaudi" in ASCII). Held until the caller's transaction ends, so the
# next writer reads the head only after this event is committed (or rolled
# back): one unbroken chain however many processes write at once.
CHAIN_LOCK_KEY = 0x7474786461756469


@dataclass(frozen=True)
class _ChainTip:
    seq: int
    hash: str
    # The database's clock, read under the lock: the new event's time.
    at: datetime.datetime
    record_hash: str | None


# One round trip: the head, the clock and the recorded row's hash (computed by
# the database, which the insert trigger recomputes).
_TIP_SQL = """
SELECT head.seq, head.hash, greatest(clock_timestamp(), head.at), {record_hash}
FROM (SELECT 1) AS one
LEFT JOIN LATERAL (
    SELECT seq, hash, at FROM audit_caseevent ORDER BY seq DESC LIMIT 1
) AS head ON true
"""
_TIP_WITHOUT_RECORD = _TIP_SQL.format(record_hash="NULL")
_TIP_WITH_RECORD = _TIP_SQL.format(record_hash="audit_record_hash(%s, %s, %s)")


def _chain_tip_locked(record: tuple[str, int] | None, case_id: int) -> _ChainTip:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
        if record is None:
            cursor.execute(_TIP_WITHOUT_RECORD)
        else:
            cursor.execute(_TIP_WITH_RECORD, [record[0], record[1], case_id])
        seq, digest, at, record_hash = cursor.fetchone()
    return _ChainTip(0 if seq is None else int(seq), digest or GENESIS_HASH, at, record_hash)


def _record_of(row: Any) -> tuple[str, int]:
    table = str(row._meta.db_table)
    if table not in RECORD_TABLE_NAMES or row.pk is None:
        raise ValueError(f"Events record saved rows of {sorted(RECORD_TABLE_NAMES)}, not {row!r}.")
    return table, int(row.pk)


def case_event_record(
    *,
    case: Any,
    actor: Any,
    kind: str,
    payload: dict[str, Any] | None = None,
    stage_before: str = "",
    stage_after: str = "",
    record: Any = None,
) -> CaseEvent:
    """Append one event to the case's history and to the chain.

    `record` is the workflow step or site photo (saved, of this case) the
    event tells of: the event carries the hash of its row, computed by the
    database. Record the event as the last write of a service: the chain lock
    is held from here to the end of the caller's transaction, and every other
    writer in the city waits for it.
    """
    kind = str(getattr(kind, "value", kind))
    stage_before = str(getattr(stage_before, "value", stage_before) or "")
    stage_after = str(getattr(stage_after, "value", stage_after) or "")
    if payload and RECORD_KEY in payload:
        raise ValueError(f"The payload key {RECORD_KEY!r} is the event's own; pass record=.")
    recorded = None if record is None else _record_of(record)
    text = payload_text(payload or {})
    # A savepoint when called inside a service's transaction, a transaction of
    # its own otherwise (the lock must never be released before the insert).
    with transaction.atomic():
        # The time comes from the database under the lock: no application
        # server's clock, right or wrong, dates history, and it never goes
        # backwards along the chain (the insert trigger holds it to that).
        tip = _chain_tip_locked(recorded, case.pk)
        clean_payload = json.loads(text)
        if recorded is not None:
            if tip.record_hash is None:
                raise ValueError(f"Row {recorded[1]} of {recorded[0]} is not of case {case.pk}.")
            clean_payload[RECORD_KEY] = {
                "table": recorded[0],
                "id": recorded[1],
                "form": RECORD_FORM,
                "hash": tip.record_hash,
            }
            text = payload_text(clean_payload)
        seq, prev_hash, at = tip.seq + 1, tip.hash, tip.at
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


def chain_head_publish(*, count: int, digest: str) -> PublishedHead:
    """Write down a verified chain head where the runtime role cannot write.

    Only the table's owner may (audit migration 0006); the trigger refuses a
    head the chain does not hold and stamps the time and role.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_publishedhead (event_count, hash) VALUES (%s, %s) RETURNING id",
            [count, digest],
        )
        (head_id,) = cursor.fetchone()
    return PublishedHead.objects.get(pk=head_id)
