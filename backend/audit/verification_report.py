"""What a verification of the history reports, and a chain head as written down.

A city auditor records a head (its count and last hash) elsewhere and later
asks whether the history up to it is unchanged; the report says where the
chain broke, which step and photo rows disagree with their events, and how
many published heads the chain still holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class ChainHead:
    count: int
    hash: str


@dataclass
class ChainBreak:
    seq: int
    event_id: int | None
    # edited | missing | out_of_order | relinked | rewound | head_changed | truncated
    # | published_head_changed | published_head_truncated
    problem: str
    message: str


@dataclass
class RecordProblem:
    table: str
    row_id: int | None
    event_id: int | None
    problem: str  # unrecorded | changed | missing
    message: str


@dataclass
class ChainReport:
    head: ChainHead
    checked: int = 0
    breaks: list[ChainBreak] = field(default_factory=list)
    # Given an earlier head: is everything up to it unchanged?
    earlier_head: ChainHead | None = None
    earlier_head_confirmed: bool | None = None
    # Heads published in audit_publishedhead that the chain was found to hold.
    published_confirmed: int = 0
    published_total: int = 0
    records_checked: int = 0
    record_problems: list[RecordProblem] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return (
            not self.breaks
            and not self.record_problems
            and self.earlier_head_confirmed is not False
            and self.published_confirmed == self.published_total
        )


def parse_head(value: Any, count: Any) -> ChainHead:
    digest = str(value or "").strip().lower()
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise ValueError(_("A chain head hash is 64 hexadecimal characters."))
    try:
        number = int(count)
    except (TypeError, ValueError):
        raise ValueError(_("A chain head count is a whole number.")) from None
    if number < 0:
        raise ValueError(_("A chain head count cannot be negative."))
    return ChainHead(number, digest)
