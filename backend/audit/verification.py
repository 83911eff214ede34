"""Walk the event chain and find the first place where history was changed.

Streams the table in `seq` order through a server-side cursor: memory stays
flat however long the history is. Along the way it checks that time never
goes backwards and that the chain still holds every published head; then it
recomputes, in the database, the hash of every workflow step and site photo
and compares it with the event that records the row.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _

from backend.audit.chain import GENESIS_HASH, content_canonical, event_hash, payload_canonical
from backend.audit.published_head_checks import (
    check_published_heads_reached,
    published_head_changed,
    published_heads,
)
from backend.audit.record_verification import check_records
from backend.audit.verification_report import ChainBreak, ChainHead, ChainReport

FETCH_SIZE = 5000


def _seq_of_hash(digest: str) -> tuple[int, int] | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT seq, id FROM audit_caseevent WHERE hash = %s", [digest])
        row = cursor.fetchone()
    return None if row is None else (int(row[0]), int(row[1]))


def _diagnose_link(seq: int, event_id: int, prev_hash: str, before_id: int | None) -> ChainBreak:
    """The event at `seq` does not point at the event stored before it: why?"""
    target = _seq_of_hash(prev_hash)
    if target is not None and target[0] > seq:
        return ChainBreak(
            seq,
            event_id,
            "out_of_order",
            _(
                "Event id %(id)s at position %(seq)s follows event id %(other)s, which is now "
                "stored later at position %(other_seq)s: events were swapped or reordered."
            )
            % {"id": event_id, "seq": seq, "other": target[1], "other_seq": target[0]},
        )
    if target is None:
        return ChainBreak(
            seq,
            event_id,
            "relinked",
            _(
                "Event id %(id)s at position %(seq)s follows an event whose hash no longer "
                "exists: the event before it (id %(before)s) was changed and its hash "
                "recomputed, or replaced."
            )
            % {"id": event_id, "seq": seq, "before": before_id},
        )
    return ChainBreak(
        seq,
        event_id,
        "relinked",
        _(
            "Event id %(id)s at position %(seq)s names event id %(other)s (position "
            "%(other_seq)s) as its predecessor instead of the event stored before it."
        )
        % {"id": event_id, "seq": seq, "other": target[1], "other_seq": target[0]},
    )


def _rows(cursor: Any) -> Any:
    # Batches rather than rows: the per-row cost of the cursor wrapper adds up
    # over a long history.
    while batch := cursor.fetchmany(FETCH_SIZE):
        yield from batch


def chain_head() -> ChainHead:
    with connection.cursor() as cursor:
        cursor.execute("SELECT seq, hash FROM audit_caseevent ORDER BY seq DESC LIMIT 1")
        row = cursor.fetchone()
    return ChainHead(0, GENESIS_HASH) if row is None else ChainHead(int(row[0]), str(row[1]))


def chain_verify(earlier_head: ChainHead | None = None) -> ChainReport:
    """Check every event's link, hash and time in chain order; stop at the first break.

    A recomputed hash that differs means the event's content was edited; a
    skipped position means events were deleted; a previous hash that belongs
    to a later event means events were swapped; a time earlier than the
    previous event's means it was back-dated. Deleting the newest events
    leaves a shorter but consistent chain, and an owner of the database can
    rewrite it whole: only a head recorded earlier (its count and hash)
    reveals that, which is why heads are published daily and the city writes
    them down. Then every step and photo row is checked against the event
    that records it (backend.audit.record_verification).
    """
    report = ChainReport(head=ChainHead(0, GENESIS_HASH), earlier_head=earlier_head)
    expected_seq = 1
    prev_hash = GENESIS_HASH
    prev_id: int | None = None
    prev_at: datetime.datetime | None = None
    # A named (server-side) cursor lives in a transaction: one query, one snapshot.
    with transaction.atomic():
        published = published_heads()
        report.published_total = sum(len(heads) for heads in published.values())
        report.published_confirmed = sum(
            1 for p in published.get(0, []) if p.head.hash == GENESIS_HASH
        )
        with connection.chunked_cursor() as cursor:
            cursor.execute(
                "SELECT id, seq, case_id, actor_id, kind, at, stage_before, stage_after, "
                "payload::text, prev_hash, hash FROM audit_caseevent ORDER BY seq"
            )
            for row in _rows(cursor):
                event_id, seq, at, stored = row[0], row[1], row[5], row[10]
                report.checked += 1
                problem = _row_problem(row, expected_seq, prev_hash, prev_id)
                if problem is None and prev_at is not None and at < prev_at:
                    problem = _rewound(seq, event_id, at, prev_id, prev_at)
                if problem is None and earlier_head is not None and seq == earlier_head.count:
                    report.earlier_head_confirmed = stored == earlier_head.hash
                    if not report.earlier_head_confirmed:
                        problem = _head_changed(seq, event_id, stored, earlier_head)
                if problem is None:
                    for head in published.get(seq, ()):
                        if head.head.hash != stored:
                            problem = published_head_changed(seq, event_id, stored, head)
                            break
                        report.published_confirmed += 1
                if problem is not None:
                    report.breaks.append(problem)
                    break
                expected_seq, prev_hash, prev_id, prev_at = seq + 1, stored, event_id, at
        report.head = chain_head() if report.breaks else ChainHead(expected_seq - 1, prev_hash)
        check_published_heads_reached(report, published)
        _earlier_head_outcome(report, earlier_head)
        check_records(report)
    return report


def _rewound(
    seq: int, event_id: int, at: datetime.datetime, prev_id: int | None, prev_at: datetime.datetime
) -> ChainBreak:
    return ChainBreak(
        seq,
        event_id,
        "rewound",
        _(
            "Event id %(id)s at position %(seq)s is dated %(at)s, before the event it follows "
            "(id %(before)s, %(before_at)s): time went backwards, so it was back-dated or "
            "written with a wrong clock."
        )
        % {
            "id": event_id,
            "seq": seq,
            "at": at.isoformat(),
            "before": prev_id,
            "before_at": prev_at.isoformat(),
        },
    )


def _head_changed(seq: int, event_id: int, stored: str, earlier_head: ChainHead) -> ChainBreak:
    return ChainBreak(
        seq,
        event_id,
        "head_changed",
        _(
            "The event at the recorded head's position %(seq)s (id %(id)s) has "
            "hash %(actual)s…, not the recorded %(recorded)s…: the history up "
            "to that head was rewritten."
        )
        % {
            "seq": seq,
            "id": event_id,
            "actual": stored[:16],
            "recorded": earlier_head.hash[:16],
        },
    )


def _earlier_head_outcome(report: ChainReport, earlier_head: ChainHead | None) -> None:
    if earlier_head is None or report.earlier_head_confirmed is not None:
        return
    if report.breaks:
        # The walk stopped at a break before it reached the recorded head.
        report.earlier_head_confirmed = False
    elif earlier_head.count == 0:
        report.earlier_head_confirmed = earlier_head.hash == GENESIS_HASH
    else:
        report.earlier_head_confirmed = False
        report.breaks.append(
            ChainBreak(
                report.head.count + 1,
                None,
                "truncated",
                _(
                    "The recorded head counts %(recorded)s events but the chain ends at "
                    "%(count)s: the newest events were deleted."
                )
                % {"recorded": earlier_head.count, "count": report.head.count},
            )
        )


def _row_problem(
    row: tuple[Any, ...], expected_seq: int, prev_hash: str, prev_id: int | None
) -> ChainBreak | None:
    event_id, seq, case_id, actor_id, kind, at, before, after, payload, stored_prev, stored = row
    if seq > expected_seq:
        missing = str(expected_seq) if seq == expected_seq + 1 else f"{expected_seq}–{seq - 1}"
        return ChainBreak(
            expected_seq,
            event_id,
            "missing",
            _(
                "Position %(missing)s is missing: after event id %(before)s the chain jumps to "
                "event id %(id)s at position %(seq)s. Events were deleted."
            )
            % {"missing": missing, "before": prev_id, "id": event_id, "seq": seq},
        )
    if seq < expected_seq:
        return ChainBreak(
            seq,
            event_id,
            "out_of_order",
            _("Position %(seq)s appears twice (event id %(id)s).") % {"seq": seq, "id": event_id},
        )
    if stored_prev != prev_hash:
        return _diagnose_link(seq, event_id, stored_prev, prev_id)
    canonical = content_canonical(
        seq=seq,
        case_id=case_id,
        actor_id=actor_id,
        kind=kind,
        at=at,
        stage_before=before,
        stage_after=after,
        payload=payload_canonical(payload),
    )
    if event_hash(stored_prev, canonical) != stored:
        return ChainBreak(
            seq,
            event_id,
            "edited",
            _(
                "Event id %(id)s at position %(seq)s (case id %(case)s, %(kind)s) no longer "
                "matches its hash: a field was changed after it was recorded."
            )
            % {"id": event_id, "seq": seq, "case": case_id, "kind": kind},
        )
    return None
