"""Reads of photos, all through the case access rules."""

from __future__ import annotations

import logging

from django.db.models import Q, QuerySet

from backend.accounts.selectors import Viewer
from backend.cases.models import ViolationCase
from backend.cases.selectors import cases_visible_to
from backend.intake.selectors import tips_visible_to
from backend.photos.imaging import jpeg_within_square
from backend.photos.models import SitePhoto
from backend.photos.warnings import warning_message
from backend.sites.selectors import sites_visible_to

log = logging.getLogger(__name__)


def photos_visible_to(user: Viewer) -> QuerySet[SitePhoto]:
    """Every photo list, detail and file download starts here.

    A photo is visible exactly when its case is (cases_visible_to); for
    a photo of a site visit, when the visited site is (sites_visible_to); for
    a photo of a citizen's report not (yet) on a case, when the report is
    (tips_visible_to: the ward's staff and the city's roles).
    """
    return SitePhoto.objects.filter(
        Q(case__in=cases_visible_to(user).values("pk"))
        | Q(visit__site__in=sites_visible_to(user).values("pk"))
        | Q(case__isnull=True, tip__in=tips_visible_to(user).values("pk"))
    ).select_related("uploaded_by")


def photos_of_tip(user: Viewer, tip_id: int) -> QuerySet[SitePhoto]:
    """The report's own photos (not their copies on a case), oldest first."""
    return (
        photos_visible_to(user)
        .filter(tip_id=tip_id, case__isnull=True)
        .order_by("uploaded_at", "id")
    )


def photos_of_case(user: Viewer, case_id: int) -> QuerySet[SitePhoto]:
    return photos_visible_to(user).filter(case_id=case_id).order_by("uploaded_at", "id")


def photos_of_visit(user: Viewer, visit_id: int) -> QuerySet[SitePhoto]:
    return photos_visible_to(user).filter(visit_id=visit_id).order_by("uploaded_at", "id")


def case_photos(user: Viewer, case: ViolationCase, limit: int | None = None) -> list[SitePhoto]:
    """The case's site photos this user may see, oldest first."""
    qs = photos_of_case(user, case.pk)
    return list(qs[:limit] if limit else qs)


def photo_jpeg(photo: SitePhoto, *, side_px: int, quality: int) -> bytes | None:
    """The photo as a JPEG within a `side_px` square, from its preview or else its original.

    None when neither file can be read: one unreadable photo must not stop
    the document it goes into. The caller has checked access (photos_visible_to).
    """
    for field_name in ("preview", "original"):
        file = getattr(photo, field_name, None)
        if not file:
            continue
        try:
            with file.open("rb") as handle:
                return jpeg_within_square(handle, side_px=side_px, quality=quality)
        except Exception:  # a missing object, a truncated file, a decoder limit
            log.warning("photo %s (%s) could not be read for a document", photo.pk, field_name)
    return None


def photo_warning_texts(photo: SitePhoto) -> list[str]:
    """The photo's trust warnings worded in the active language (distance, accuracy, EXIF, age)."""
    return [warning_message(w) for w in photo.warnings or []]


def case_photos_chosen(
    user: Viewer, case: ViolationCase, photo_ids: list[int] | None
) -> list[SitePhoto]:
    """The photos an officer chose for a document, in the order of the case.

    None (no choice made): the photos without trust warnings. An id that is
    not a photo of this case the user may see is refused by the caller
    (chosen_photo_ids_unknown), never silently dropped.
    """
    photos = case_photos(user, case)
    if photo_ids is None:
        return [p for p in photos if not p.warnings]
    wanted = set(photo_ids)
    return [p for p in photos if p.pk in wanted]
