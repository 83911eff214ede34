"""A photo upload checked before anything is stored: who may add it, and what came with it
(device position and accuracy, capture time, note, file name). A refusal is a 403 or a
400 with a message.

A photo is for a case, or for a site visit (backend.sites) made before any case: the
same checks, against the case's ward or the visited site's ward."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from django.contrib.gis.geos import Point
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.models import WARD_ROLES, User
from backend.accounts.selectors import Viewer, ward_ids_of
from backend.cases.models import ViolationCase
from backend.core.control_characters import (
    control_character_code,
    control_character_message,
    first_control_character,
)
from backend.core.errors import InvalidInput, NotAllowed
from backend.core.idempotency import fingerprint_of
from backend.photos.imaging import sha256_hex
from backend.sites.models import Visit

NOTE_MAX_LENGTH = 2000
FILENAME_MAX_LENGTH = 255
# The capture time a phone may claim. No photo of this system predates 2000;
# a phone clock running some hours fast is a known fault that the "in_future"
# warning shows, but a time more than a day ahead is a wrong date, and years
# such as 0001 cannot even be shown in another time zone.
EARLIEST_CAPTURE = dt.datetime(2000, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=7)))
CAPTURE_MAX_AHEAD = dt.timedelta(days=1)


def _float_or_none(value: Any, field: str) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise InvalidInput(_("This must be a number."), field=field, code="not_a_number") from None
    if not math.isfinite(number):
        raise InvalidInput(_("This must be a finite number."), field=field, code="not_a_number")
    return number


def device_point(lat: Any, lon: Any) -> Point | None:
    flat = _float_or_none(lat, "device_lat")
    flon = _float_or_none(lon, "device_lon")
    if flat is None and flon is None:
        return None
    if flat is None or flon is None:
        raise InvalidInput(
            _("Send both device_lat and device_lon, or neither."),
            field="device_lat",
            code="incomplete_position",
        )
    # A phone outside Vietnam is still a position worth keeping (and the
    # far-from-site warning will say so); only impossible degrees are refused.
    if not (-90.0 <= flat <= 90.0 and -180.0 <= flon <= 180.0):
        raise InvalidInput(
            _("The device position is not valid degrees (latitude -90..90, longitude -180..180)."),
            field="device_lat",
            code="out_of_range",
        )
    return Point(flon, flat, srid=4326)


def device_accuracy(value: Any) -> float | None:
    accuracy = _float_or_none(value, "device_accuracy_m")
    if accuracy is not None and accuracy < 0:
        raise InvalidInput(
            _("The accuracy is a distance in metres and cannot be negative."),
            field="device_accuracy_m",
            code="negative_accuracy",
        )
    return accuracy


def _invalid_time() -> InvalidInput:
    return InvalidInput(
        _("captured_at must be an ISO 8601 date and time."),
        field="captured_at",
        code="invalid_datetime",
    )


def capture_time(value: Any) -> dt.datetime | None:
    if value is None or value == "":
        return None
    shown = str(value)[:40]
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise _invalid_time() from None
    if not isinstance(value, dt.datetime):
        raise _invalid_time()
    moment: dt.datetime = value
    now = timezone.now()
    # The year first: comparing instants near year 1 or 9999 overflows.
    if moment.year < EARLIEST_CAPTURE.year:
        raise _implausible_capture(shown, too_early=True)
    if moment.year > now.year + 1:
        raise _implausible_capture(shown, too_early=False)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment < EARLIEST_CAPTURE:
        raise _implausible_capture(shown, too_early=True)
    if moment > now + CAPTURE_MAX_AHEAD:
        raise _implausible_capture(shown, too_early=False)
    return moment


def _implausible_capture(shown: str, *, too_early: bool) -> InvalidInput:
    if too_early:
        message = _(
            "The capture time %(time)s is before 01/01/2000: check the date and time of the phone."
        )
    else:
        message = _(
            "The capture time %(time)s is more than a day ahead of the server's clock: "
            "check the date and time of the phone."
        )
    return InvalidInput(message % {"time": shown}, field="captured_at", code="implausible_time")


def note_clean(note: Any) -> str:
    if note is None:
        return ""
    if not isinstance(note, str):
        raise InvalidInput(_("The note must be text."), field="note", code="not_text")
    char = first_control_character(note)
    if char:
        # Multipart bodies reach this service unchecked (backend.core.middleware).
        raise InvalidInput(
            control_character_message(_("note"), char),
            field="note",
            code=control_character_code(char),
        )
    text: str = note.strip()
    if len(text) > NOTE_MAX_LENGTH:
        raise InvalidInput(
            _("The note is limited to %(limit)d characters.") % {"limit": NOTE_MAX_LENGTH},
            field="note",
            code="too_long",
        )
    return text


def _check_actor(actor: Viewer, ward_id: int, message: str) -> User:
    """The actor, if one of the ward's staff; else NotAllowed."""
    if (
        not actor.is_authenticated
        or actor.role not in WARD_ROLES
        or ward_id not in ward_ids_of(actor)
    ):
        raise NotAllowed(message)
    return actor


@dataclass(frozen=True)
class PhotoUpload:
    """A photo for a case (or a site visit), checked and cleaned, not yet stored."""

    actor: User
    case: ViolationCase | None
    data: bytes
    sha256: str
    filename: str
    device: Point | None
    accuracy: float | None
    captured: dt.datetime | None
    note: str
    # Set for a photo of a site visit (then `case` is None).
    visit: Visit | None = None

    @property
    def fingerprint(self) -> str:
        """What a retry with the same Idempotency-Key must repeat."""
        # A case photo's fingerprint is unchanged (keys kept before visits existed still match).
        target = {"visit": self.visit.pk} if self.visit is not None else {}
        return fingerprint_of(
            {
                **target,
                "case": self.case.pk if self.case is not None else None,
                "sha256": self.sha256,
                "device": None if self.device is None else [self.device.x, self.device.y],
                "accuracy": self.accuracy,
                "captured_at": self.captured.isoformat() if self.captured else None,
                "note": self.note,
            }
        )


def photo_upload_check(
    *,
    actor: Viewer,
    case: ViolationCase | None = None,
    visit: Visit | None = None,
    data: bytes,
    filename: str = "",
    device_lat: Any = None,
    device_lon: Any = None,
    device_accuracy_m: Any = None,
    captured_at: Any = None,
    note: str = "",
) -> PhotoUpload:
    """Who may add it and what came with it: refused (403, 400) before anything is written.

    A device position anywhere on Earth is kept (the far-from-site warning
    says so); impossible degrees and implausible capture times are refused.
    Exactly one of `case` and `visit` is the photo's target.
    """
    if (case is None) == (visit is None):
        raise ValueError("A photo is for a case or for a visit")
    if case is not None:
        who = _check_actor(
            actor, case.ward_id, _("Only inspectors and leaders of the case's ward can add photos.")
        )
    else:
        assert visit is not None
        who = _check_actor(
            actor,
            visit.site.ward_id,
            _("Only inspectors and leaders of the site's ward can add photos of its visits."),
        )
    return PhotoUpload(
        actor=who,
        case=case,
        visit=visit,
        data=data,
        sha256=sha256_hex(data),
        # The phone's file name is a detail, not evidence: what PostgreSQL cannot hold goes.
        filename=(filename or "").replace("\x00", "")[:FILENAME_MAX_LENGTH],
        device=device_point(device_lat, device_lon),
        accuracy=device_accuracy(device_accuracy_m),
        captured=capture_time(captured_at),
        note=note_clean(note),
    )
