"""Geotags, times and camera facts from a photo's EXIF block.

Pure functions with no knowledge of the application: they take the raw EXIF
(TIFF) bytes that an image container carries, or the already-parsed tag
mappings, and never decode pixels.

Phones and cameras write EXIF in many shapes (see DOMAIN.md, "Field
realities"): coordinates as degrees/minutes/seconds, as degrees and decimal
minutes or as decimal degrees; references as str or bytes, padded with NULs,
sometimes missing with a signed value instead; 0/0 rationals (NaN) for "no
fix"; a void GPS status; (0, 0) from a receiver that never locked; absurd
altitudes; capture times without a zone unless OffsetTimeOriginal is present.
Every invalid value becomes "no valid position / time" and is named in
`problems`; nothing here raises on bad input and nothing becomes a point at
(0, 0).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace

from PIL import Image

from gis.exif_times import camera_time, gps_clock_time
from gis.exif_values import components, exif_reference, exif_text, first, number

DEFAULT_ZONE = "Asia/Ho_Chi_Minh"

# The Dead Sea shore is about -430 m and Everest 8,849 m: anything outside
# this band is a broken altitude, not a construction site.
ALTITUDE_RANGE_M = (-500.0, 9000.0)
# A receiver reporting a horizontal error beyond 100 km has no fix at all.
MAX_HORIZONTAL_ERROR_M = 100_000.0
# Closer than this to (0, 0) is the receiver's default, not a place.
NULL_ISLAND_DEGREES = 1e-6
# EXIF years outside this window are clock defaults (1970, 2000, 0000) or garbage.

# Tag numbers (EXIF 2.32 / CIPA DC-008).
TAG_MAKE = 0x010F
TAG_MODEL = 0x0110
TAG_ORIENTATION = 0x0112
TAG_EXIF_IFD = 0x8769
TAG_GPS_IFD = 0x8825
GPS_LATITUDE_REF = 0x01
GPS_LATITUDE = 0x02
GPS_LONGITUDE_REF = 0x03
GPS_LONGITUDE = 0x04
GPS_ALTITUDE_REF = 0x05
GPS_ALTITUDE = 0x06
GPS_STATUS = 0x09
GPS_IMG_DIRECTION_REF = 0x10
GPS_IMG_DIRECTION = 0x11
GPS_H_POSITIONING_ERROR = 0x1F


@dataclass(frozen=True)
class ExifFacts:
    """What a photo's EXIF says, with every invalid value left as None."""

    lat: float | None = None
    lon: float | None = None
    altitude_m: float | None = None
    horizontal_error_m: float | None = None
    bearing_deg: float | None = None
    bearing_ref: str | None = None  # "T" true north, "M" magnetic north
    taken_at: dt.datetime | None = None  # always timezone-aware
    taken_at_zone_assumed: bool = False  # no OffsetTimeOriginal: the default zone was used
    gps_time: dt.datetime | None = None  # UTC, from GPSDateStamp + GPSTimeStamp
    make: str | None = None
    model: str | None = None
    orientation: int | None = None  # 1..8, or None when absent or invalid
    problems: tuple[str, ...] = ()

    @property
    def has_position(self) -> bool:
        return self.lat is not None and self.lon is not None

    def as_dict(self) -> dict[str, object]:
        """JSON-friendly form (ISO 8601 times) for storing beside the photo."""
        return {
            "lat": self.lat,
            "lon": self.lon,
            "altitude_m": self.altitude_m,
            "horizontal_error_m": self.horizontal_error_m,
            "bearing_deg": self.bearing_deg,
            "bearing_ref": self.bearing_ref,
            "taken_at": self.taken_at.isoformat() if self.taken_at else None,
            "taken_at_zone_assumed": self.taken_at_zone_assumed,
            "gps_time": self.gps_time.isoformat() if self.gps_time else None,
            "make": self.make,
            "model": self.model,
            "orientation": self.orientation,
            "problems": list(self.problems),
        }


def exif_facts_from_bytes(raw: bytes | None, *, zone: str = DEFAULT_ZONE) -> ExifFacts:
    """Parse a raw EXIF block (with or without its "Exif\\0\\0" header).

    A missing, truncated or corrupt block gives empty facts with a problem
    named, never an exception.
    """
    if not raw:
        return ExifFacts()
    try:
        exif = Image.Exif()
        exif.load(raw)
        tags = dict(exif)
    except Exception:  # corrupt TIFF structure: nothing in it can be trusted
        return ExifFacts(problems=("exif_unreadable",))
    problems: list[str] = []
    gps = _sub_ifd(exif, TAG_GPS_IFD, problems, "gps_unreadable")
    exif_ifd = _sub_ifd(exif, TAG_EXIF_IFD, problems, "exif_ifd_unreadable")
    facts = exif_facts(tags, gps, exif_ifd, zone=zone)
    if problems:
        return replace(facts, problems=(*problems, *facts.problems))
    return facts


def exif_facts(
    tags: Mapping[int, object],
    gps: Mapping[int, object],
    exif_ifd: Mapping[int, object],
    *,
    zone: str = DEFAULT_ZONE,
) -> ExifFacts:
    """Facts from parsed tag mappings: IFD0, the GPS IFD and the EXIF IFD."""
    problems: list[str] = []
    lat, lon = _position(gps, problems)
    altitude = _altitude(gps, problems)
    error = _horizontal_error(gps, problems)
    bearing, bearing_ref = _bearing(gps, problems)
    taken_at, assumed = camera_time(exif_ifd, zone, problems)
    gps_time = gps_clock_time(gps, problems)
    orientation = _orientation(tags.get(TAG_ORIENTATION), problems)
    return ExifFacts(
        lat=lat,
        lon=lon,
        altitude_m=altitude,
        horizontal_error_m=error,
        bearing_deg=bearing,
        bearing_ref=bearing_ref,
        taken_at=taken_at,
        taken_at_zone_assumed=assumed,
        gps_time=gps_time,
        make=exif_text(tags.get(TAG_MAKE)),
        model=exif_text(tags.get(TAG_MODEL)),
        orientation=orientation,
        problems=tuple(problems),
    )


# --- position ----------------------------------------------------------------


def coordinate(value: object, reference: object, *, positive: str, negative: str) -> float | None:
    """Signed decimal degrees from an EXIF coordinate and its reference.

    Accepts degrees/minutes/seconds, degrees and decimal minutes, or decimal
    degrees. The reference (N/S, E/W) gives the sign; without one, a signed
    value keeps its own sign (some writers do that). Returns None for NaN,
    unknown references, minutes or seconds out of range, or a result outside
    the hemisphere's range.
    """
    parts = components(value)
    if not 1 <= len(parts) <= 3:
        return None
    numbers = [number(part) for part in parts]
    if any(n is None for n in numbers):
        return None
    values = [n for n in numbers if n is not None]
    for extra in values[1:]:
        # Minutes and seconds are 0..60 (60 appears through rounding).
        if not 0.0 <= abs(extra) <= 60.0:
            return None
    degrees = values[0]
    sign = -1.0 if math.copysign(1.0, degrees) < 0 else 1.0
    magnitude = abs(degrees)
    if len(values) >= 2:
        magnitude += abs(values[1]) / 60.0
    if len(values) == 3:
        magnitude += abs(values[2]) / 3600.0
    ref = exif_reference(reference)
    if ref == negative:
        result = -magnitude
    elif ref == positive:
        result = magnitude
    elif ref is None:
        result = sign * magnitude
    else:
        return None
    limit = 90.0 if positive == "N" else 180.0
    if not -limit <= result <= limit:
        return None
    return result


def _position(gps: Mapping[int, object], problems: list[str]) -> tuple[float | None, float | None]:
    if GPS_LATITUDE not in gps and GPS_LONGITUDE not in gps:
        return None, None
    status = exif_reference(gps.get(GPS_STATUS))
    if status == "V":  # "measurement void": the receiver says it has no fix
        problems.append("gps_void")
        return None, None
    lat = coordinate(gps.get(GPS_LATITUDE), gps.get(GPS_LATITUDE_REF), positive="N", negative="S")
    lon = coordinate(gps.get(GPS_LONGITUDE), gps.get(GPS_LONGITUDE_REF), positive="E", negative="W")
    if lat is None or lon is None:
        problems.append("gps_position_invalid")
        return None, None
    if abs(lat) < NULL_ISLAND_DEGREES and abs(lon) < NULL_ISLAND_DEGREES:
        problems.append("gps_null_island")
        return None, None
    return lat, lon


def _altitude(gps: Mapping[int, object], problems: list[str]) -> float | None:
    if GPS_ALTITUDE not in gps:
        return None
    value = number(first(gps.get(GPS_ALTITUDE)))
    if value is None:
        problems.append("altitude_invalid")
        return None
    ref = gps.get(GPS_ALTITUDE_REF)
    below = False
    if isinstance(ref, bytes):
        below = ref[:1] == b"\x01" or ref[:1] == b"1"
    elif isinstance(ref, int) and not isinstance(ref, bool):
        below = ref == 1
    elif isinstance(ref, str):
        below = ref.strip("\x00 ") in {"1", "\x01"}
    altitude = -abs(value) if below else value
    if not ALTITUDE_RANGE_M[0] <= altitude <= ALTITUDE_RANGE_M[1]:
        problems.append("altitude_absurd")
        return None
    return altitude


def _horizontal_error(gps: Mapping[int, object], problems: list[str]) -> float | None:
    if GPS_H_POSITIONING_ERROR not in gps:
        return None
    value = number(first(gps.get(GPS_H_POSITIONING_ERROR)))
    if value is None or not 0.0 <= value <= MAX_HORIZONTAL_ERROR_M:
        problems.append("horizontal_error_invalid")
        return None
    return value


def _bearing(gps: Mapping[int, object], problems: list[str]) -> tuple[float | None, str | None]:
    if GPS_IMG_DIRECTION not in gps:
        return None, None
    value = number(first(gps.get(GPS_IMG_DIRECTION)))
    if value is None or not 0.0 <= value <= 360.0:
        problems.append("bearing_invalid")
        return None, None
    ref = exif_reference(gps.get(GPS_IMG_DIRECTION_REF))
    return value % 360.0, ref if ref in {"T", "M"} else None


# --- orientation -------------------------------------------------------------


def _orientation(value: object, problems: list[str]) -> int | None:
    if value is None:
        return None
    if isinstance(value, tuple | list) and len(value) == 1:
        value = value[0]
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 8:
        return value
    problems.append("orientation_invalid")
    return None


# --- plumbing ----------------------------------------------------------------


def _sub_ifd(exif: Image.Exif, tag: int, problems: list[str], problem: str) -> dict[int, object]:
    try:
        return dict(exif.get_ifd(tag))
    except Exception:  # a broken sub-IFD must not hide the rest of the block
        problems.append(problem)
        return {}
