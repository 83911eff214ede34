"""Every write of photos: ingest, with its event, in one transaction.

A photo of a case is recorded by a PHOTO_ADDED case event. A photo of a site
visit (backend.sites) belongs to no case and has no event; when its visit
opened a case, the case gets a photo row of its own (the same stored objects:
keys are content-addressed) recorded by its event (`visit_photos_to_case`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.accounts.selectors import Viewer
from backend.cases.models import ViolationCase
from backend.core.errors import Conflict
from backend.core.idempotency import Kept, idempotency_once
from backend.core.models import IdempotencyRecord, IdempotencyScope
from backend.intake.models import Tip
from backend.photos.imaging import photo_prepare, sha256_hex
from backend.photos.models import SitePhoto
from backend.photos.storing import (
    _distance,
    _forget_objects,
    _lock_content,
    _photo_event,
    _photo_record,
    _store_objects,
)
from backend.photos.storing import content_lock_try as content_lock_try
from backend.photos.upload_checks import (
    FILENAME_MAX_LENGTH,
    PhotoUpload,
    capture_time,
    photo_upload_check,
)
from backend.photos.upload_checks import device_accuracy as device_accuracy
from backend.photos.upload_checks import device_point as device_point
from backend.sites.models import Visit

# device_point and device_accuracy are re-exported: a site visit (backend.sites)
# reads the phone's position the same way as a photo.


@dataclass(frozen=True)
class PhotoIngestResult:
    photo: SitePhoto
    created: bool  # a new row (and event) was written by this call
    duplicate: bool = False  # the same bytes were already on the case (or the visit)
    replayed: bool = False  # a retry of an earlier request with the same key
    # A visit photo's own row on the case its visit opened (None: no such case, or closed).
    case_photo: SitePhoto | None = None


@transaction.atomic
def photo_ingest(
    *,
    actor: Viewer,
    case: ViolationCase,
    data: bytes,
    idempotency_key: str | None = None,
    filename: str = "",
    device_lat: Any = None,
    device_lon: Any = None,
    device_accuracy_m: Any = None,
    captured_at: Any = None,
    note: str = "",
) -> PhotoIngestResult:
    """Add a photo to a case: photo_upload_check, then photo_add.

    With an idempotency key, a retry of the same request returns the first
    result (no second photo, no second event); the key with other content is
    refused (422), and a retry while the first is still running gets 409.
    """
    checked = photo_upload_check(
        actor=actor,
        case=case,
        data=data,
        filename=filename,
        device_lat=device_lat,
        device_lon=device_lon,
        device_accuracy_m=device_accuracy_m,
        captured_at=captured_at,
        note=note,
    )
    if idempotency_key is None:
        return photo_add(checked)
    return idempotency_once(
        user=checked.actor,
        key=idempotency_key,
        scope=IdempotencyScope.PHOTO_UPLOAD,
        fingerprint=checked.fingerprint,
        run=lambda: photo_add(checked),
        replay=_replayed,
        kept=lambda result: Kept(result_id=result.photo.pk),
    )


@transaction.atomic
def visit_photo_ingest(
    *,
    actor: Viewer,
    visit: Visit,
    data: bytes,
    idempotency_key: str | None = None,
    filename: str = "",
    device_lat: Any = None,
    device_lon: Any = None,
    device_accuracy_m: Any = None,
    captured_at: Any = None,
    note: str = "",
) -> PhotoIngestResult:
    """Add a photo to a site visit: the same checks, storage and retries as `photo_ingest`."""
    checked = photo_upload_check(
        actor=actor,
        visit=visit,
        data=data,
        filename=filename,
        device_lat=device_lat,
        device_lon=device_lon,
        device_accuracy_m=device_accuracy_m,
        captured_at=captured_at,
        note=note,
    )
    if idempotency_key is None:
        return photo_add(checked)
    return idempotency_once(
        user=checked.actor,
        key=idempotency_key,
        scope=IdempotencyScope.PHOTO_UPLOAD,
        fingerprint=checked.fingerprint,
        run=lambda: photo_add(checked),
        replay=_replayed,
        kept=lambda result: Kept(result_id=result.photo.pk),
    )


@transaction.atomic
def tip_photo_ingest(
    *,
    actor: User,
    tip: Tip,
    data: bytes,
    filename: str = "",
    device_lat: Any = None,
    device_lon: Any = None,
    captured_at: Any = None,
) -> PhotoIngestResult:
    """Keep a photo a citizen sent with a report: the same decoding, storage and warnings.

    `actor` is the account such photos are recorded under (the system's);
    who may add one (the reporter, by the report's code) is the caller's
    check. The same bytes sent again are the same photo (a retried upload is
    recorded once). Distances and warnings are measured from the report's pin.
    """
    sha256 = sha256_hex(data)
    prepared = photo_prepare(
        data,
        max_pixels=settings.TTXD_PHOTO_MAX_PIXELS,
        preview_px=settings.TTXD_PHOTO_PREVIEW_PX,
        thumbnail_px=settings.TTXD_PHOTO_THUMBNAIL_PX,
    )
    _lock_content(sha256)
    existing = SitePhoto.objects.filter(tip=tip, sha256=sha256).first()
    if existing is not None:
        return PhotoIngestResult(photo=existing, created=False, duplicate=True)
    written = _store_objects(prepared)
    try:
        photo = _photo_record(
            actor=actor,
            case=None,
            tip=tip,
            site=tip.location,
            prepared=prepared,
            device=device_point(device_lat, device_lon),
            accuracy=None,
            captured=capture_time(captured_at),
            note="",
            filename=(filename or "").replace("\x00", "")[:FILENAME_MAX_LENGTH],
        )
    except BaseException:
        _forget_objects(written)
        raise
    return PhotoIngestResult(photo=photo, created=True)


@transaction.atomic
def tip_photos_to_case(*, actor: User, tip: Tip, case: ViolationCase) -> dict[int, SitePhoto]:
    """A report's photos as evidence of the case it led to: {tip photo id: case photo}.

    Each becomes a photo row of the case (same stored objects and warnings;
    distances from the case's position) with its PHOTO_ADDED event naming the
    report. Bytes already on the case are not added twice; a closed case takes none.
    """
    if not case.is_open:
        return {}
    copies: dict[int, SitePhoto] = {}
    for photo in tip.photos.filter(case__isnull=True).order_by("uploaded_at", "id"):
        _lock_content(photo.sha256)
        if SitePhoto.objects.filter(case=case, sha256=photo.sha256).exists():
            continue
        copy = SitePhoto.objects.create(
            case=case,
            original=photo.original.name,
            original_filename=photo.original_filename,
            sha256=photo.sha256,
            content_type=photo.content_type,
            size_bytes=photo.size_bytes,
            width=photo.width,
            height=photo.height,
            preview=photo.preview.name,
            thumbnail=photo.thumbnail.name,
            exif_location=photo.exif_location,
            exif_taken_at=photo.exif_taken_at,
            exif_distance_m=_distance(photo.exif_location, case.location),
            device_location=photo.device_location,
            device_accuracy_m=photo.device_accuracy_m,
            device_distance_m=_distance(photo.device_location, case.location),
            captured_at=photo.captured_at,
            note=photo.note,
            metadata={**photo.metadata, "tip_code": tip.code, "tip_photo_id": photo.pk},
            warnings=photo.warnings,
            uploaded_by=photo.uploaded_by,
        )
        _photo_event(case, actor, copy, {"tip_code": tip.code, "tip_photo_id": photo.pk})
        copies[photo.pk] = copy
    return copies


def _replayed(record: IdempotencyRecord) -> PhotoIngestResult | None:
    if record.result_id is None:
        return None
    photo = SitePhoto.objects.get(pk=record.result_id)
    return PhotoIngestResult(photo=photo, created=False, replayed=True)


@transaction.atomic
def photo_add(upload: PhotoUpload) -> PhotoIngestResult:
    """Keep the original, make derivatives, record the photo and its event.

    The same bytes already on the case are reported as a duplicate and not
    stored again. A closed case takes no new photo (409). A visit's photo:
    see `_visit_photo_add`.
    """
    if upload.visit is not None:
        return _visit_photo_add(upload, upload.visit)
    case, actor = upload.case, upload.actor
    assert case is not None
    # After a retry's replay: a photo sent before the case closed still gets its first answer.
    if not case.is_open:
        raise Conflict(
            _(
                "Case %(case)s is closed: its record is final and takes no more photos. "
                "If building continues, open a new case."
            )
            % {"case": case.code},
            code="case_closed",
        )

    prepared = photo_prepare(
        upload.data,
        max_pixels=settings.TTXD_PHOTO_MAX_PIXELS,
        preview_px=settings.TTXD_PHOTO_PREVIEW_PX,
        thumbnail_px=settings.TTXD_PHOTO_THUMBNAIL_PX,
    )
    _lock_content(upload.sha256)

    existing = SitePhoto.objects.filter(case=case, sha256=upload.sha256).first()
    if existing is not None:
        return PhotoIngestResult(photo=existing, created=False, duplicate=True)

    written = _store_objects(prepared)
    try:
        photo = _photo_record(
            actor=actor,
            case=case,
            prepared=prepared,
            device=upload.device,
            accuracy=upload.accuracy,
            captured=upload.captured,
            note=upload.note,
            filename=upload.filename,
        )
        # The event is the last write of the photo: the audit chain's lock is
        # held from here to the commit.
        _photo_event(case, actor, photo)
    except BaseException:
        # Nothing of ours may outlive a rolled-back row; what cannot be
        # removed now is an orphan that `manage.py photos_cleanup` finds.
        _forget_objects(written)
        raise
    return PhotoIngestResult(photo=photo, created=True)


def _visit_photo_add(upload: PhotoUpload, visit: Visit) -> PhotoIngestResult:
    """Keep a visit's photo (no case event: it is no case's history yet).

    Distances and warnings are measured from the visited site. When the visit
    has opened a case that is still open, the photo becomes that case's
    evidence as well, as a row of the case with its PHOTO_ADDED event.
    """
    prepared = photo_prepare(
        upload.data,
        max_pixels=settings.TTXD_PHOTO_MAX_PIXELS,
        preview_px=settings.TTXD_PHOTO_PREVIEW_PX,
        thumbnail_px=settings.TTXD_PHOTO_THUMBNAIL_PX,
    )
    _lock_content(upload.sha256)
    existing = SitePhoto.objects.filter(visit=visit, sha256=upload.sha256).first()
    if existing is not None:
        return PhotoIngestResult(photo=existing, created=False, duplicate=True)
    written = _store_objects(prepared)
    try:
        photo = _photo_record(
            actor=upload.actor,
            case=None,
            visit=visit,
            site=visit.site.location,
            prepared=prepared,
            device=upload.device,
            accuracy=upload.accuracy,
            captured=upload.captured,
            note=upload.note,
            filename=upload.filename,
        )
        copies = visit_photos_to_case(actor=upload.actor, visit=visit, photos=[photo])
    except BaseException:
        _forget_objects(written)
        raise
    return PhotoIngestResult(photo=photo, created=True, case_photo=copies.get(photo.pk))


@transaction.atomic
def visit_photos_to_case(
    *, actor: User, visit: Visit, photos: list[SitePhoto] | None = None
) -> dict[int, SitePhoto]:
    """The visit's photos as evidence of the case it opened: {visit photo id: case photo}.

    Each becomes a photo row of the case (same stored objects, the same
    positions, times and warnings, measured from the site the case is at)
    recorded by its PHOTO_ADDED event naming the visit. Bytes already on the
    case are not added twice. A visit without a case, or whose case is
    closed, gives nothing: the photos stay the visit's.
    """
    case = visit.case
    if case is None or not case.is_open:
        return {}
    chosen = photos if photos is not None else list(visit.photos.order_by("uploaded_at", "id"))
    copies: dict[int, SitePhoto] = {}
    for photo in chosen:
        _lock_content(photo.sha256)
        if SitePhoto.objects.filter(case=case, sha256=photo.sha256).exists():
            continue
        copy = SitePhoto.objects.create(
            case=case,
            original=photo.original.name,
            original_filename=photo.original_filename,
            sha256=photo.sha256,
            content_type=photo.content_type,
            size_bytes=photo.size_bytes,
            width=photo.width,
            height=photo.height,
            preview=photo.preview.name,
            thumbnail=photo.thumbnail.name,
            exif_location=photo.exif_location,
            exif_taken_at=photo.exif_taken_at,
            exif_distance_m=photo.exif_distance_m,
            device_location=photo.device_location,
            device_accuracy_m=photo.device_accuracy_m,
            device_distance_m=photo.device_distance_m,
            captured_at=photo.captured_at,
            note=photo.note,
            metadata={**photo.metadata, "visit_id": visit.pk, "visit_photo_id": photo.pk},
            warnings=photo.warnings,
            uploaded_by=photo.uploaded_by,
        )
        _photo_event(case, actor, copy, {"visit_id": visit.pk, "visit_photo_id": photo.pk})
        copies[photo.pk] = copy
    return copies
