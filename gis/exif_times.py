"""Capture times from EXIF: the camera's clock (DateTimeOriginal, with its
OffsetTime when present, else the default zone, said so) and the GPS clock
(GPSDateStamp + GPSTimeStamp, UTC). Blank, zero or impossible values give None
and name a problem."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from zoneinfo import ZoneInfo

from gis.exif_values import components, exif_text, number

YEAR_RANGE = (1990, 2200)
EXIF_DATETIME_ORIGINAL = 0x9003
EXIF_DATETIME_DIGITIZED = 0x9004
EXIF_OFFSET_TIME_ORIGINAL = 0x9011
EXIF_OFFSET_TIME_DIGITIZED = 0x9012
EXIF_SUBSEC_TIME_ORIGINAL = 0x9291
EXIF_SUBSEC_TIME_DIGITIZED = 0x9292
GPS_TIMESTAMP = 0x07
GPS_DATESTAMP = 0x1D

_DATETIME_RE = re.compile(
    r"^(\d{4})[:\-/](\d{2})[:\-/](\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$"
)
_DATE_RE = re.compile(r"^(\d{4})[:\-/](\d{2})[:\-/](\d{2})$")
_OFFSET_RE = re.compile(r"^([+-])(\d{2}):?(\d{2})$")


def parse_exif_datetime(value: object, subseconds: object = None) -> dt.datetime | None:
    """A naive datetime from "YYYY:MM:DD HH:MM:SS" (dashes and a T tolerated).

    Blank ("    :  :     :  :  "), zero ("0000:00:00 00:00:00") or impossible
    values give None.
    """
    text = exif_text(value, limit=40)
    if not text:
        return None
    match = _DATETIME_RE.match(text)
    if not match:
        return None
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        return None
    try:
        moment = dt.datetime(year, month, day, hour, minute, min(second, 59))  # noqa: DTZ001
    except ValueError:
        return None
    fraction = match.group(7) or _digits(subseconds)
    if fraction:
        moment = moment.replace(microsecond=int(fraction[:6].ljust(6, "0")))
    return moment


def parse_offset(value: object) -> dt.timezone | None:
    """A fixed zone from OffsetTime* ("+07:00"); None when absent or malformed."""
    text = exif_text(value, limit=10)
    if not text:
        return None
    match = _OFFSET_RE.match(text)
    if not match:
        return None
    sign, hours, minutes = match.groups()
    if int(hours) > 14 or int(minutes) >= 60:
        return None
    delta = dt.timedelta(hours=int(hours), minutes=int(minutes))
    return dt.timezone(-delta if sign == "-" else delta)


def _digits(value: object) -> str | None:
    text = exif_text(value, limit=10)
    if text and text.isdigit():
        return text
    return None


def camera_time(
    exif_ifd: Mapping[int, object], zone: str, problems: list[str]
) -> tuple[dt.datetime | None, bool]:
    for when, offset, subsec in (
        (EXIF_DATETIME_ORIGINAL, EXIF_OFFSET_TIME_ORIGINAL, EXIF_SUBSEC_TIME_ORIGINAL),
        (EXIF_DATETIME_DIGITIZED, EXIF_OFFSET_TIME_DIGITIZED, EXIF_SUBSEC_TIME_DIGITIZED),
    ):
        if when not in exif_ifd:
            continue
        naive = parse_exif_datetime(exif_ifd.get(when), exif_ifd.get(subsec))
        if naive is None:
            problems.append("datetime_malformed")
            continue
        fixed = parse_offset(exif_ifd.get(offset))
        if fixed is not None:
            return naive.replace(tzinfo=fixed), False
        if offset in exif_ifd:
            problems.append("offset_malformed")
        return naive.replace(tzinfo=ZoneInfo(zone)), True
    return None, False


def gps_clock_time(gps: Mapping[int, object], problems: list[str]) -> dt.datetime | None:
    if GPS_DATESTAMP not in gps or GPS_TIMESTAMP not in gps:
        return None
    date_text = exif_text(gps.get(GPS_DATESTAMP), limit=20)
    date_match = _DATE_RE.match(date_text or "")
    parts = components(gps.get(GPS_TIMESTAMP))
    clock = [number(p) for p in parts]
    if date_match is None or len(clock) != 3 or any(c is None for c in clock):
        problems.append("gps_time_malformed")
        return None
    hours, minutes, seconds = (c for c in clock if c is not None)
    year, month, day = (int(g) for g in date_match.groups())
    if not (
        YEAR_RANGE[0] <= year <= YEAR_RANGE[1]
        and 0 <= hours < 24
        and 0 <= minutes < 60
        and 0 <= seconds < 61
        and hours == int(hours)
        and minutes == int(minutes)
    ):
        problems.append("gps_time_malformed")
        return None
    try:
        midnight = dt.datetime(year, month, day, tzinfo=dt.UTC)
    except ValueError:
        problems.append("gps_time_malformed")
        return None
    return midnight + dt.timedelta(hours=hours, minutes=minutes, seconds=seconds)
