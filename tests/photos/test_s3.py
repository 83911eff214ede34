"""The S3 path, against a real S3-compatible server process on loopback."""

from __future__ import annotations

import io
import urllib.error
import urllib.request
from typing import Any

import pytest
from django.core.management import call_command

from backend.photos.models import SitePhoto
from backend.photos.services import photo_ingest
from tests.photos import imagery
from tests.photos.conftest import S3Server, upload

pytestmark = pytest.mark.django_db


def fetch(url: str) -> tuple[int, bytes, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback)
            return response.status, response.read(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        return error.code, b"", ""


def test_ingest_stores_original_and_derivatives_in_the_bucket(
    api: Any, inspector_a: Any, case_a: Any, s3_storage: S3Server
) -> None:
    data = imagery.jpeg(exif=imagery.exif_block(gps=imagery.gps_tags(10.7701, 106.6901)))
    response = upload(api(inspector_a), case_a, data)
    assert response.status_code == 201, response.content
    photo = SitePhoto.objects.get()
    client = s3_storage.client()
    stored = client.get_object(Bucket=s3_storage.bucket, Key=photo.original.name)["Body"].read()
    assert stored == data
    keys = {
        item["Key"]
        for item in client.list_objects_v2(Bucket=s3_storage.bucket, Prefix="photos/")["Contents"]
    }
    assert {photo.original.name, photo.preview.name, photo.thumbnail.name} <= keys


def test_download_redirects_to_a_short_lived_signed_url(
    client: Any, inspector_a: Any, case_a: Any, s3_storage: S3Server
) -> None:
    data = imagery.heic(exif=imagery.exif_block(gps=imagery.gps_tags(10.7701, 106.6901)))
    result = photo_ingest(actor=inspector_a, case=case_a, data=data, idempotency_key="s3-1")
    photo = result.photo
    client.force_login(inspector_a)
    response = client.get(f"/photos/{photo.pk}/original/")
    assert response.status_code == 302
    signed = response["Location"]
    assert signed.startswith(s3_storage.endpoint)
    assert "X-Amz-Signature=" in signed and "X-Amz-Expires=300" in signed
    status, body, content_type = fetch(signed)
    assert status == 200 and body == data
    assert content_type == "image/heic"

    thumbnail = client.get(f"/photos/{photo.pk}/thumbnail/")["Location"]
    status, body, content_type = fetch(thumbnail)
    assert status == 200 and body[:3] == b"\xff\xd8\xff" and content_type == "image/jpeg"

    # Without the signature the bucket refuses: files are never public.
    status, _, _ = fetch(f"{s3_storage.endpoint}/{s3_storage.bucket}/{photo.original.name}")
    assert status == 403


def test_other_ward_gets_no_signed_url(
    client: Any, inspector_a: Any, inspector_b: Any, case_a: Any, s3_storage: S3Server
) -> None:
    photo = photo_ingest(actor=inspector_a, case=case_a, data=imagery.jpeg()).photo
    client.force_login(inspector_b)
    assert client.get(f"/photos/{photo.pk}/preview/").status_code == 404


def test_cleanup_finds_orphans_in_the_bucket(
    inspector_a: Any, case_a: Any, s3_storage: S3Server
) -> None:
    kept = photo_ingest(actor=inspector_a, case=case_a, data=imagery.png()).photo
    orphan = "photos/original/ab/" + "ab" * 32
    s3_storage.client().put_object(Bucket=s3_storage.bucket, Key=orphan, Body=b"left by a crash")
    listing = io.StringIO()
    call_command("photos_cleanup", "--older-than-hours", "0", "--delete", stdout=listing)
    assert orphan in listing.getvalue()
    assert kept.original.name not in listing.getvalue()
    keys = {
        item["Key"]
        for item in s3_storage.client().list_objects_v2(Bucket=s3_storage.bucket, Prefix="photos/")[
            "Contents"
        ]
    }
    assert orphan not in keys and kept.original.name in keys
