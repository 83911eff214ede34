"""Warnings with each photo, from EXIF and the phone's own position and clock."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from backend.photos.models import SitePhoto
from tests.photos import imagery
from tests.photos.conftest import upload

pytestmark = pytest.mark.django_db

SITE_LAT, SITE_LON = imagery.SITE
# 0.001° of latitude is ~110.6 m here.
METRES_PER_MILLIDEGREE = 110.6


def codes(body: dict[str, Any]) -> list[str]:
    return [w["code"] for w in body["warnings"]]


def exif_at(lat: float, lon: float, **extra: object) -> bytes:
    return imagery.jpeg(exif=imagery.exif_block(gps=imagery.gps_tags(lat, lon, **extra)))


def test_no_position_at_all_is_no_location(api: Any, inspector_a: Any, case_a: Any) -> None:
    body = upload(api(inspector_a), case_a, imagery.jpeg()).json()
    assert codes(body) == ["no_location"]
    assert body["exif"]["position"] is None and body["device"]["position"] is None


def test_device_position_alone_places_a_photo_without_gps(
    api: Any, inspector_a: Any, case_a: Any
) -> None:
    body = upload(
        api(inspector_a), case_a, imagery.jpeg(), device_lat=SITE_LAT, device_lon=SITE_LON
    ).json()
    assert codes(body) == []
    assert body["device"]["distance_m"] == pytest.approx(0, abs=0.5)


@pytest.mark.parametrize(
    ("gps", "problem"),
    [
        (imagery.NAN_GPS, "gps_position_invalid"),
        (imagery.LAT_OVER_90_GPS, "gps_position_invalid"),
        (imagery.gps_tags(0.0, 0.0), "gps_null_island"),
    ],
)
def test_invalid_gps_is_no_position_never_a_point_at_zero_zero(
    api: Any, inspector_a: Any, case_a: Any, gps: dict[int, object], problem: str
) -> None:
    data = imagery.jpeg(exif=imagery.exif_block(gps=gps))
    body = upload(api(inspector_a), case_a, data).json()
    assert body["exif"]["position"] is None
    assert codes(body) == ["no_location"]
    photo = SitePhoto.objects.get()
    assert photo.exif_location is None
    assert problem in photo.metadata["exif"]["problems"]


@pytest.mark.parametrize(("lat", "lon"), [(-33.856784, 151.215297), (40.689247, -74.044502)])
def test_far_hemispheres_are_far_from_site(
    api: Any, inspector_a: Any, case_a: Any, lat: float, lon: float
) -> None:
    body = upload(api(inspector_a), case_a, exif_at(lat, lon)).json()
    assert body["exif"]["position"] == pytest.approx({"lat": lat, "lon": lon})
    assert codes(body) == ["far_from_site"]
    assert body["exif"]["distance_m"] > 1_000_000


def test_far_from_site_past_the_threshold(api: Any, inspector_a: Any, case_a: Any) -> None:
    near = upload(api(inspector_a), case_a, exif_at(SITE_LAT + 0.0008, SITE_LON)).json()
    far = upload(
        api(inspector_a), case_a, exif_at(SITE_LAT + 0.0012, SITE_LON, GPSAltitude=(5, 1))
    ).json()
    assert codes(near) == []
    assert codes(far) == ["far_from_site"]
    warning = far["warnings"][0]
    assert warning["threshold"] == 100.0
    assert warning["value"] == pytest.approx(1.2 * METRES_PER_MILLIDEGREE, rel=0.02)
    assert warning["message"]


def test_threshold_comes_from_settings(
    api: Any, inspector_a: Any, case_a: Any, settings: Any
) -> None:
    settings.TTXD_PHOTO_FAR_FROM_SITE_M = 50.0
    body = upload(api(inspector_a), case_a, exif_at(SITE_LAT + 0.0008, SITE_LON)).json()
    assert codes(body) == ["far_from_site"]


def test_low_accuracy_from_the_phone(api: Any, inspector_a: Any, case_a: Any) -> None:
    body = upload(
        api(inspector_a),
        case_a,
        imagery.jpeg(),
        device_lat=SITE_LAT,
        device_lon=SITE_LON,
        device_accuracy_m=80,
    ).json()
    assert codes(body) == ["low_accuracy"]


def test_low_accuracy_from_the_exif_horizontal_error(
    api: Any, inspector_a: Any, case_a: Any
) -> None:
    data = exif_at(SITE_LAT, SITE_LON, GPSHPositioningError=(65, 1))
    assert codes(upload(api(inspector_a), case_a, data).json()) == ["low_accuracy"]


def test_exif_and_device_positions_far_apart(api: Any, inspector_a: Any, case_a: Any) -> None:
    body = upload(
        api(inspector_a),
        case_a,
        exif_at(SITE_LAT, SITE_LON),
        device_lat=SITE_LAT + 0.0025,
        device_lon=SITE_LON,
        device_accuracy_m=5,
    ).json()
    # The photo's own fix is at the site; the phone was ~275 m away when it queued it.
    assert codes(body) == ["exif_device_mismatch"]


def test_stale_photo_taken_long_before_upload(api: Any, inspector_a: Any, case_a: Any) -> None:
    taken = timezone.localtime() - dt.timedelta(hours=50)
    data = imagery.jpeg(
        exif=imagery.exif_block(
            gps=imagery.gps_tags(SITE_LAT, SITE_LON), taken_at=taken, with_offset=False
        )
    )
    body = upload(api(inspector_a), case_a, data).json()
    assert codes(body) == ["stale"]
    assert body["exif"]["taken_at_zone_assumed"] is True


def test_capture_time_in_the_future(api: Any, inspector_a: Any, case_a: Any) -> None:
    ahead = (timezone.now() + dt.timedelta(hours=2)).isoformat()
    body = upload(
        api(inspector_a),
        case_a,
        imagery.jpeg(),
        device_lat=SITE_LAT,
        device_lon=SITE_LON,
        captured_at=ahead,
    ).json()
    assert codes(body) == ["in_future"]


def test_exif_time_with_another_offset_is_compared_as_an_instant(
    api: Any, inspector_a: Any, case_a: Any
) -> None:
    # 10:00 in Tokyo (+09:00) is 08:00 in Hồ Chí Minh City: an hour ago, not in the future.
    tokyo = dt.timezone(dt.timedelta(hours=9))
    taken = (timezone.now() - dt.timedelta(hours=1)).astimezone(tokyo).replace(microsecond=0)
    data = imagery.jpeg(
        exif=imagery.exif_block(gps=imagery.gps_tags(SITE_LAT, SITE_LON), taken_at=taken)
    )
    body = upload(api(inspector_a), case_a, data).json()
    assert codes(body) == []
    assert dt.datetime.fromisoformat(body["exif"]["taken_at"]) == taken
