"""The public API behind /phan-anh/: filing a report, its photos, its status, anonymously."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from rest_framework.test import APIClient

from backend.intake.models import Tip, TipChannel, TipStatus
from backend.intake.services.triage import tip_dismiss, tip_verify
from backend.photos.models import SitePhoto
from tests.factories import UserFactory
from tests.intake.conftest import TIP_LAT, TIP_LON, file_tip
from tests.photos import imagery

pytestmark = pytest.mark.django_db

TIPS = "/api/public/tips/"


def report(**fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "lat": TIP_LAT,
        "lon": TIP_LON,
        "category": "beyond_permit",
        "description": "Nhà đang xây thêm tầng 5",
        "address": "12 Nguyễn Trãi",
        "name": "Nguyễn Văn Dân",
        "phone": "0901 234 567",
        "email": "dan@example.com",
        "notify_by_email": True,
        "website": "",
        "elapsed_ms": 42_000,
    }
    values.update(fields)
    return values


def client() -> APIClient:
    # Django's test client skips CSRF checks unless asked: ask, as a browser would meet them.
    return APIClient(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="vi")


def send(body: dict[str, Any], key: str | None = None, api: APIClient | None = None) -> Any:
    headers = {"HTTP_IDEMPOTENCY_KEY": key or str(uuid.uuid4())}
    return (api or client()).post(TIPS, body, format="json", **headers)


def photo_upload(code: str, data: bytes, name: str = "p.jpg") -> Any:
    return client().post(
        f"{TIPS}{code}/photos/",
        {"file": SimpleUploadedFile(name, data, content_type="image/jpeg")},
        format="multipart",
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )


def test_a_report_is_filed_with_its_code_links_and_due_date(ward_a: Any) -> None:
    response = send(report())
    assert response.status_code == 201, response.content
    body = response.json()
    tip = Tip.objects.get()
    assert body["code"] == tip.code and tip.channel == TipChannel.WEB
    assert body["status"] == "received" and body["ward"] == "Phường A"
    assert body["status_url"] == f"/phan-anh/theo-doi/{tip.code}/"
    assert body["photos_url"] == f"/api/public/tips/{tip.code}/photos/"
    assert body["response_due_on"] == tip.response_due_on.isoformat()
    assert tip.reporter_name == "Nguyễn Văn Dân" and tip.reporter_phone == "0901234567"
    assert tip.reporter_email == "dan@example.com" and tip.notify_by_email
    # Nothing of the reporter comes back in the answer.
    assert b"0901234567" not in response.content and b"dan@example.com" not in response.content


def test_a_signed_in_session_is_not_used(ward_a: Any, inspector_a: Any) -> None:
    api = client()
    api.force_login(inspector_a)
    response = send(report(), api=api)
    assert response.status_code == 201, response.content
    assert Tip.objects.get().events.get().actor is None


def test_a_retry_with_the_same_key_returns_the_same_report_once(ward_a: Any) -> None:
    key = str(uuid.uuid4())
    first = send(report(), key)
    again = send(report(elapsed_ms=90_000), key)
    assert first.status_code == 201 and again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["code"] == first.json()["code"]
    assert Tip.objects.count() == 1
    other = send(report(description="Một nội dung khác hẳn"), key)
    assert other.status_code == 422 and Tip.objects.count() == 1


def test_the_key_is_required(ward_a: Any) -> None:
    response = client().post(TIPS, report(), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_missing"
    assert not Tip.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "code", "words"),
    [
        ({"lat": 21.03, "lon": 105.85}, "location", "outside_city", "ngoài"),
        ({"category": "ufo"}, "category", "unknown_category", "Chọn"),
        ({"phone": "12"}, "phone", "invalid_phone", "số"),
        ({"email": "not-an-address"}, "email", "invalid_email", "thư điện tử"),
        ({"email": "", "notify_by_email": True}, "email", "email_required", "thư điện tử"),
        ({"lat": "abc"}, "location", None, None),
    ],
)
def test_bad_fields_are_refused_in_vietnamese_with_nothing_kept(
    ward_a: Any, fields: dict[str, Any], field: str, code: str | None, words: str | None
) -> None:
    response = send(report(**fields))
    assert response.status_code == 400, response.content
    body = response.json()
    assert field in body or "lat" in body or "detail" in body
    if code:
        assert body["code"] == code
        assert words in body[field][0]
    assert not Tip.objects.exists()


def test_the_honeypot_filled_in_is_refused_neutrally(ward_a: Any) -> None:
    response = send(report(website="http://spam.example"))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "not_accepted"
    assert "Không thể nhận" in body["detail"]
    # Neither the field nor the reason is named.
    assert "website" not in response.content.decode() and "honeypot" not in body["detail"]
    assert not Tip.objects.exists()


@pytest.mark.parametrize("elapsed", [1200, None, "soon", -5])
def test_a_form_sent_faster_than_a_person_can_is_refused(ward_a: Any, elapsed: Any) -> None:
    body = report(elapsed_ms=elapsed)
    if elapsed is None:
        del body["elapsed_ms"]
    response = send(body)
    assert response.status_code == 400
    assert response.json()["code"] == "not_accepted"
    assert not Tip.objects.exists()


def test_the_fill_time_is_a_setting_and_may_come_as_a_start_time(
    ward_a: Any, settings: Any
) -> None:
    import time

    settings.TTXD_TIP_MIN_FILL_SECONDS = 60
    assert send(report(elapsed_ms=42_000)).status_code == 400
    body = report(form_started_at_ms=int(time.time() * 1000) - 61_000)
    del body["elapsed_ms"]
    assert send(body).status_code == 201


def test_photos_are_added_to_the_report_up_to_the_limit(ward_a: Any, settings: Any) -> None:
    settings.TTXD_TIP_MAX_PHOTOS = 2
    code = send(report()).json()["code"]
    first = photo_upload(code, imagery.jpeg(imagery.marked((80, 60))))
    assert first.status_code == 201, first.content
    assert set(first.json()) == {"id", "created", "preview", "thumbnail"}
    # The same photo again (the queue retrying) is the same photo.
    again = photo_upload(code, imagery.jpeg(imagery.marked((80, 60))))
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert photo_upload(code, imagery.jpeg(imagery.marked((90, 60)))).status_code == 201
    third = photo_upload(code, imagery.jpeg(imagery.marked((100, 60))))
    assert third.status_code == 409 and third.json()["code"] == "too_many_photos"
    assert "tối đa 2" in third.json()["detail"]
    assert SitePhoto.objects.filter(tip__code=code).count() == 2


def test_photos_after_the_window_or_the_answer_are_refused(ward_a: Any, inspector_a: Any) -> None:
    code = send(report()).json()["code"]
    tip = Tip.objects.get()
    Tip.objects.filter(pk=tip.pk).update(received_at=tip.received_at.replace(year=2020))
    late = photo_upload(code, imagery.jpeg())
    assert late.status_code == 409 and late.json()["code"] == "tip_photo_window"
    Tip.objects.filter(pk=tip.pk).update(received_at=tip.received_at)
    tip_dismiss(actor=inspector_a, tip=Tip.objects.get(), reason="Công trình có phép")
    settled = photo_upload(code, imagery.jpeg())
    assert settled.status_code == 409 and settled.json()["code"] == "tip_settled"
    assert not SitePhoto.objects.exists()


def test_photo_for_an_unknown_code_is_404_with_a_message(ward_a: Any) -> None:
    for code in ("PA-0000-0000-0000", "nonsense"):
        response = photo_upload(code, imagery.jpeg())
        assert response.status_code == 404
        assert "Không có phản ánh" in response.json()["detail"]
    assert not SitePhoto.objects.exists()


def test_an_oversize_photo_is_413(ward_a: Any, settings: Any) -> None:
    settings.TTXD_PHOTO_MAX_BYTES = 100_000
    code = send(report()).json()["code"]
    big = imagery.jpeg(Image.effect_noise((600, 600), 90).convert("RGB"), quality=95)
    assert len(big) > 200_000
    response = photo_upload(code, big)
    assert response.status_code == 413 and response.json()["code"] == "too_large"
    assert not SitePhoto.objects.exists()


def test_a_corrupt_image_is_400(ward_a: Any) -> None:
    code = send(report()).json()["code"]
    response = photo_upload(code, imagery.truncated_jpeg())
    assert response.status_code == 400 and response.json()["code"] == "corrupt_image"
    assert not SitePhoto.objects.exists()


def _tip_with_photo(**fields: Any) -> tuple[Tip, SitePhoto]:
    code = send(report(**fields)).json()["code"]
    lat, lon = TIP_LAT + 0.0001, TIP_LON
    data = imagery.jpeg(exif=imagery.exif_block(gps=imagery.gps_tags(lat, lon)))
    assert photo_upload(code, data).status_code == 201
    tip = Tip.objects.get(code=code)
    return tip, tip.photos.get()


def test_the_public_photo_is_a_stripped_derivative_never_the_original(
    ward_a: Any, photo_media: Path
) -> None:
    tip, photo = _tip_with_photo()
    assert photo.exif_location is not None  # EXIF kept for the ward's staff
    anonymous = APIClient()
    url = f"/phan-anh/anh/{tip.code}/{photo.pk}.jpg"
    preview = anonymous.get(url)
    small = anonymous.get(f"{url}?size=small")
    assert preview.status_code == 200 and small.status_code == 200
    preview_bytes = b"".join(preview.streaming_content)
    small_bytes = b"".join(small.streaming_content)
    original = photo.original.open("rb").read()
    assert preview_bytes == photo.preview.open("rb").read() != original
    assert small_bytes == photo.thumbnail.open("rb").read()
    for data in (preview_bytes, small_bytes):
        assert b"Exif" not in data and b"GPS" not in data
    assert preview["Content-Type"] == "image/jpeg"


def test_the_public_photo_of_another_report_is_not_found(ward_a: Any) -> None:
    tip, photo = _tip_with_photo()
    other = file_tip()
    anonymous = APIClient()
    assert anonymous.get(f"/phan-anh/anh/{other.code}/{photo.pk}.jpg").status_code == 404
    assert anonymous.get(f"/phan-anh/anh/PA-0000-0000-0000/{photo.pk}.jpg").status_code == 404
    assert anonymous.get(f"/phan-anh/anh/{tip.code}/{photo.pk + 999}.jpg").status_code == 404
    assert anonymous.get(f"/phan-anh/anh/{tip.code}/{photo.pk}.jpg").status_code == 200


def test_the_status_has_no_personal_data_and_no_staff_names(ward_a: Any, settings: Any) -> None:
    inspector = UserFactory(
        username="thanh_tra_nguyen",
        first_name="Trần",
        last_name="Thanh Tra",
        role="inspector",
        wards=[ward_a],
    )
    tip, photo = _tip_with_photo()
    tip_verify(actor=inspector, tip=tip)
    tip_dismiss(actor=inspector, tip=Tip.objects.get(pk=tip.pk), reason="Công trình đã có phép")
    response = APIClient().get(f"{TIPS}{tip.code.lower()}/")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == tip.code and body["status"] == TipStatus.NOT_VIOLATION
    assert body["reason"] == "Công trình đã có phép"
    assert [h["status"] for h in body["history"]] == ["received", "verifying", "not_violation"]
    assert body["photos"] == [
        {
            "id": photo.pk,
            "preview": f"/phan-anh/anh/{tip.code}/{photo.pk}.jpg",
            "thumbnail": f"/phan-anh/anh/{tip.code}/{photo.pk}.jpg?size=small",
        }
    ]
    raw = response.content
    for private in (
        "Nguyễn Văn Dân",
        "0901234567",
        "0901 234 567",
        "dan@example.com",
        "thanh_tra_nguyen",
        "Thanh Tra",
        "Trần",
        "12 Nguyễn Trãi",
    ):
        assert private.encode() not in raw, private
    assert b"\\u" not in raw  # UTF-8 as is: the checks above saw every letter


def test_the_status_of_an_unknown_code_is_404_the_same_for_any_code(ward_a: Any) -> None:
    answers = [APIClient().get(f"{TIPS}{code}/") for code in ("PA-0000-0000-0000", "x", "PA-!!")]
    assert {a.status_code for a in answers} == {404}
    assert len({a.content for a in answers}) == 1
    assert reverse("public-tip-status", kwargs={"code": "x"}) == f"{TIPS}x/"
