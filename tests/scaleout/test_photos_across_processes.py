"""A photo upload retried on another replica is stored once (issue 16 §4).

The field app retries an upload with the same Idempotency-Key until it hears
back; behind a load balancer the retry may land on another web process,
even while the first is still being processed there. Two gunicorn
instances, one PostGIS, one S3 server: one SitePhoto, one PHOTO_ADDED event,
one stored object, whatever the order.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.contrib.gis.geos import Point

from backend.audit.models import CaseEvent, EventKind
from backend.core.models import IdempotencyRecord
from backend.photos.models import SitePhoto
from tests.factories import CaseFactory
from tests.photos import imagery
from tests.photos.conftest import S3Server
from tests.scaleout.conftest import at_once, post_photo, s3_env, token_of


@pytest.fixture
def web_processes_env(s3_server: S3Server, s3_bucket: str) -> dict[str, str]:
    return s3_env(s3_server, s3_bucket)


def bucket_keys(server: S3Server, bucket: str) -> list[str]:
    listing = server.client().list_objects_v2(Bucket=bucket, Prefix="photos/")
    return sorted(item["Key"] for item in listing.get("Contents", []))


def test_the_same_upload_sent_to_both_replicas_at_once_and_again_is_one_photo(
    two_web_processes: tuple[str, str],
    inspector_a: Any,
    s3_server: S3Server,
    s3_bucket: str,
) -> None:
    first, second = two_web_processes
    case = CaseFactory(
        ward=inspector_a.wards.get(),
        opened_by=inspector_a,
        location=Point(imagery.SITE[1], imagery.SITE[0], srid=4326),
    )
    token = token_of(inspector_a)
    data = imagery.jpeg(exif=imagery.exif_block(gps=imagery.gps_tags(*imagery.SITE)))
    key = str(uuid.uuid4())
    path = f"/api/cases/{case.pk}/photos/"

    def send(base: str) -> Any:
        return post_photo(f"{base}{path}", token, data, key=key, fields={"note": "mặt tiền"})

    # Both in flight at once, on different processes (and their own connections).
    answers = at_once(*(lambda base=base: send(base) for base in (first, second, first, second)))
    assert not [a for a in answers if isinstance(a, Exception)], answers
    statuses = sorted(a.status for a in answers)
    # The one that held the key made the photo; the others heard "still in
    # progress" (409, retry) or, once it had committed, got its answer replayed.
    assert set(statuses) <= {201, 409}, [(a.status, a.body) for a in answers]
    made = [a for a in answers if a.status == 201 and a.headers.get("Idempotent-Replayed") is None]
    assert len(made) == 1, [(a.status, a.body) for a in answers]
    for refused in (a for a in answers if a.status == 409):
        assert refused.body["code"] == "idempotency_in_progress"

    # The phone's sequential retries, on the other replica and back: the first answer again.
    for base in (second, first):
        retry = send(base)
        assert retry.status == 201, retry.body
        assert retry.headers.get("Idempotent-Replayed") == "true"
        assert retry.body == made[0].body

    photo = SitePhoto.objects.get()
    assert photo.case_id == case.pk and made[0].body["id"] == photo.pk
    assert CaseEvent.objects.filter(case=case, kind=EventKind.PHOTO_ADDED).count() == 1
    assert IdempotencyRecord.objects.filter(user=inspector_a, key=key).count() == 1
    # Stored in the S3 server the replicas share, once: the original and its two derivatives.
    keys = bucket_keys(s3_server, s3_bucket)
    assert keys == sorted([photo.original.name, photo.preview.name, photo.thumbnail.name])
    assert [k for k in keys if k.startswith("photos/original/")] == [photo.original.name]
    stored = s3_server.client().get_object(Bucket=s3_bucket, Key=photo.original.name)
    assert stored["Body"].read() == data


def test_the_same_bytes_under_new_keys_on_both_replicas_at_once_are_one_photo(
    two_web_processes: tuple[str, str],
    inspector_a: Any,
    s3_server: S3Server,
    s3_bucket: str,
) -> None:
    """A phone that lost its queue re-sends with new keys: the content decides, across processes."""
    first, second = two_web_processes
    case = CaseFactory(
        ward=inspector_a.wards.get(),
        opened_by=inspector_a,
        location=Point(imagery.SITE[1], imagery.SITE[0], srid=4326),
    )
    token = token_of(inspector_a)
    data = imagery.jpeg(imagery.marked((96, 72)))
    url = "{}" + f"/api/cases/{case.pk}/photos/"
    answers = at_once(
        *(
            lambda base=base: post_photo(url.format(base), token, data, key=str(uuid.uuid4()))
            for base in (first, second, first, second)
        )
    )
    assert not [a for a in answers if isinstance(a, Exception)], answers
    created = [a for a in answers if a.status == 201]
    duplicates = [a for a in answers if a.status == 200]
    assert len(created) == 1 and len(duplicates) == 3, [(a.status, a.body) for a in answers]
    assert all(a.body["duplicate"] and a.body["id"] == created[0].body["id"] for a in duplicates)
    assert SitePhoto.objects.count() == 1
    assert CaseEvent.objects.filter(case=case, kind=EventKind.PHOTO_ADDED).count() == 1
    assert len(bucket_keys(s3_server, s3_bucket)) == 3
