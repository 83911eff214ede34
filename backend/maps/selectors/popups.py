"""What the map's popups show about one case or one permit parcel.

Each starts from the access selector (None when the user may not see the
row); a case's popup adds its newest photos, through the photo access
selector, and the legal basis of its current deadline.
"""

from __future__ import annotations

import datetime
import math
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format

from backend.cases.models import OPEN_STAGES
from backend.cases.selectors import case_deadline, cases_visible_to
from backend.permits.selectors import permits_visible_to
from backend.photos.selectors import photos_visible_to
from backend.sites.selectors import inspection_state, site_of_permit, sites_visible_to

POPUP_PHOTOS = 4


def _short_date(day: datetime.date | None) -> str | None:
    return date_format(day, "SHORT_DATE_FORMAT") if day else None


def photo_bearing(metadata: Any) -> float | None:
    """The compass direction the camera faced, if the photo's metadata has one.

    EXIF calls it GPSImgDirection (degrees from north, true or magnetic); the
    ingest may store it under a plainer name, and as a number, text or an
    EXIF rational [numerator, denominator].
    """
    if not isinstance(metadata, dict):
        return None
    sources = [metadata]
    for nested in ("exif", "gps", "camera"):
        if isinstance(metadata.get(nested), dict):
            sources.append(metadata[nested])
    for source in sources:
        for key in (
            "bearing_deg",  # what the photo ingest stores (gis.exif, under "exif")
            "bearing",
            "camera_bearing",
            "heading",
            "direction",
            "gps_img_direction",
            "GPSImgDirection",
            "img_direction",
        ):
            value = source.get(key)
            if value is None:
                continue
            try:
                if isinstance(value, list | tuple) and len(value) == 2:
                    number = float(value[0]) / float(value[1])
                else:
                    number = float(value)
            except (TypeError, ValueError, ZeroDivisionError):
                continue
            if math.isfinite(number):
                return round(number % 360.0, 1)
    return None


def _photo_url(pk: int, variant: str) -> str | None:
    try:
        return reverse("photo_file", kwargs={"pk": pk, "variant": variant})
    except NoReverseMatch:
        return None


def _latest_photos(user: Any, case_id: int) -> list[dict[str, Any]]:
    """The case's newest photos, through the photo access selector."""
    photos = (
        photos_visible_to(user)
        .filter(case_id=case_id)
        .order_by("-uploaded_at", "-id")
        .values(
            "id",
            "metadata",
            "device_location",
            "exif_location",
            "captured_at",
            "exif_taken_at",
            "uploaded_at",
        )[:POPUP_PHOTOS]
    )
    out = []
    for photo in photos:
        where = photo["device_location"] or photo["exif_location"]
        taken = photo["captured_at"] or photo["exif_taken_at"] or photo["uploaded_at"]
        out.append(
            {
                "id": photo["id"],
                "thumbnail": _photo_url(photo["id"], "thumbnail"),
                "preview": _photo_url(photo["id"], "preview"),
                "taken": date_format(timezone.localtime(taken), "SHORT_DATETIME_FORMAT")
                if taken
                else None,
                "bearing": photo_bearing(photo["metadata"]),
                "lon": where.x if where else None,
                "lat": where.y if where else None,
            }
        )
    return out


def site_page_url(pk: int) -> str:
    try:
        return reverse("site_detail", args=[pk])
    except NoReverseMatch:
        return f"/sites/{pk}/"


def case_page_url(pk: int) -> str:
    try:
        return reverse("case_detail", args=[pk])
    except NoReverseMatch:
        return f"/cases/{pk}/"


def _deadline_basis(case: Any, today: datetime.date) -> dict[str, str]:
    """The rule and legal basis of the case's current deadline, when the
    workflow knows them (the page shows the basis next to the date)."""
    view = case_deadline(case, today)
    if view is None:
        return {}
    return {"deadline_rule": view.rule_label, "deadline_basis": view.basis}


def case_summary(user: Any, pk: int, today: datetime.date) -> dict[str, Any] | None:
    """What a case's map popup shows, or None when the user may not see it."""
    case = cases_visible_to(user).filter(pk=pk).first()
    if case is None:
        return None
    days_left = (case.stage_deadline - today).days if case.stage_deadline else None
    is_open = case.stage in OPEN_STAGES
    inspector = case.assigned_inspector
    return {
        "id": case.pk,
        "code": case.code,
        "violation_type": case.violation_type,
        "violation_type_label": str(case.get_violation_type_display()),
        "stage": case.stage,
        "stage_label": str(case.get_stage_display()),
        "stage_deadline": case.stage_deadline.isoformat() if case.stage_deadline else None,
        "stage_deadline_display": _short_date(case.stage_deadline),
        "days_left": days_left if is_open else None,
        "overdue": bool(is_open and days_left is not None and days_left < 0),
        "assigned_inspector": str(inspector) if inspector else None,
        "address": case.address,
        "ward": case.ward.name,
        "permit": case.permit.number if case.permit else None,
        "detected_on": _short_date(timezone.localtime(case.detected_at).date()),
        "lon": case.location.x,
        "lat": case.location.y,
        "url": case_page_url(case.pk),
        "photos": _latest_photos(user, case.pk),
        **_deadline_basis(case, today),
    }


def permit_summary(user: Any, pk: int) -> dict[str, Any] | None:
    """What a parcel's popup shows about its permit, or None when not visible."""
    permit = permits_visible_to(user).filter(pk=pk).first()
    if permit is None:
        return None
    return {
        "id": permit.pk,
        "number": permit.number,
        "issuing_authority": permit.issuing_authority,
        "issued_on": _short_date(permit.issued_on),
        "expires_on": _short_date(permit.expires_on),
        "holder_name": permit.holder_name,
        "address": permit.address,
        "map_sheet": permit.map_sheet,
        "parcel_number": permit.parcel_number,
        "permitted_storeys": permit.permitted_storeys,
        "permitted_height_m": float(permit.permitted_height_m)
        if permit.permitted_height_m
        else None,
        "permitted_floor_area_m2": (
            float(permit.permitted_floor_area_m2) if permit.permitted_floor_area_m2 else None
        ),
        "works_class": str(permit.get_works_class_display()),
        "status": permit.status,
        "status_label": str(permit.get_status_display()),
        "ward": permit.ward.name,
        **_permit_site(user, permit.pk),
    }


def _permit_site(user: Any, permit_id: int) -> dict[str, Any]:
    site = site_of_permit(user, permit_id)
    if site is None:
        return {"site_id": None, "site_url": None, "site_status_label": None}
    return {
        "site_id": site.pk,
        "site_url": site_page_url(site.pk),
        "site_status_label": str(site.get_status_display()),
    }


def site_summary(user: Any, pk: int, today: datetime.date) -> dict[str, Any] | None:
    """What a site's map popup shows, or None when the user may not see it."""
    site = sites_visible_to(user).filter(pk=pk).first()
    if site is None:
        return None
    permit = site.permit
    return {
        "id": site.pk,
        "address": site.address,
        "owner_name": site.owner_name,
        "ward": site.ward.name,
        "origin_label": str(site.get_origin_display()),
        "status": site.status,
        "status_label": str(site.get_status_display()),
        "status_since": _short_date(site.status_since),
        "storeys_built": site.storeys_built,
        "permit": permit.number if permit else None,
        "permitted_storeys": permit.permitted_storeys if permit else None,
        "inspection": inspection_state(site, today),
        "next_visit_due": _short_date(site.next_visit_due),
        "last_visit_on": _short_date(site.last_visit_on),
        "visit_count": site.visit_count,
        "lon": site.location.x,
        "lat": site.location.y,
        "url": site_page_url(site.pk),
    }
