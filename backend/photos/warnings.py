"""Warnings shown with each photo: is it really evidence of this site, now?

Each warning is stored language-neutral ({"code", "value", "threshold"}) and
worded for the reader when shown. Thresholds are settings (TTXD_PHOTO_*).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

NO_LOCATION = "no_location"
FAR_FROM_SITE = "far_from_site"
LOW_ACCURACY = "low_accuracy"
EXIF_DEVICE_MISMATCH = "exif_device_mismatch"
STALE = "stale"
IN_FUTURE = "in_future"


@dataclass(frozen=True)
class PhotoFacts:
    """What ingest knows about where and when a photo was taken."""

    exif_distance_m: float | None  # EXIF position to the case location
    device_distance_m: float | None  # device position to the case location
    exif_device_distance_m: float | None  # EXIF position to device position
    exif_error_m: float | None  # GPSHPositioningError
    device_accuracy_m: float | None
    taken_at: dt.datetime | None  # best known capture time
    received_at: dt.datetime


def _round(value: float) -> float:
    return round(value, 1)


def photo_warnings(facts: PhotoFacts) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []

    def add(code: str, value: float | None, threshold: float | None) -> None:
        found.append(
            {
                "code": code,
                "value": None if value is None else _round(value),
                "threshold": threshold,
            }
        )

    # The position that stands for the photo: the camera's own fix when it
    # has one, else where the phone was when the photo was queued.
    distance = (
        facts.exif_distance_m if facts.exif_distance_m is not None else facts.device_distance_m
    )
    if distance is None:
        add(NO_LOCATION, None, None)
    elif distance > settings.TTXD_PHOTO_FAR_FROM_SITE_M:
        add(FAR_FROM_SITE, distance, settings.TTXD_PHOTO_FAR_FROM_SITE_M)

    accuracies = [a for a in (facts.exif_error_m, facts.device_accuracy_m) if a is not None]
    if accuracies and max(accuracies) > settings.TTXD_PHOTO_LOW_ACCURACY_M:
        add(LOW_ACCURACY, max(accuracies), settings.TTXD_PHOTO_LOW_ACCURACY_M)

    if (
        facts.exif_device_distance_m is not None
        and facts.exif_device_distance_m > settings.TTXD_PHOTO_EXIF_DEVICE_MISMATCH_M
    ):
        add(
            EXIF_DEVICE_MISMATCH,
            facts.exif_device_distance_m,
            settings.TTXD_PHOTO_EXIF_DEVICE_MISMATCH_M,
        )

    if facts.taken_at is not None:
        age = facts.received_at - facts.taken_at
        stale_after = dt.timedelta(hours=settings.TTXD_PHOTO_STALE_HOURS)
        tolerance = dt.timedelta(minutes=settings.TTXD_PHOTO_FUTURE_TOLERANCE_MINUTES)
        if age > stale_after:
            add(STALE, age.total_seconds() / 3600, settings.TTXD_PHOTO_STALE_HOURS)
        elif -age > tolerance:
            add(IN_FUTURE, -age.total_seconds() / 60, settings.TTXD_PHOTO_FUTURE_TOLERANCE_MINUTES)
    return found


def warning_message(warning: dict[str, Any]) -> str:
    """The warning worded for the reader, in the active language."""
    code = warning.get("code")
    value = warning.get("value")
    threshold = warning.get("threshold")
    if code == NO_LOCATION:
        return _("Neither the photo nor the phone gave a position.")
    if code == FAR_FROM_SITE:
        return _("Taken %(value)d m from the site (more than %(threshold)d m).") % {
            "value": value,
            "threshold": threshold,
        }
    if code == LOW_ACCURACY:
        return _("The position is accurate only to %(value)d m (limit %(threshold)d m).") % {
            "value": value,
            "threshold": threshold,
        }
    if code == EXIF_DEVICE_MISMATCH:
        return _(
            "The photo's own position and the phone's position are %(value)d m apart "
            "(more than %(threshold)d m)."
        ) % {"value": value, "threshold": threshold}
    if code == STALE:
        return _("Taken %(value)d hours before it was uploaded (more than %(threshold)d).") % {
            "value": value,
            "threshold": threshold,
        }
    if code == IN_FUTURE:
        return _("The capture time is %(value)d minutes in the future: check the camera clock.") % {
            "value": value
        }
    return str(code)
