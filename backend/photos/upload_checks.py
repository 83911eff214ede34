"""What may come with a photo (device position and accuracy, capture time, note),
checked before anything is stored: a refusal is a 400 with a message."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.contrib.gis.geos import Point
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.core.control_characters import (
    control_character_code,
    control_character_message,
    first_control_character,
)
from backend.core.errors import InvalidInput

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
