"""What the ward's staff read of a tip, for the API and the desk pages alike:
its history with the staff's names, its photos with their warnings, the
suggested duplicates and the suggested violation type. Personal data only
through reporter_visible_to."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from backend.accounts.models import Role, User
from backend.accounts.selectors import Viewer
from backend.cases.models import ViolationType
from backend.intake.models import CATEGORY_VIOLATION_TYPES, Tip, TipEventKind
from backend.intake.selectors import reporter_visible_to, tip_duplicates, tip_is_overdue
from backend.photos.selectors import photo_warning_texts, photos_of_tip


def with_photo_counts(qs: QuerySet[Tip]) -> QuerySet[Tip]:
    """Each tip with `photo_count`: its own photos (not their copies on a case)."""
    return qs.annotate(photo_count=Count("photos", filter=Q(photos__case__isnull=True)))


def reporter_of(tip: Tip) -> dict[str, str]:
    return {"name": tip.reporter_name, "phone": tip.reporter_phone, "email": tip.reporter_email}


def suggested_violation_type(tip: Tip) -> dict[str, str] | None:
    code = CATEGORY_VIOLATION_TYPES.get(tip.category)
    if not code:
        return None
    return {"code": code, "label": str(ViolationType(code).label)}


def tip_photo_rows(user: Viewer, tip: Tip) -> list[dict[str, Any]]:
    rows = []
    for photo in photos_of_tip(user, tip.pk):
        rows.append(
            {
                "id": photo.pk,
                "thumbnail_url": reverse("photo_file", args=[photo.pk, "thumbnail"]),
                "preview_url": reverse("photo_file", args=[photo.pk, "preview"]),
                "original_url": reverse("photo_file", args=[photo.pk, "original"]),
                "captured_at": photo.captured_at,
                "warnings": photo_warning_texts(photo),
            }
        )
    return rows


def tip_history(tip: Tip) -> list[dict[str, Any]]:
    """The tip's events, oldest first, with who acted (nobody: the reporter or the app)."""
    rows = []
    for event in tip.events.select_related("actor").order_by("at", "id"):
        rows.append(
            {
                "at": event.at,
                "kind": event.kind,
                "label": str(TipEventKind(event.kind).label)
                if event.kind in TipEventKind.values
                else event.kind,
                "actor": str(event.actor) if event.actor is not None else None,
                "status_before": event.status_before,
                "status_after": event.status_after,
                "note": event.note,
                "payload": event.payload,
            }
        )
    return rows


def _metres(row: Any) -> float:
    """The `distance` annotation of a row, in metres."""
    return float(row.distance.m)


def tip_duplicate_rows(user: Viewer, tip: Tip) -> dict[str, list[dict[str, Any]]]:
    found = tip_duplicates(user, tip)
    return {
        "cases": [
            {
                "id": c.pk,
                "code": c.code,
                "stage": c.stage,
                "stage_label": c.get_stage_display(),
                "distance_m": round(_metres(c), 1),
                "lat": c.location.y,
                "lon": c.location.x,
                "is_open": c.is_open,
            }
            for c in found.cases
        ],
        "tips": [
            {
                "id": t.pk,
                "code": t.code,
                "status": t.status,
                "status_label": t.get_status_display(),
                "received_at": t.received_at,
                "earlier": (t.received_at, t.pk) < (tip.received_at, tip.pk),
                "distance_m": round(_metres(t), 1),
                "lat": t.location.y,
                "lon": t.location.x,
            }
            for t in found.tips
        ],
    }


def ward_inspectors(tip: Tip) -> list[User]:
    """The active inspectors of the tip's ward (whom a leader may send)."""
    return list(
        User.objects.filter(
            role=Role.INSPECTOR, is_active=True, memberships__ward__code=tip.ward.code
        )
        .distinct()
        .order_by("full_name", "username")
    )


def tip_detail(user: Viewer, tip: Tip, today: datetime.date | None = None) -> dict[str, Any]:
    day = today or timezone.localdate()
    return {
        "id": tip.pk,
        "code": tip.code,
        "ward": tip.ward.code,
        "ward_name": tip.ward.name,
        "lat": tip.location.y,
        "lon": tip.location.x,
        "address": tip.address,
        "category": tip.category,
        "category_label": tip.get_category_display(),
        "description": tip.description,
        "channel": tip.channel,
        "status": tip.status,
        "status_label": tip.get_status_display(),
        "status_reason": tip.status_reason,
        "received_at": tip.received_at,
        "response_due_on": tip.response_due_on,
        "overdue": tip_is_overdue(tip, day),
        "settled_at": tip.settled_at,
        "case": None
        if tip.case is None
        else {"id": tip.case.pk, "code": tip.case.code, "stage": tip.case.stage},
        "merged_into": None
        if tip.merged_into is None
        else {"id": tip.merged_into.pk, "code": tip.merged_into.code},
        "site": tip.site_id,
        "assigned_inspector": None
        if tip.assigned_inspector is None
        else {"id": tip.assigned_inspector.pk, "name": str(tip.assigned_inspector)},
        "external_media_url": tip.external_media_url,
        "version": tip.version,
        "reporter": reporter_of(tip) if reporter_visible_to(user, tip) else None,
        "suggested_violation_type": suggested_violation_type(tip),
        "photos": tip_photo_rows(user, tip),
        "duplicates": tip_duplicate_rows(user, tip),
        "events": tip_history(tip),
    }
