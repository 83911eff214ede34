"""How a photo is kept: its content lock, its stored objects, its row and its case event.

The writers behind backend.photos.services (which every other app calls).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.contrib.gis.geos import Point
from django.db import connection
from django.utils import timezone

from backend.accounts.models import User
from backend.audit.models import EventKind
from backend.audit.services import case_event_record
from backend.cases.models import ViolationCase
from backend.intake.models import Tip
from backend.photos.imaging import PreparedPhoto
from backend.photos.models import SitePhoto
from backend.photos.storage import object_store, photo_key, photo_storage
from backend.photos.warnings import PhotoFacts, photo_warnings
from backend.sites.models import Visit
from gis.geometry import metric_distance_m

logger = logging.getLogger(__name__)


def _lock_content(sha256: str) -> None:
    """Serialise work on one content key until the transaction ends.

    Stops two uploads of the same bytes from racing, and stops the orphan
    cleanup (which tries the same lock) deleting an object that a transaction
    still in progress is about to reference.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"photo:{sha256}"])


def content_lock_try(sha256: str) -> bool:
    """Try the content lock without waiting (for the cleanup command)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_try_advisory_xact_lock(hashtextextended(%s, 0))", [f"photo:{sha256}"]
        )
        return bool(cursor.fetchone()[0])


def _distance(a: Point | None, b: Point | None) -> float | None:
    if a is None or b is None:
        return None
    return metric_distance_m(a, b)


def _store_objects(prepared: PreparedPhoto) -> list[str]:
    """Write the original and its derivatives; return the keys written by this call."""
    storage = photo_storage()
    written: list[str] = []
    for variant, data in (
        ("original", prepared.data),
        ("preview", prepared.derivatives.preview),
        ("thumbnail", prepared.derivatives.thumbnail),
    ):
        key = photo_key(variant, prepared.sha256)
        if object_store(storage, key, data):
            written.append(key)
    return written


def _forget_objects(keys: list[str]) -> None:
    storage = photo_storage()
    for key in keys:
        try:
            storage.delete(key)
        except Exception:  # the cleanup command finds whatever is left behind
            logger.warning("could not remove %s after a failed ingest", key, exc_info=True)


def _photo_event(
    case: ViolationCase, actor: User, photo: SitePhoto, extra: dict[str, Any] | None = None
) -> None:
    case_event_record(
        case=case,
        actor=actor,
        kind=EventKind.PHOTO_ADDED,
        # The event carries the hash of the photo's row (see backend.audit.records).
        record=photo,
        payload={
            "photo_id": photo.pk,
            "sha256": photo.sha256,
            "warnings": [w["code"] for w in photo.warnings],
            "duplicate": False,
            "content_type": photo.content_type,
            "size_bytes": photo.size_bytes,
            "filename": photo.original_filename,
            "exif_distance_m": photo.exif_distance_m,
            "device_distance_m": photo.device_distance_m,
            "taken_at": photo.exif_taken_at.isoformat() if photo.exif_taken_at else None,
            "captured_at": photo.captured_at.isoformat() if photo.captured_at else None,
            **(extra or {}),
        },
    )


def _photo_record(
    *,
    actor: User,
    case: ViolationCase | None,
    prepared: PreparedPhoto,
    device: Point | None,
    accuracy: float | None,
    captured: dt.datetime | None,
    note: str,
    filename: str,
    visit: Visit | None = None,
    site: Point | None = None,
    tip: Tip | None = None,
) -> SitePhoto:
    """The photo's row; distances from `site` (default: the case's location)."""
    exif = prepared.exif
    exif_point = Point(exif.lon, exif.lat, srid=4326) if exif.has_position else None
    if site is None:
        assert case is not None
        site = case.location
    received = timezone.now()
    taken = exif.taken_at or exif.gps_time or captured
    facts = PhotoFacts(
        exif_distance_m=_distance(exif_point, site),
        device_distance_m=_distance(device, site),
        exif_device_distance_m=_distance(exif_point, device),
        exif_error_m=exif.horizontal_error_m,
        device_accuracy_m=accuracy,
        taken_at=taken,
        received_at=received,
    )
    return SitePhoto.objects.create(
        case=case,
        visit=visit,
        tip=tip,
        original=photo_key("original", prepared.sha256),
        original_filename=filename,
        sha256=prepared.sha256,
        content_type=prepared.content_type,
        size_bytes=len(prepared.data),
        width=prepared.width,
        height=prepared.height,
        preview=photo_key("preview", prepared.sha256),
        thumbnail=photo_key("thumbnail", prepared.sha256),
        exif_location=exif_point,
        exif_taken_at=exif.taken_at,
        exif_distance_m=facts.exif_distance_m,
        device_location=device,
        device_accuracy_m=accuracy,
        device_distance_m=facts.device_distance_m,
        captured_at=captured,
        note=note,
        metadata={
            "exif": exif.as_dict(),
            "kind": prepared.kind,
            "orientation_applied": prepared.orientation_applied,
            "exif_device_distance_m": facts.exif_device_distance_m,
            "preview_size": list(prepared.derivatives.preview_size),
            "thumbnail_size": list(prepared.derivatives.thumbnail_size),
        },
        warnings=photo_warnings(facts),
        uploaded_by=actor,
    )
