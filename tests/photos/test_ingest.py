"""Photo ingest through the API: what is kept, what is derived, what is refused."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import time
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from PIL import Image

from backend.audit.models import CaseEvent
from backend.photos.models import SitePhoto
from tests.photos import imagery
from tests.photos.conftest import stored_files, upload

pytestmark = pytest.mark.django_db

NEAR = (10.7701, 106.6901)  # ~15 m from the site


def read_stored(location: Path, name: str) -> bytes:
    return (location / name).read_bytes()


def test_upload_keeps_the_original_bytes_and_their_sha256(
    api: Any, inspector_a: Any, case_a: Any, photo_media: Path
) -> None:
    data = imagery.jpeg(exif=imagery.exif_block(gps=imagery.gps_tags(*NEAR)))
    response = upload(api(inspector_a), case_a, data, name="IMG_0001.JPG")
    assert response.status_code == 201, response.content
    body = response.json()
    photo = SitePhoto.objects.get()
    assert body["id"] == photo.pk
    assert body["sha256"] == hashlib.sha256(data).hexdigest() == photo.sha256
    assert read_stored(photo_media, photo.original.name) == data
    assert photo.original.name == f"photos/original/{photo.sha256[:2]}/{photo.sha256}"
    assert photo.original_filename == "IMG_0001.JPG"
    assert (photo.width, photo.height) == (80, 60)
    assert photo.content_type == "image/jpeg"


def test_accepted_photo_writes_one_photo_added_event(
    api: Any, inspector_a: Any, case_a: Any
) -> None:
    response = upload(api(inspector_a), case_a, imagery.jpeg())
    event = CaseEvent.objects.get(case=case_a, kind="photo_added")
    assert event.actor == inspector_a
    assert event.payload["photo_id"] == response.json()["id"]
    assert event.payload["sha256"] == response.json()["sha256"]
    assert event.payload["duplicate"] is False
    assert event.payload["warnings"] == ["no_location"]


def test_response_gives_positions_distances_time_warnings_and_urls(
    api: Any, inspector_a: Any, case_a: Any
) -> None:
    taken = timezone.localtime() - dt.timedelta(minutes=5)
    data = imagery.jpeg(
        exif=imagery.exif_block(gps=imagery.gps_tags(*NEAR), taken_at=taken.replace(microsecond=0))
    )
    body = upload(
        api(inspector_a),
        case_a,
        data,
        device_lat="10.7702",
        device_lon="106.6901",
        device_accuracy_m="8",
        captured_at=taken.isoformat(),
        note="Tầng 3 đang đổ bê tông",
    ).json()
    assert body["exif"]["position"] == pytest.approx({"lat": NEAR[0], "lon": NEAR[1]})
    assert 10 < body["exif"]["distance_m"] < 20
    assert body["exif"]["taken_at"] == taken.replace(microsecond=0).isoformat()
    assert body["device"]["position"] == pytest.approx(
        {"lat": 10.7702, "lon": 106.6901, "accuracy_m": 8.0}
    )
    assert 20 < body["device"]["distance_m"] < 30
    assert body["warnings"] == []
    assert body["note"] == "Tầng 3 đang đổ bê tông"
    assert body["urls"] == {
        "original": f"/photos/{body['id']}/original/",
        "preview": f"/photos/{body['id']}/preview/",
        "thumbnail": f"/photos/{body['id']}/thumbnail/",
    }
    assert body["created"] is True and body["duplicate"] is False


@pytest.mark.parametrize("orientation", [3, 6, 8])
def test_derivatives_come_out_upright(
    api: Any, inspector_a: Any, case_a: Any, photo_media: Path, orientation: int
) -> None:
    body = upload(api(inspector_a), case_a, imagery.oriented_jpeg(orientation)).json()
    photo = SitePhoto.objects.get(pk=body["id"])
    assert (body["width"], body["height"]) == (80, 60)  # as shown, not as stored
    for name in (photo.preview.name, photo.thumbnail.name):
        shown = Image.open(io.BytesIO(read_stored(photo_media, name))).convert("RGB")
        assert shown.size == (80, 60)
        red, green, blue = shown.getpixel((3, 3))
        assert red > 180 and green < 80 and blue < 80, "red corner must be top-left"
        red, green, blue = shown.getpixel((76, 56))
        assert blue > 180 and red < 80, "blue corner must be bottom-right"


def test_preview_and_thumbnail_sizes_follow_the_settings(
    api: Any, inspector_a: Any, case_a: Any, photo_media: Path, settings: Any
) -> None:
    settings.TTXD_PHOTO_PREVIEW_PX = 200
    settings.TTXD_PHOTO_THUMBNAIL_PX = 50
    body = upload(api(inspector_a), case_a, imagery.jpeg(imagery.marked((800, 600)))).json()
    photo = SitePhoto.objects.get(pk=body["id"])
    preview = Image.open(io.BytesIO(read_stored(photo_media, photo.preview.name)))
    thumbnail = Image.open(io.BytesIO(read_stored(photo_media, photo.thumbnail.name)))
    assert preview.size == (200, 150)
    assert thumbnail.size == (50, 38)


def test_derivatives_carry_no_metadata_even_from_a_polyglot(
    api: Any, inspector_a: Any, case_a: Any, photo_media: Path
) -> None:
    script = b"<script>alert('xss')</script>"
    exif = imagery.exif_block(gps=imagery.gps_tags(*NEAR), description=script)
    data = imagery.jpeg(
        exif=exif,
        comment=script,
        icc_profile=b"\x00" * 128 + script,
    )
    assert data.count(script) >= 2
    body = upload(api(inspector_a), case_a, data).json()
    photo = SitePhoto.objects.get(pk=body["id"])
    assert read_stored(photo_media, photo.original.name) == data  # evidence kept as sent
    for name in (photo.preview.name, photo.thumbnail.name):
        derived = read_stored(photo_media, name)
        assert b"<script" not in derived
        assert b"Exif" not in derived and b"ICC_PROFILE" not in derived
        # Only JFIF (APP0), tables, frame and scan: no APPn, no comment.
        markers = imagery.jpeg_segments(derived)
        assert set(markers) <= {0xE0, 0xDB, 0xC0, 0xC4, 0xDA, 0xDD}, [hex(m) for m in markers]


def test_original_is_served_so_that_a_browser_runs_nothing(
    api: Any, client: Any, inspector_a: Any, case_a: Any
) -> None:
    body = upload(api(inspector_a), case_a, imagery.jpeg(comment=b"<script>x</script>")).json()
    client.force_login(inspector_a)
    response = client.get(body["urls"]["original"])
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_heic_with_gps_is_read_and_derived(
    api: Any, inspector_a: Any, case_a: Any, photo_media: Path
) -> None:
    data = imagery.heic(exif=imagery.exif_block(gps=imagery.gps_tags(*NEAR)))
    response = upload(
        api(inspector_a), case_a, data, name="IMG_0002.HEIC", content_type="image/heic"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["content_type"] == "image/heic"
    assert body["exif"]["position"] == pytest.approx({"lat": NEAR[0], "lon": NEAR[1]})
    photo = SitePhoto.objects.get()
    preview = Image.open(io.BytesIO(read_stored(photo_media, photo.preview.name)))
    assert preview.format == "JPEG" and preview.size == (64, 48)
    assert read_stored(photo_media, photo.original.name) == data


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (imagery.png(), "image/png"),
        (imagery.png(mode="RGBA"), "image/png"),
        (imagery.webp(), "image/webp"),
    ],
)
def test_png_and_webp_are_accepted(
    api: Any, inspector_a: Any, case_a: Any, data: bytes, content_type: str
) -> None:
    response = upload(api(inspector_a), case_a, data, name="x.bin", content_type="application/x")
    assert response.status_code == 201, response.content
    assert response.json()["content_type"] == content_type


def test_type_comes_from_the_bytes_not_the_name_or_content_type(
    api: Any, inspector_a: Any, case_a: Any
) -> None:
    response = upload(
        api(inspector_a), case_a, imagery.png(), name="photo.jpg", content_type="image/jpeg"
    )
    assert response.status_code == 201
    assert response.json()["content_type"] == "image/png"


@pytest.mark.parametrize(
    "data",
    [
        b"<html><script>alert(1)</script></html>",
        b"GIF89a" + b"\x00" * 64,
        b"%PDF-1.7\n" + b"\x00" * 64,
        b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1" + b"\x00" * 64,
    ],
)
def test_file_whose_name_lies_about_being_a_photo_is_refused_with_415(
    api: Any, inspector_a: Any, case_a: Any, photo_media: Path, data: bytes
) -> None:
    response = upload(api(inspector_a), case_a, data, name="photo.jpg", content_type="image/jpeg")
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_type"
    assert "JPEG, PNG, WebP" in response.json()["file"][0] or response.json()["file"]
    assert not SitePhoto.objects.exists() and not CaseEvent.objects.filter(kind="photo_added")
    assert stored_files(photo_media) == []


def test_truncated_jpeg_is_refused_with_400_and_nothing_written(
    api: Any, inspector_a: Any, case_a: Any, photo_media: Path
) -> None:
    response = upload(api(inspector_a), case_a, imagery.truncated_jpeg())
    assert response.status_code == 400
    assert response.json()["code"] == "corrupt_image"
    assert not SitePhoto.objects.exists()
    assert stored_files(photo_media) == []


@pytest.mark.parametrize(
    "data",
    [
        imagery.png_declaring(20_000, 20_000),  # 400 MP: past Pillow's own bomb limit
        imagery.png_declaring(8_000, 7_000),  # 56 MP: past ours, under Pillow's
        imagery.jpeg_declaring(10_000, 6_000),
    ],
)
def test_pixel_flood_is_refused_fast_before_decoding(
    api: Any, inspector_a: Any, case_a: Any, photo_media: Path, data: bytes
) -> None:
    assert len(data) < 2_000
    started = time.perf_counter()
    response = upload(api(inspector_a), case_a, data)
    assert time.perf_counter() - started < 1.0
    assert response.status_code == 400
    assert response.json()["code"] == "pixel_flood"
    assert stored_files(photo_media) == []


def test_empty_file_is_refused(api: Any, inspector_a: Any, case_a: Any) -> None:
    response = upload(api(inspector_a), case_a, b"")
    assert response.status_code == 400


def test_exactly_one_file_per_request(api: Any, inspector_a: Any, case_a: Any) -> None:
    response = api(inspector_a).post(
        f"/api/cases/{case_a.pk}/photos/",
        {"note": "no file"},
        format="multipart",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "one_file"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"device_lat": "abc", "device_lon": "106.69"}, "device_lat"),
        ({"device_lat": "10.77"}, "device_lat"),
        ({"device_lat": "95", "device_lon": "106.69"}, "device_lat"),
        ({"device_lat": "NaN", "device_lon": "106.69"}, "device_lat"),
        ({"device_accuracy_m": "-3"}, "device_accuracy_m"),
        ({"captured_at": "hôm qua"}, "captured_at"),
    ],
)
def test_bad_device_fields_are_400_with_the_field_named(
    api: Any, inspector_a: Any, case_a: Any, fields: dict[str, str], field: str
) -> None:
    response = upload(api(inspector_a), case_a, imagery.jpeg(), **fields)
    assert response.status_code == 400
    assert field in response.json()
    assert not SitePhoto.objects.exists()


def test_never_a_500_for_random_garbage_after_a_valid_signature(
    api: Any, inspector_a: Any, case_a: Any
) -> None:
    for head in (b"\xff\xd8\xff\xe0", b"\x89PNG\r\n\x1a\n", b"RIFF\x10\x00\x00\x00WEBPVP8 "):
        response = upload(api(inspector_a), case_a, head + bytes(range(256)) * 4)
        assert response.status_code == 400, (head, response.content)


@pytest.mark.filterwarnings("ignore")
def test_mangled_photos_are_refused_never_crash() -> None:
    """Bit flips, cuts and insertions in every allowed kind: a 4xx refusal or a photo."""
    import os
    import random

    from backend.core.errors import ServiceError
    from backend.photos.imaging import photo_prepare

    seeds = {
        "jpeg": imagery.jpeg(exif=imagery.exif_block(gps=imagery.gps_tags(*NEAR), orientation=6)),
        "png": imagery.png(),
        "webp": imagery.webp(),
        "heic": imagery.heic(exif=imagery.exif_block(gps=imagery.gps_tags(*NEAR))),
    }
    rng = random.Random(20251127)
    outcomes = {"accepted": 0, "refused": 0}
    for data in seeds.values():
        for _ in range(150):
            mangled = bytearray(data)
            how = rng.choice(("flip", "cut", "insert"))
            if how == "flip":
                for _ in range(rng.randint(1, 8)):
                    mangled[rng.randrange(len(mangled))] = rng.randrange(256)
            elif how == "cut":
                mangled = mangled[: rng.randrange(4, len(mangled))]
            else:
                at = rng.randrange(len(mangled))
                mangled[at:at] = os.urandom(rng.randint(1, 64))
            try:
                photo_prepare(bytes(mangled), max_pixels=50_000_000, preview_px=64, thumbnail_px=16)
                outcomes["accepted"] += 1
            except ServiceError as refusal:
                assert refusal.status in (400, 415)
                outcomes["refused"] += 1
    assert outcomes["refused"] > 100 and outcomes["accepted"] > 10
