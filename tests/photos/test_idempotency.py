"""Retries never duplicate: the Idempotency-Key protocol of uploads and case opening."""

from __future__ import annotations

import threading
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction

from backend.audit.models import CaseEvent
from backend.cases.models import ViolationCase
from backend.core.models import IdempotencyRecord
from backend.photos import storing
from backend.photos.models import SitePhoto
from backend.photos.services import photo_ingest
from tests.photos import imagery
from tests.photos.conftest import stored_files, upload


def photo_events(case: Any) -> int:
    return CaseEvent.objects.filter(case=case, kind="photo_added").count()


@pytest.mark.django_db
def test_three_retries_give_one_photo_one_event_and_the_first_answer(
    api: Any, inspector_a: Any, case_a: Any
) -> None:
    client = api(inspector_a)
    data = imagery.jpeg()
    key = str(uuid.uuid4())
    responses = [upload(client, case_a, data, key=key, note="mặt tiền") for _ in range(4)]
    assert [r.status_code for r in responses] == [201, 201, 201, 201]
    first = responses[0].json()
    assert all(r.json() == first for r in responses[1:])
    assert [r.get("Idempotent-Replayed") for r in responses] == [None, "true", "true", "true"]
    assert SitePhoto.objects.count() == 1
    assert photo_events(case_a) == 1


@pytest.mark.django_db
def test_same_key_with_different_bytes_is_422_and_writes_nothing(
    api: Any, inspector_a: Any, case_a: Any, photo_media: Path
) -> None:
    client = api(inspector_a)
    key = str(uuid.uuid4())
    assert upload(client, case_a, imagery.jpeg(), key=key).status_code == 201
    files_before = stored_files(photo_media)
    other = imagery.jpeg(imagery.marked((90, 60)))
    response = upload(client, case_a, other, key=key)
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert SitePhoto.objects.count() == 1 and photo_events(case_a) == 1
    assert stored_files(photo_media) == files_before


@pytest.mark.django_db
def test_same_key_with_the_same_bytes_but_another_note_is_422(
    api: Any, inspector_a: Any, case_a: Any
) -> None:
    client = api(inspector_a)
    key = str(uuid.uuid4())
    data = imagery.jpeg()
    assert upload(client, case_a, data, key=key, note="a").status_code == 201
    assert upload(client, case_a, data, key=key, note="b").status_code == 422


@pytest.mark.django_db
def test_missing_key_is_400_and_writes_nothing(
    api: Any, inspector_a: Any, case_a: Any, photo_media: Path
) -> None:
    response = upload(api(inspector_a), case_a, imagery.jpeg(), key=None)
    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_missing"
    assert not SitePhoto.objects.exists() and photo_events(case_a) == 0
    assert not IdempotencyRecord.objects.exists()
    assert stored_files(photo_media) == []


@pytest.mark.django_db
def test_keys_belong_to_their_user(api: Any, inspector_a: Any, leader_a: Any, case_a: Any) -> None:
    key = str(uuid.uuid4())
    assert upload(api(inspector_a), case_a, imagery.jpeg(), key=key).status_code == 201
    # Another user's identical key is their own: it does not replay someone else's answer.
    other = upload(api(leader_a), case_a, imagery.jpeg(imagery.marked((70, 50))), key=key)
    assert other.status_code == 201
    assert SitePhoto.objects.count() == 2


@pytest.mark.django_db
def test_identical_file_under_a_new_key_is_reported_as_a_duplicate_not_stored_twice(
    api: Any, inspector_a: Any, case_a: Any, photo_media: Path
) -> None:
    client = api(inspector_a)
    data = imagery.jpeg()
    first = upload(client, case_a, data).json()
    files = stored_files(photo_media)
    second = upload(client, case_a, data)
    assert second.status_code == 200
    assert second.json()["duplicate"] is True and second.json()["created"] is False
    assert second.json()["id"] == first["id"]
    assert SitePhoto.objects.count() == 1 and photo_events(case_a) == 1
    assert stored_files(photo_media) == files
    assert len(files) == 3  # original, preview, thumbnail


@pytest.mark.django_db
def test_same_bytes_on_two_cases_are_two_photos_over_one_stored_file(
    api: Any, inspector_a: Any, case_a: Any, photo_media: Path, ward_a: Any
) -> None:
    from tests.factories import CaseFactory

    other_case = CaseFactory(ward=ward_a, opened_by=inspector_a, location=case_a.location)
    data = imagery.jpeg()
    upload(api(inspector_a), case_a, data)
    upload(api(inspector_a), other_case, data)
    assert SitePhoto.objects.count() == 2
    assert len(stored_files(photo_media)) == 3


@pytest.mark.django_db(transaction=True)
def test_retry_while_the_first_request_is_still_running_is_409(
    api: Any, inspector_a: Any, case_a: Any
) -> None:
    """A first upload holds its key in one connection; the retry comes on another."""
    key = str(uuid.uuid4())
    data = imagery.jpeg()
    inside = threading.Event()
    release = threading.Event()
    outcome: dict[str, Any] = {}

    def first_request() -> None:
        try:
            with transaction.atomic():
                outcome["result"] = photo_ingest(
                    actor=inspector_a, case=case_a, data=data, idempotency_key=key
                )
                inside.set()
                release.wait(10)
        except Exception as exc:  # surfaced by the assertions below
            outcome["error"] = exc
            inside.set()
        finally:
            connection.close()

    worker = threading.Thread(target=first_request)
    worker.start()
    try:
        assert inside.wait(10)
        retry = upload(api(inspector_a), case_a, data, key=key)
        assert retry.status_code == 409, retry.content
        assert retry.json()["code"] == "idempotency_in_progress"
        assert SitePhoto.objects.count() == 0  # the first has not committed yet
    finally:
        release.set()
        worker.join(10)
    assert "error" not in outcome
    # Once the first has committed, the retry gets its photo, and nothing new.
    after = upload(api(inspector_a), case_a, data, key=key)
    assert after.status_code in (200, 201)
    assert after.json()["id"] == outcome["result"].photo.pk
    assert SitePhoto.objects.count() == 1
    assert photo_events(case_a) == 1


@pytest.mark.django_db
def test_an_upload_that_crashes_keeps_no_record_of_its_key_so_its_retry_adds_the_photo(
    api: Any, inspector_a: Any, case_a: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = api(inspector_a)
    key = str(uuid.uuid4())
    data = imagery.jpeg()
    event_record = storing.case_event_record

    def power_cut(**kwargs: Any) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(storing, "case_event_record", power_cut)
    with pytest.raises(RuntimeError):
        upload(client, case_a, data, key=key)
    assert not IdempotencyRecord.objects.exists()

    monkeypatch.setattr(storing, "case_event_record", event_record)
    retry = upload(client, case_a, data, key=key)
    assert retry.status_code == 201 and retry.json()["created"] is True
    assert retry.get("Idempotent-Replayed") is None
    assert SitePhoto.objects.count() == 1 and photo_events(case_a) == 1


@pytest.mark.django_db
def test_service_callers_get_the_same_photo_back_for_a_repeated_key(
    inspector_a: Any, case_a: Any
) -> None:
    data = imagery.jpeg()
    first = photo_ingest(actor=inspector_a, case=case_a, data=data, idempotency_key="seed-1")
    again = photo_ingest(actor=inspector_a, case=case_a, data=data, idempotency_key="seed-1")
    assert first.created and not again.created and again.replayed
    assert again.photo.pk == first.photo.pk
    assert photo_events(case_a) == 1


CASE_BODY = {"lat": 10.771, "lon": 106.691, "violation_type": "art16_7", "address": "12 Lê Lợi"}


@pytest.mark.django_db
def test_opening_a_case_with_a_repeated_key_opens_it_once(
    api: Any, inspector_a: Any, ward_a: Any
) -> None:
    client = api(inspector_a)
    key = str(uuid.uuid4())
    responses = [
        client.post("/api/cases/", CASE_BODY, format="json", HTTP_IDEMPOTENCY_KEY=key)
        for _ in range(3)
    ]
    assert [r.status_code for r in responses] == [201, 201, 201]
    assert responses[1].json() == responses[0].json() == responses[2].json()
    assert ViolationCase.objects.count() == 1
    assert CaseEvent.objects.filter(kind="opened").count() == 1


@pytest.mark.django_db
def test_opening_a_case_with_a_reused_key_and_other_content_is_422(
    api: Any, inspector_a: Any, ward_a: Any
) -> None:
    client = api(inspector_a)
    key = str(uuid.uuid4())
    assert (
        client.post("/api/cases/", CASE_BODY, format="json", HTTP_IDEMPOTENCY_KEY=key).status_code
        == 201
    )
    other = {**CASE_BODY, "address": "14 Lê Lợi"}
    response = client.post("/api/cases/", other, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 422
    assert ViolationCase.objects.count() == 1


@pytest.mark.django_db
def test_opening_a_case_without_a_key_still_works_as_before(
    api: Any, inspector_a: Any, ward_a: Any
) -> None:
    client = api(inspector_a)
    assert client.post("/api/cases/", CASE_BODY, format="json").status_code == 201
    assert client.post("/api/cases/", CASE_BODY, format="json").status_code == 201
    assert ViolationCase.objects.count() == 2
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.django_db
def test_a_refused_case_is_not_remembered_so_a_corrected_retry_is_not_blocked(
    api: Any, inspector_a: Any, ward_a: Any
) -> None:
    client = api(inspector_a)
    key = str(uuid.uuid4())
    bad = {**CASE_BODY, "violation_type": "nonsense"}
    assert (
        client.post("/api/cases/", bad, format="json", HTTP_IDEMPOTENCY_KEY=key).status_code == 400
    )
    assert not IdempotencyRecord.objects.exists()
    assert (
        client.post("/api/cases/", bad, format="json", HTTP_IDEMPOTENCY_KEY=key).status_code == 400
    )
