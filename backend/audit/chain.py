"""The hash chain over case events: its canonical form, in one place.

Each event stores `seq` (1, 2, 3… across the whole table, without gaps),
`prev_hash` (the previous event's `hash`; 64 zeros for the first) and

    hash = SHA-256( prev_hash + canonical_json(content) )   (hex, lower case)

where `content` is the JSON object

    {"v": 1, "seq": <int>, "case": <case id>, "actor": <user id>,
     "kind": "<kind>", "at": "YYYY-MM-DDTHH:MM:SS.ffffffZ" (UTC),
     "stage_before": "...", "stage_after": "...", "payload": {...}}

serialised with sorted keys, separators "," and ":", no ASCII escaping,
encoded in UTF-8. Numbers with an integral value are written as integers
(5.0 → 5): PostgreSQL's jsonb keeps numbers as decimals, so a float 5.0 can
come back as the integer 5 and must hash the same. Other floats keep Python's
shortest round-trip form. NaN and infinities are refused.

An event about a workflow step or a site photo has `payload["record"]`, the
hash of that row (backend.audit.records); it is part of the payload like any
other key. Anyone can re-check the chain with these rules alone (e.g. with
`SELECT seq, case_id, actor_id, kind, at, stage_before, stage_after,
payload::text, prev_hash, hash FROM audit_caseevent ORDER BY seq`), without
this code base: that is what makes a recorded chain head a proof.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

CHAIN_VERSION = 1
GENESIS_HASH = "0" * 64


def payload_normalise(payload: Any) -> Any:
    """The payload as it will read back from the database (plain JSON values).

    Dates, decimals, UUIDs and lazy strings become strings the way
    DjangoJSONEncoder writes them, tuples become lists, keys become strings.
    """
    return json.loads(payload_text(payload))


def payload_text(payload: Any) -> str:
    try:
        return json.dumps(payload, cls=DjangoJSONEncoder, allow_nan=False)
    except ValueError as exc:
        raise ValueError(f"Event payloads must be finite JSON values: {exc}") from None


def _float_canonical(text: str) -> float | int:
    value = float(text)
    return int(value) if value.is_integer() else value


def payload_canonical(text: str) -> Any:
    """Parse a payload's JSON text with the chain's number rule applied."""
    return json.loads(text, parse_float=_float_canonical)


def timestamp_canonical(at: datetime.datetime) -> str:
    if at.tzinfo is None:
        raise ValueError("Event times must be timezone-aware.")
    utc = at.astimezone(datetime.UTC).replace(tzinfo=None)
    return utc.isoformat(timespec="microseconds") + "Z"


# One encoder for every event (the C encoder; building it per call costs).
_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)


def content_canonical(
    *,
    seq: int,
    case_id: int,
    actor_id: int,
    kind: str,
    at: datetime.datetime,
    stage_before: str,
    stage_after: str,
    payload: Any,
) -> str:
    """The canonical JSON of an event; `payload` as parsed by payload_canonical()."""
    return _ENCODER.encode(
        {
            "v": CHAIN_VERSION,
            "seq": int(seq),
            "case": int(case_id),
            "actor": int(actor_id),
            "kind": kind,
            "at": timestamp_canonical(at),
            "stage_before": stage_before,
            "stage_after": stage_after,
            "payload": payload,
        }
    )


def event_hash(prev_hash: str, canonical: str) -> str:
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()
