"""Reads of citizens' reports, with their access rules.

- Staff: a ward's inspectors and leaders see its tips; the city's roles see
  every tip. Personal data (name, phone, e-mail) only the tip's ward staff.
- The public: one tip by its code, through `tip_public_status`, which carries
  no personal data and no staff names.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from typing import Any

from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.measure import D
from django.db.models import BooleanField, Case, QuerySet, Value, When
from django.utils import timezone

from backend.accounts.models import WARD_ROLES
from backend.accounts.selectors import Viewer, restrict_to_user_wards, ward_ids_of
from backend.cases.models import Stage, ViolationCase
from backend.cases.selectors import cases_visible_to
from backend.intake.models import OPEN_STATUSES, Tip, TipStatus
from backend.photos.models import SitePhoto

# Suggested duplicates lie within this distance of the tip (issue 15 §3).
DUPLICATE_RADIUS_M = 50.0


def within_metres(field: str, point: Any, radius_m: float) -> dict[str, Any]:
    """Filters for "within radius_m of point": a degree-sized ST_DWithin that the GiST
    index answers (a superset at Vietnam's latitudes), then the exact distance in metres."""
    degrees = radius_m / (111_320.0 * math.cos(math.radians(abs(point.y)))) * 1.01
    return {f"{field}__dwithin": (point, degrees), f"{field}__distance_lte": (point, D(m=radius_m))}


def tips_visible_to(user: Viewer) -> QuerySet[Tip]:
    """Every list, detail, tile and export of tips starts here."""
    qs = Tip.objects.select_related("ward", "case", "merged_into", "site", "assigned_inspector")
    return restrict_to_user_wards(qs, user)


def reporter_visible_to(user: Viewer, tip: Tip) -> bool:
    """May this user read who reported the tip (name, phone, e-mail)? Its ward's staff only."""
    return bool(
        user.is_authenticated
        and user.is_active
        and getattr(user, "role", "") in WARD_ROLES
        and tip.ward_id in ward_ids_of(user)
    )


def reporters_visible_to(user: Viewer) -> frozenset[int]:
    """The ward ids whose tips' reporters this user may read (for lists and exports)."""
    if not (user.is_authenticated and user.is_active and getattr(user, "role", "") in WARD_ROLES):
        return frozenset()
    return frozenset(ward_ids_of(user))


def tips_overdue(qs: QuerySet[Tip], today: datetime.date | None = None) -> QuerySet[Tip]:
    """Tips still waiting for the ward's answer after their response period."""
    day = today or timezone.localdate()
    return qs.filter(status__in=OPEN_STATUSES, response_due_on__lt=day)


def tip_overdue_flag(today: datetime.date) -> Case:
    """tips_overdue as a column: True while a tip waits for the ward's answer after its
    response date (the map's tiles, the OGC collection)."""
    return Case(
        When(status__in=sorted(OPEN_STATUSES), response_due_on__lt=today, then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def tip_is_overdue(tip: Tip, today: datetime.date | None = None) -> bool:
    day = today or timezone.localdate()
    return tip.status in OPEN_STATUSES and tip.response_due_on < day


@dataclass(frozen=True)
class Duplicates:
    cases: list[ViolationCase]
    tips: list[Tip]


def tip_duplicates(user: Viewer, tip: Tip, radius_m: float = DUPLICATE_RADIUS_M) -> Duplicates:
    """Cases and other tips within `radius_m` of the tip that the user may see, nearest first.

    Open cases and any case detected in the last year; tips received before
    or after it that are not themselves merged away.
    """
    near = within_metres("location", tip.location, radius_m)
    year_ago = timezone.now() - datetime.timedelta(days=365)
    cases = (
        cases_visible_to(user)
        .filter(**near)
        .exclude(stage=Stage.CLOSED, detected_at__lt=year_ago)
        .annotate(distance=Distance("location", tip.location))
        .order_by("distance", "-detected_at")[:20]
    )
    tips = (
        tips_visible_to(user)
        .filter(**near)
        .exclude(pk=tip.pk)
        .exclude(status__in=[TipStatus.MERGED, TipStatus.SPAM])
        .annotate(distance=Distance("location", tip.location))
        .order_by("distance", "received_at")[:20]
    )
    return Duplicates(cases=list(cases), tips=list(tips))


def tip_root(tip: Tip) -> Tip:
    """The tip a merged one was merged into, followed to the end of the chain."""
    seen = {tip.pk}
    while tip.merged_into_id is not None and tip.merged_into_id not in seen:
        seen.add(tip.merged_into_id)
        nxt = Tip.objects.select_related("case").get(pk=tip.merged_into_id)
        tip = nxt
    return tip


def tip_by_code(code: Any) -> Tip | None:
    """The tip with this public code (any case, spaces or a missing prefix forgiven), or None."""
    if not isinstance(code, str):
        return None
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    if cleaned.startswith("PA"):
        cleaned = cleaned[2:]
    if len(cleaned) != 12:
        return None
    formatted = f"PA-{cleaned[0:4]}-{cleaned[4:8]}-{cleaned[8:12]}"
    return Tip.objects.select_related("ward", "case", "merged_into").filter(code=formatted).first()


# What a reporter reads of each status (TipStatus labels are the staff's words).
def public_status_label(status: str) -> str:
    from django.utils.translation import gettext as _

    labels: dict[str, str] = {
        TipStatus.RECEIVED: _("Received: the ward will look at it"),
        TipStatus.VERIFYING: _("Being verified by the ward"),
        TipStatus.CASE_OPENED: _("A case was opened"),
        TipStatus.NOT_VIOLATION: _("Not a violation"),
        TipStatus.MERGED: _("Merged into an earlier report of the same site"),
        TipStatus.SPAM: _("Not accepted"),
    }
    return labels.get(status, status)


def tip_public_status(tip: Tip) -> dict[str, Any]:
    """What anyone holding the tip's code may read: no personal data, no staff names.

    A merged tip shows the case its earlier report led to (not that report's code,
    which belongs to another reporter).
    """
    root = tip_root(tip) if tip.status == TipStatus.MERGED else tip
    case = root.case if root.status == TipStatus.CASE_OPENED or tip.case_id else None
    case = tip.case or case
    history = [
        {
            "at": event.at,
            "status": event.status_after,
            "label": public_status_label(event.status_after),
        }
        for event in tip.events.exclude(status_after="").order_by("at", "id")
        if event.status_after
    ]
    return {
        "code": tip.code,
        "received_at": tip.received_at,
        "category": tip.category,
        "category_label": tip.get_category_display(),
        "ward": tip.ward.name,
        "status": tip.status,
        "status_label": public_status_label(tip.status),
        "reason": tip.status_reason if tip.status == TipStatus.NOT_VIOLATION else "",
        "response_due_on": tip.response_due_on,
        "settled": tip.status not in OPEN_STATUSES,
        "case": None
        if case is None
        else {"code": case.code, "stage": case.stage, "stage_label": case.get_stage_display()},
        "history": history,
    }


def tip_public_photos(tip: Tip) -> QuerySet[SitePhoto]:
    """The report's own photos, oldest first: what its public page shows (as derivatives)."""
    return SitePhoto.objects.filter(tip=tip, case__isnull=True).order_by("uploaded_at", "id")


def tip_already_filed(*, channel: str, submission_key: str, client_id: int | None = None) -> bool:
    """Has a report already come in with this key (a retry, not a new report)?"""
    if not submission_key:
        return False
    return Tip.objects.filter(
        channel=channel, client_id=client_id, submission_key=submission_key
    ).exists()
