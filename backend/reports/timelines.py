"""A case's timeline: every step in legal order, with its document and deadline.

Built from the case events alone (the workflow writes its "stage_changed"
events in the shape of the shared contract), so a timeline shows exactly what
the tamper-evident history holds.
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.audit.models import EventKind
from backend.cases.models import DocumentType, Stage, ViolationCase
from backend.reports.selectors import timeline_events


def _date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def stage_label(code: str) -> str:
    return str(Stage(code).label) if code in Stage.values else code


def document_label(code: str) -> str:
    return str(DocumentType(code).label) if code in DocumentType.values else code


def photo_url(photo_id: Any, variant: str) -> str | None:
    """The contract's photo file URL, if the photos app serves it (else none)."""
    try:
        return reverse("photo_file", kwargs={"pk": int(photo_id), "variant": variant})
    except (NoReverseMatch, TypeError, ValueError):
        return None


@dataclass
class Deadline:
    due: datetime.date | None
    rule: str = ""
    basis: str = ""

    @classmethod
    def from_payload(cls, value: Any) -> Deadline | None:
        if not isinstance(value, dict) or not value.get("due"):
            return None
        return cls(
            due=_date(value.get("due")),
            rule=str(value.get("rule") or ""),
            basis=str(value.get("basis") or ""),
        )


@dataclass
class Document:
    type: str
    type_label: str
    number: str
    date: datetime.date | None
    signer: str


@dataclass
class Photo:
    id: int
    sha256: str
    thumbnail_url: str | None
    preview_url: str | None
    warnings: list[str]
    duplicate: bool


@dataclass
class TimelineEntry:
    seq: int
    event_id: int
    kind: str
    kind_label: str
    action: str
    action_label: str
    occurred_on: datetime.date
    recorded_at: datetime.datetime
    # Entered after the fact: the legal date is before the day it was recorded.
    entered_later: bool
    actor: str
    actor_username: str
    stage_before: str
    stage_before_label: str
    stage_after: str
    stage_after_label: str
    document: Document | None = None
    deadline: Deadline | None = None
    on_time: bool | None = None
    days_late: int | None = None
    next_deadline: Deadline | None = None
    note: str = ""
    photo: Photo | None = None
    changes: dict[str, Any] = field(default_factory=dict)
    hash: str = ""

    @property
    def changes_stage(self) -> bool:
        return bool(self.stage_after) and self.stage_after != self.stage_before

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["changes_stage"] = self.changes_stage
        return data


def _entry(event: Any, local_day: datetime.date) -> TimelineEntry:
    payload = event.payload if isinstance(event.payload, dict) else {}
    kind = event.kind
    occurred_on = event.day
    deadline = next_deadline = None
    on_time: bool | None = None
    days_late: int | None = None
    if kind == EventKind.OPENED:
        # Opening answers no deadline; it starts the first one (the record's).
        next_deadline = Deadline.from_payload(
            payload.get("next_deadline")
        ) or Deadline.from_payload(payload.get("deadline"))
        if next_deadline is None and payload.get("stage_deadline"):
            next_deadline = Deadline(due=_date(payload["stage_deadline"]))
    else:
        deadline = Deadline.from_payload(payload.get("deadline"))
        next_deadline = Deadline.from_payload(payload.get("next_deadline"))
        raw_on_time = payload.get("on_time")
        on_time = raw_on_time if isinstance(raw_on_time, bool) else None
        if isinstance(payload.get("days_late"), int):
            days_late = payload["days_late"]
        if on_time is None and deadline is not None and deadline.due is not None:
            # Older or foreign events without the verdict: count it from the dates.
            days_late = max(0, (occurred_on - deadline.due).days)
            on_time = days_late == 0
        if on_time is True and days_late is None:
            days_late = 0

    document = None
    raw_document = payload.get("document")
    if isinstance(raw_document, dict) and (raw_document.get("type") or raw_document.get("number")):
        doc_type = str(raw_document.get("type") or "")
        document = Document(
            type=doc_type,
            type_label=document_label(doc_type),
            number=str(raw_document.get("number") or ""),
            date=_date(raw_document.get("date")),
            signer=str(raw_document.get("signer") or ""),
        )

    photo = None
    if kind == EventKind.PHOTO_ADDED and payload.get("photo_id") is not None:
        photo = Photo(
            id=int(payload["photo_id"]),
            sha256=str(payload.get("sha256") or ""),
            thumbnail_url=photo_url(payload["photo_id"], "thumbnail"),
            preview_url=photo_url(payload["photo_id"], "preview"),
            warnings=[str(w) for w in payload.get("warnings") or []],
            duplicate=bool(payload.get("duplicate")),
        )

    changes = payload.get("changes")
    action = str(payload.get("action") or "")
    action_label = str(payload.get("action_label") or "")
    actor = event.actor
    return TimelineEntry(
        seq=event.seq,
        event_id=event.pk,
        kind=kind,
        kind_label=event.kind_label(),
        action=action,
        # The workflow's English label is also its msgid: shown in the page's language.
        action_label=_(action_label) if action_label else "",
        occurred_on=occurred_on,
        recorded_at=event.at,
        entered_later=occurred_on < local_day,
        actor=str(actor),
        actor_username=actor.username,
        stage_before=event.stage_before,
        stage_before_label=stage_label(event.stage_before) if event.stage_before else "",
        stage_after=event.stage_after,
        stage_after_label=stage_label(event.stage_after) if event.stage_after else "",
        document=document,
        deadline=deadline,
        on_time=on_time,
        days_late=days_late,
        next_deadline=next_deadline,
        note=str(payload.get("note") or ""),
        photo=photo,
        changes=changes if isinstance(changes, dict) else {},
        hash=event.hash,
    )


def case_timeline(case: ViolationCase) -> list[TimelineEntry]:
    """The case's steps in legal order (occurred_on, then chain position)."""
    return [_entry(event, timezone.localdate(event.at)) for event in timeline_events(case)]


def timeline_summary(entries: list[TimelineEntry]) -> dict[str, Any]:
    timed = [e for e in entries if e.on_time is not None]
    late = [e for e in timed if e.on_time is False]
    return {
        # Steps that moved the case on (opening is not one: it starts the first stage).
        "steps": sum(1 for e in entries if e.changes_stage and e.stage_before),
        "timed_steps": len(timed),
        "late_steps": len(late),
        "days_late_total": sum(e.days_late or 0 for e in late),
        "photos": sum(1 for e in entries if e.photo is not None),
    }
