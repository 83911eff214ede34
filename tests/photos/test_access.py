"""Who may add photos to a case, and who may see its files."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from backend.photos.models import SitePhoto
from backend.photos.selectors import photos_visible_to
from tests.factories import CaseFactory
from tests.photos import imagery
from tests.photos.conftest import upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def photo(api: Any, inspector_a: Any, case_a: Any) -> dict[str, Any]:
    response = upload(api(inspector_a), case_a, imagery.jpeg())
    assert response.status_code == 201
    return response.json()


def test_inspector_of_another_ward_cannot_upload_to_the_case(
    api: Any, inspector_b: Any, case_a: Any
) -> None:
    response = upload(api(inspector_b), case_a, imagery.jpeg())
    assert response.status_code == 404
    assert not SitePhoto.objects.exists()


@pytest.mark.parametrize("variant", ["original", "preview", "thumbnail"])
def test_inspector_of_another_ward_cannot_download_the_files(
    client: Any, inspector_b: Any, photo: dict[str, Any], variant: str
) -> None:
    client.force_login(inspector_b)
    assert client.get(photo["urls"][variant]).status_code == 404


def test_inspector_of_another_ward_cannot_list_the_photos(
    api: Any, inspector_b: Any, case_a: Any, photo: dict[str, Any]
) -> None:
    assert api(inspector_b).get(f"/api/cases/{case_a.pk}/photos/").status_code == 404
    assert not photos_visible_to(inspector_b).exists()


def test_auditor_cannot_upload_but_can_look(
    api: Any, client: Any, auditor: Any, case_a: Any, photo: dict[str, Any]
) -> None:
    response = upload(api(auditor), case_a, imagery.jpeg(imagery.marked((50, 40))))
    assert response.status_code == 403
    assert SitePhoto.objects.count() == 1
    client.force_login(auditor)
    assert client.get(photo["urls"]["thumbnail"]).status_code == 200


def test_file_urls_need_login(client: Any, photo: dict[str, Any]) -> None:
    response = client.get(photo["urls"]["preview"])
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_api_needs_login(case_a: Any) -> None:
    anonymous = APIClient()
    assert anonymous.get(f"/api/cases/{case_a.pk}/photos/").status_code == 403
    response = upload(anonymous, case_a, imagery.jpeg())
    assert response.status_code == 403
    assert not SitePhoto.objects.exists()


def test_files_are_streamed_with_their_type_to_those_who_may_see_them(
    client: Any, inspector_a: Any, photo: dict[str, Any]
) -> None:
    client.force_login(inspector_a)
    response = client.get(photo["urls"]["thumbnail"])
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"
    assert response["Cache-Control"].startswith("private")


def test_unknown_variant_is_404(client: Any, inspector_a: Any, photo: dict[str, Any]) -> None:
    client.force_login(inspector_a)
    assert client.get(f"/photos/{photo['id']}/exif/").status_code == 404


def test_no_media_url_serves_files_directly(
    client: Any, inspector_a: Any, photo: dict[str, Any]
) -> None:
    stored = SitePhoto.objects.get().original.name
    client.force_login(inspector_a)
    assert client.get(f"/media-not-public/{stored}").status_code == 404
    assert client.get(f"/media/{stored}").status_code == 404


def test_listing_a_case_photos_takes_a_fixed_number_of_queries(
    api: Any, inspector_a: Any, case_a: Any, django_assert_num_queries: Any
) -> None:
    for count, size in enumerate(((40, 30), (50, 30), (60, 30)), start=1):
        upload(api(inspector_a), case_a, imagery.jpeg(imagery.marked(size)))
        # A fresh user each time: ward ids of the user, the case, the photos
        # with their uploader — however many photos there are.
        client = api(type(inspector_a).objects.get(pk=inspector_a.pk))
        with django_assert_num_queries(3):
            response = client.get(f"/api/cases/{case_a.pk}/photos/")
        assert len(response.json()["results"]) == count
    assert [p["width"] for p in response.json()["results"]] == [40, 50, 60]


def test_photos_of_a_case_in_another_ward_are_not_listed_for_a_leader(
    api: Any, leader_a: Any, ward_b: Any, inspector_b: Any
) -> None:
    case_b = CaseFactory(ward=ward_b, opened_by=inspector_b)
    assert api(leader_a).get(f"/api/cases/{case_b.pk}/photos/").status_code == 404


def test_photo_files_are_revalidated_on_every_use_and_answer_304_to_the_same_user(
    client: Any, inspector_a: Any, inspector_b: Any, photo: dict[str, Any]
) -> None:
    # A shared browser must ask the server each time: the next user may not see it.
    client.force_login(inspector_a)
    url = photo["urls"]["thumbnail"]
    first = client.get(url)
    assert first.status_code == 200
    assert first["Cache-Control"] == "private, no-cache"
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    client.force_login(inspector_b)
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 404
