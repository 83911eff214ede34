"""Published chain heads: the chain must still hold each one, and reach it.

`manage.py verify_audit --publish` writes the verified head (count and last
hash) into audit_publishedhead daily, where the app's role can only read.
An owner of the database could rewrite the whole chain consistently; a head
published earlier that the chain no longer holds, or no longer reaches,
reveals it. Part of chain_verify (backend.audit.verification).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.audit.verification_report import ChainBreak, ChainHead, ChainReport


@dataclass(frozen=True)
class PublishedHead:
    head: ChainHead
    published_at: datetime.datetime


def published_heads() -> dict[int, list[PublishedHead]]:
    by_count: dict[int, list[PublishedHead]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT event_count, hash, published_at FROM audit_publishedhead ORDER BY event_count, id"
        )
        for count, digest, published_at in cursor.fetchall():
            by_count.setdefault(int(count), []).append(
                PublishedHead(ChainHead(int(count), str(digest)), published_at)
            )
    return by_count


def published_head_changed(
    seq: int, event_id: int, stored: str, published: PublishedHead
) -> ChainBreak:
    return ChainBreak(
        seq,
        event_id,
        "published_head_changed",
        _(
            "The head published on %(when)s has hash %(recorded)s… at position %(seq)s, but the "
            "event there (id %(id)s) now has hash %(actual)s…: history up to that head was "
            "rewritten after it was published."
        )
        % {
            "when": _when(published.published_at),
            "recorded": published.head.hash[:16],
            "seq": seq,
            "id": event_id,
            "actual": stored[:16],
        },
    )


def _when(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def check_published_heads_reached(
    report: ChainReport, published: dict[int, list[PublishedHead]]
) -> None:
    """A chain that verified but ends before a published head lost its newest events."""
    if report.breaks:
        return
    beyond = [p for count, heads in published.items() if count > report.head.count
              for p in heads]  # fmt: skip
    if beyond:
        latest = max(beyond, key=lambda p: p.head.count)
        report.breaks.append(
            ChainBreak(
                report.head.count + 1,
                None,
                "published_head_truncated",
                _(
                    "The head published on %(when)s counts %(recorded)s events but the "
                    "chain ends at %(count)s: the newest events were deleted."
                )
                % {
                    "when": _when(latest.published_at),
                    "recorded": latest.head.count,
                    "count": report.head.count,
                },
            )
        )
