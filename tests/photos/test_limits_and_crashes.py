"""Oversize uploads stop early; a crash mid-ingest leaves nothing a cleanup can't find."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test.client import RequestFactory, encode_multipart
from PIL import Image
from rest_framework.test import force_authenticate

from backend.audit.models import CaseEvent
from backend.photos import services, storing
from backend.photos.api import CasePhotosView
from backend.photos.models import SitePhoto
from backend.photos.services import photo_ingest
from tests.photos import imagery
from tests.photos.conftest import stored_files, upload

pytestmark = pytest.mark.django_db

BOUNDARY = "ttxd-test-boundary"


def noise_jpeg(size: int) -> bytes:
    data = imagery.jpeg(Image.effect_noise((size, size), 90).convert("RGB"), quality=95)
    return data


class CountingStream:
    """The request body as the server reads it, counting what was read."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.read_bytes = 0

    def read(self, *args: Any) -> bytes:
        chunk = self.stream.read(*args)
        self.read_bytes += len(chunk)
        return chunk

    def readline(self, *args: Any) -> bytes:
        line = self.stream.readline(*args)
        self.read_bytes += len(line)
        return line


def raw_post(user: Any, case: Any, data: bytes) -> tuple[Any, CountingStream, int]:
    body = encode_multipart(
        BOUNDARY, {"file": SimpleUploadedFile("big.jpg", data, content_type="image/jpeg")}
    )
    request = RequestFactory().post(
        f"/api/cases/{case.pk}/photos/",
        body,
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        HTTP_IDEMPOTENCY_KEY="big-1",
    )
    counting = CountingStream(request._stream)
    request._stream = counting
    force_authenticate(request, user)
    response = CasePhotosView.as_view()(request, pk=case.pk)
    return response, counting, len(body)


def test_oversize_upload_is_413_with_nothing_written(
    api: Any, inspector_a: Any, case_a: Any, settings: Any, photo_media: Path
) -> None:
    settings.TTXD_PHOTO_MAX_BYTES = 100_000
    data = noise_jpeg(600)
    assert len(data) > 200_000
    response = upload(api(inspector_a), case_a, data)
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert not SitePhoto.objects.exists() and stored_files(photo_media) == []


def test_declared_length_over_the_limit_is_refused_before_reading_the_body(
    inspector_a: Any, case_a: Any, settings: Any
) -> None:
    settings.TTXD_PHOTO_MAX_BYTES = 100_000
    response, counting, total = raw_post(inspector_a, case_a, noise_jpeg(600))
    assert response.status_code == 413
    assert counting.read_bytes == 0 < total


def test_oversize_file_within_the_declared_slack_is_stopped_while_streaming(
    inspector_a: Any, case_a: Any, settings: Any
) -> None:
    settings.TTXD_PHOTO_MAX_BYTES = 100_000
    data = noise_jpeg(600)[:150_000]  # under limit + form overhead, over the limit itself
    response, counting, total = raw_post(inspector_a, case_a, data)
    assert response.status_code == 413
    assert counting.read_bytes < total


def test_upload_just_under_the_limit_is_accepted(
    api: Any, inspector_a: Any, case_a: Any, settings: Any
) -> None:
    data = imagery.jpeg(imagery.marked((400, 300)))
    settings.TTXD_PHOTO_MAX_BYTES = len(data) + 1
    assert upload(api(inspector_a), case_a, data).status_code == 201


def test_default_size_limit_is_25_megabytes() -> None:
    from django.conf import settings

    assert settings.TTXD_PHOTO_MAX_BYTES == 25 * 1024 * 1024
    assert settings.TTXD_PHOTO_MAX_PIXELS == 50_000_000


def test_failure_after_storing_leaves_no_row_no_event_and_removes_its_files(
    inspector_a: Any, case_a: Any, photo_media: Path, monkeypatch: Any
) -> None:
    def power_cut(**kwargs: Any) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(storing, "case_event_record", power_cut)
    with pytest.raises(RuntimeError):
        photo_ingest(actor=inspector_a, case=case_a, data=imagery.jpeg(), idempotency_key="k")
    assert not SitePhoto.objects.exists()
    assert not CaseEvent.objects.filter(kind="photo_added").exists()
    assert stored_files(photo_media) == []


def test_files_left_by_a_crash_are_found_and_removed_by_the_cleanup(
    api: Any, inspector_a: Any, case_a: Any, photo_media: Path, monkeypatch: Any
) -> None:
    kept = upload(api(inspector_a), case_a, imagery.jpeg()).json()
    kept_files = stored_files(photo_media)

    def killed(**kwargs: Any) -> None:
        raise SystemExit("worker killed")

    # A worker killed between storing and committing: its files stay behind.
    monkeypatch.setattr(storing, "case_event_record", killed)
    monkeypatch.setattr(services, "_forget_objects", lambda keys: None)
    with pytest.raises(SystemExit):
        photo_ingest(actor=inspector_a, case=case_a, data=imagery.jpeg(imagery.marked((60, 60))))
    monkeypatch.undo()
    orphans = sorted(set(stored_files(photo_media)) - set(kept_files))
    assert len(orphans) == 3 and SitePhoto.objects.count() == 1

    young = io.StringIO()
    call_command("photos_cleanup", "--delete", stdout=young)
    assert "0 orphaned object(s)" in young.getvalue()  # too young to touch by default
    assert len(stored_files(photo_media)) == 6

    listing = io.StringIO()
    call_command("photos_cleanup", "--older-than-hours", "0", stdout=listing)
    assert all(name in listing.getvalue() for name in orphans)
    assert len(stored_files(photo_media)) == 6  # listing deletes nothing

    call_command("photos_cleanup", "--older-than-hours", "0", "--delete", stdout=io.StringIO())
    assert stored_files(photo_media) == kept_files
    photo = SitePhoto.objects.get(pk=kept["id"])
    assert (photo_media / photo.original.name).exists()
