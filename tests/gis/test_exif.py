"""EXIF geotags and times, from real EXIF blocks written by piexif."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from zoneinfo import ZoneInfo

import piexif
import pytest

from gis.exif import coordinate, exif_facts, exif_facts_from_bytes
from gis.exif_times import parse_exif_datetime

HCMC = ZoneInfo("Asia/Ho_Chi_Minh")


def block(
    *, zeroth: dict | None = None, exif: dict | None = None, gps: dict | None = None
) -> bytes:
    return piexif.dump({"0th": zeroth or {}, "Exif": exif or {}, "GPS": gps or {}})


def dms(value: float) -> tuple[tuple[int, int], ...]:
    degrees = int(value)
    minutes_full = (value - degrees) * 60
    minutes = int(minutes_full)
    seconds = round((minutes_full - minutes) * 60 * 10000)
    return ((degrees, 1), (minutes, 1), (seconds, 10000))


def raw_gps(lat_ref: bytes, lat: tuple, lon_ref: bytes, lon: tuple) -> bytes:
    """An EXIF block with these GPS tags exactly as written (odd encodings included)."""
    return block(
        gps={
            piexif.GPSIFD.GPSLatitudeRef: lat_ref,
            piexif.GPSIFD.GPSLatitude: lat,
            piexif.GPSIFD.GPSLongitudeRef: lon_ref,
            piexif.GPSIFD.GPSLongitude: lon,
        }
    )


def gps(lat: float, lon: float, extra: dict | None = None) -> dict:
    tags = {
        piexif.GPSIFD.GPSLatitudeRef: b"N" if lat >= 0 else b"S",
        piexif.GPSIFD.GPSLatitude: dms(abs(lat)),
        piexif.GPSIFD.GPSLongitudeRef: b"E" if lon >= 0 else b"W",
        piexif.GPSIFD.GPSLongitude: dms(abs(lon)),
    }
    tags.update(extra or {})
    return tags


@pytest.mark.parametrize(
    ("lat", "lon"),
    [
        (10.776944, 106.700972),  # Bến Thành market: north and east
        (-33.856784, 151.215297),  # Sydney: south and east
        (40.689247, -74.044502),  # New York: north and west
        (-22.951916, -43.210487),  # Rio de Janeiro: south and west
    ],
)
def test_position_in_every_hemisphere_from_degrees_minutes_seconds(lat: float, lon: float) -> None:
    facts = exif_facts_from_bytes(block(gps=gps(lat, lon)))
    assert facts.lat == pytest.approx(lat, abs=1e-6)
    assert facts.lon == pytest.approx(lon, abs=1e-6)
    assert facts.problems == ()


def test_position_from_degrees_and_decimal_minutes() -> None:
    raw = raw_gps(b"N", ((10, 1), (466167, 10000)), b"E", ((106, 1), (420583, 10000), (0, 1)))
    facts = exif_facts_from_bytes(raw)
    assert facts.lat == pytest.approx(10 + 46.6167 / 60, abs=1e-6)
    assert facts.lon == pytest.approx(106 + 42.0583 / 60, abs=1e-6)


def test_position_from_decimal_degrees_and_lower_case_references() -> None:
    raw = raw_gps(b"s\x00", ((33856784, 1000000),), b"e", ((151215297, 1000000),))
    facts = exif_facts_from_bytes(raw)
    assert (facts.lat, facts.lon) == pytest.approx((-33.856784, 151.215297))


def test_signed_value_without_reference_keeps_its_sign() -> None:
    assert coordinate(Fraction(-1025, 100), None, positive="N", negative="S") == -10.25
    assert coordinate((Fraction(-0), 30, 0), "S", positive="N", negative="S") == -0.5


def test_unknown_reference_is_no_position() -> None:
    raw = block(gps=gps(10.77, 106.7, extra={piexif.GPSIFD.GPSLatitudeRef: b"X"}))
    facts = exif_facts_from_bytes(raw)
    assert not facts.has_position
    assert "gps_position_invalid" in facts.problems


def test_zero_over_zero_rationals_are_no_position_not_a_point_at_zero() -> None:
    raw = raw_gps(b"N", ((0, 0), (0, 0), (0, 0)), b"E", ((0, 0), (0, 0), (0, 0)))
    facts = exif_facts_from_bytes(raw)
    assert (facts.lat, facts.lon) == (None, None)
    assert "gps_position_invalid" in facts.problems


def test_receiver_default_at_zero_zero_is_no_position() -> None:
    raw = block(gps=gps(0.0, 0.0))
    facts = exif_facts_from_bytes(raw)
    assert not facts.has_position
    assert "gps_null_island" in facts.problems


def test_latitude_over_ninety_is_no_position() -> None:
    raw = raw_gps(b"N", ((91, 1), (0, 1), (0, 1)), b"E", ((106, 1), (0, 1), (0, 1)))
    facts = exif_facts_from_bytes(raw)
    assert not facts.has_position
    assert "gps_position_invalid" in facts.problems


def test_minutes_over_sixty_are_no_position() -> None:
    raw = block(gps=gps(10.5, 106.5, extra={piexif.GPSIFD.GPSLatitude: ((10, 1), (75, 1), (0, 1))}))
    assert not exif_facts_from_bytes(raw).has_position


def test_void_fix_is_no_position() -> None:
    raw = block(gps=gps(10.77, 106.7, extra={piexif.GPSIFD.GPSStatus: b"V"}))
    facts = exif_facts_from_bytes(raw)
    assert not facts.has_position
    assert "gps_void" in facts.problems


def test_altitude_with_its_reference() -> None:
    above = exif_facts_from_bytes(
        block(
            gps=gps(
                10.77,
                106.7,
                extra={piexif.GPSIFD.GPSAltitude: (125, 10), piexif.GPSIFD.GPSAltitudeRef: 0},
            )
        )
    )
    below = exif_facts_from_bytes(
        block(
            gps=gps(
                10.77,
                106.7,
                extra={piexif.GPSIFD.GPSAltitude: (125, 10), piexif.GPSIFD.GPSAltitudeRef: 1},
            )
        )
    )
    assert above.altitude_m == 12.5
    assert below.altitude_m == -12.5


def test_absurd_altitude_is_dropped_but_the_position_kept() -> None:
    facts = exif_facts_from_bytes(
        block(gps=gps(10.77, 106.7, extra={piexif.GPSIFD.GPSAltitude: (4_000_000, 1)}))
    )
    assert facts.altitude_m is None
    assert facts.has_position
    assert "altitude_absurd" in facts.problems


def test_horizontal_error_and_bearing() -> None:
    facts = exif_facts_from_bytes(
        block(
            gps=gps(
                10.77,
                106.7,
                extra={
                    piexif.GPSIFD.GPSHPositioningError: (65, 10),
                    piexif.GPSIFD.GPSImgDirection: (18050, 100),
                    piexif.GPSIFD.GPSImgDirectionRef: b"T",
                },
            )
        )
    )
    assert facts.horizontal_error_m == 6.5
    assert facts.bearing_deg == 180.5
    assert facts.bearing_ref == "T"


def test_capture_time_with_its_offset() -> None:
    facts = exif_facts_from_bytes(
        block(
            exif={
                piexif.ExifIFD.DateTimeOriginal: b"2026:11:20 09:15:30",
                piexif.ExifIFD.OffsetTimeOriginal: b"+09:00",
                piexif.ExifIFD.SubSecTimeOriginal: b"25",
            }
        )
    )
    assert facts.taken_at == dt.datetime(
        2026, 11, 20, 9, 15, 30, 250000, tzinfo=dt.timezone(dt.timedelta(hours=9))
    )
    assert facts.taken_at.utcoffset() == dt.timedelta(hours=9)
    assert facts.taken_at_zone_assumed is False


def test_capture_time_without_offset_is_read_in_ho_chi_minh_city_time() -> None:
    facts = exif_facts_from_bytes(
        block(exif={piexif.ExifIFD.DateTimeOriginal: b"2026:11:20 09:15:30"})
    )
    assert facts.taken_at == dt.datetime(2026, 11, 20, 9, 15, 30, tzinfo=HCMC)
    assert facts.taken_at.utcoffset() == dt.timedelta(hours=7)
    assert facts.taken_at_zone_assumed is True


@pytest.mark.parametrize(
    "text",
    [b"0000:00:00 00:00:00", b"    :  :     :  :  ", b"2026:13:45 25:61:00", b"yesterday", b""],
)
def test_malformed_capture_time_is_no_time(text: bytes) -> None:
    facts = exif_facts_from_bytes(block(exif={piexif.ExifIFD.DateTimeOriginal: text}))
    assert facts.taken_at is None


def test_malformed_offset_falls_back_to_the_default_zone() -> None:
    facts = exif_facts_from_bytes(
        block(
            exif={
                piexif.ExifIFD.DateTimeOriginal: b"2026:11:20 09:15:30",
                piexif.ExifIFD.OffsetTimeOriginal: b"+99:99",
            }
        )
    )
    assert facts.taken_at == dt.datetime(2026, 11, 20, 9, 15, 30, tzinfo=HCMC)
    assert "offset_malformed" in facts.problems


def test_gps_time_is_utc() -> None:
    facts = exif_facts_from_bytes(
        block(
            gps=gps(
                10.77,
                106.7,
                extra={
                    piexif.GPSIFD.GPSDateStamp: b"2026:11:20",
                    piexif.GPSIFD.GPSTimeStamp: ((2, 1), (15, 1), (3050, 100)),
                },
            )
        )
    )
    assert facts.gps_time == dt.datetime(2026, 11, 20, 2, 15, 30, 500000, tzinfo=dt.UTC)


def test_gps_time_out_of_range_is_no_time() -> None:
    facts = exif_facts_from_bytes(
        block(
            gps={
                piexif.GPSIFD.GPSDateStamp: b"2026:11:20",
                piexif.GPSIFD.GPSTimeStamp: ((25, 1), (0, 1), (0, 1)),
            }
        )
    )
    assert facts.gps_time is None
    assert "gps_time_malformed" in facts.problems


def test_make_and_model_without_padding() -> None:
    facts = exif_facts_from_bytes(
        block(zeroth={piexif.ImageIFD.Make: b"Apple\x00\x00", piexif.ImageIFD.Model: b"iPhone 15"})
    )
    assert (facts.make, facts.model) == ("Apple", "iPhone 15")


@pytest.mark.parametrize(
    ("value", "expected"), [(1, 1), (3, 3), (6, 6), (8, 8), (0, None), (9, None)]
)
def test_orientation_outside_one_to_eight_is_no_orientation(
    value: int, expected: int | None
) -> None:
    facts = exif_facts_from_bytes(block(zeroth={piexif.ImageIFD.Orientation: value}))
    assert facts.orientation == expected
    assert ("orientation_invalid" in facts.problems) is (expected is None)


@pytest.mark.parametrize("raw", [None, b"", b"Exif\x00\x00garbage", b"\x00" * 7])
def test_missing_or_corrupt_block_gives_empty_facts(raw: bytes | None) -> None:
    facts = exif_facts_from_bytes(raw)
    assert not facts.has_position
    assert facts.taken_at is None


@pytest.mark.filterwarnings("ignore:Corrupt EXIF data")
def test_truncated_block_never_raises() -> None:
    raw = block(
        zeroth={piexif.ImageIFD.Make: b"Canon"},
        exif={piexif.ExifIFD.DateTimeOriginal: b"2026:11:20 09:15:30"},
        gps=gps(10.77, 106.7),
    )
    for cut in range(0, len(raw), 7):
        exif_facts_from_bytes(raw[:cut])  # must not raise whatever the cut


def test_parsed_mappings_can_be_given_directly() -> None:
    facts = exif_facts(
        {0x0112: 3},
        {1: "N", 2: (10.0, 46.5, 0.0), 3: "E", 4: (106.0, 42.0, 0.0)},
        {0x9003: "2026-11-20T09:15:30"},
    )
    assert (facts.lat, facts.lon) == pytest.approx((10.775, 106.7))
    assert facts.orientation == 3
    assert facts.taken_at == dt.datetime(2026, 11, 20, 9, 15, 30, tzinfo=HCMC)


def test_exif_datetime_rejects_impossible_dates() -> None:
    assert parse_exif_datetime("2026:02:30 10:00:00") is None
    assert parse_exif_datetime("1970:01:01 00:00:00") is None
    assert parse_exif_datetime("2026:02:28 10:00:00") == dt.datetime(2026, 2, 28, 10)  # noqa: DTZ001
