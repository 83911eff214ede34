"""The field app's server side: its pages, its service worker and its case list."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.utils import timezone
from PIL import Image

from backend.cases.models import Stage
from backend.photos.models import SitePhoto
from tests.factories import CaseFactory
from tests.photos import imagery

pytestmark = pytest.mark.django_db


def at(lat: float, lon: float) -> Point:
    return Point(lon, lat, srid=4326)


def test_field_page_needs_login(client: Any) -> None:
    response = client.get("/field/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_field_page_gives_the_app_its_configuration(client: Any, inspector_a: Any) -> None:
    client.force_login(inspector_a)
    response = client.get("/field/")
    assert response.status_code == 200
    html = response.content.decode()
    config = json.loads(re.search(r'id="field-config"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert config["urls"]["casePhotos"] == "/api/cases/{id}/photos/"
    assert config["urls"]["cases"] == "/api/field/cases/"
    # Vietnamese first: the labels come translated.
    labels = dict(config["violationTypes"])
    assert labels["art16_7"].startswith("Khoản 7 Điều 16")
    assert config["thresholds"]["farFromSiteM"] == 100.0
    assert 'rel="manifest"' in html and "field/app.js" in html
    assert 'type="module"' in html


def test_field_page_is_for_ward_users_only(client: Any, auditor: Any) -> None:
    client.force_login(auditor)
    response = client.get("/field/")
    assert response.status_code == 403
    assert "/cases/" in response.content.decode()


def test_service_worker_scope_covers_the_app(client: Any) -> None:
    response = client.get("/field/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/field/"
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    shell = json.loads(re.search(r"const SHELL = (\[.*?\]);", body).group(1))
    assert "/static/field/app.js" in shell and "/static/vendor/leaflet/leaflet.js" in shell
    assert "/jsi18n/" in shell
    for url in shell:
        if url.startswith("/static/"):
            assert finders.find(url.removeprefix("/static/")), url
        else:
            assert client.get(url).status_code == 200, url


def test_service_worker_version_follows_the_shell(client: Any, settings: Any) -> None:
    first = re.search(r'const VERSION = "(\w+)"', client.get("/field/sw.js").content.decode())
    settings.STATIC_URL = "/assets/"
    second = re.search(r'const VERSION = "(\w+)"', client.get("/field/sw.js").content.decode())
    assert first and second and first.group(1) != second.group(1)


def test_manifest_makes_the_app_installable(client: Any) -> None:
    response = client.get("/field/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["start_url"] == "/field/" and manifest["scope"] == "/field/"
    assert manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert finders.find(icon["src"].removeprefix("/static/")), icon["src"]


def test_cases_come_nearest_first_open_and_of_my_wards_only(
    api: Any, inspector_a: Any, ward_a: Any, ward_b: Any, inspector_b: Any
) -> None:
    far = CaseFactory(ward=ward_a, opened_by=inspector_a, location=at(10.775, 106.685))
    near = CaseFactory(ward=ward_a, opened_by=inspector_a, location=at(10.7701, 106.6901))
    middle = CaseFactory(ward=ward_a, opened_by=inspector_a, location=at(10.772, 106.692))
    CaseFactory(ward=ward_a, opened_by=inspector_a, stage=Stage.CLOSED, location=at(10.77, 106.69))
    CaseFactory(ward=ward_b, opened_by=inspector_b, location=at(10.77, 106.701))
    body = api(inspector_a).get("/api/field/cases/", {"lat": 10.77, "lon": 106.69}).json()
    assert body["ordered_by"] == "distance"
    assert [c["id"] for c in body["cases"]] == [near.pk, middle.pk, far.pk]
    assert 10 < body["cases"][0]["distance_m"] < 20


def test_cases_carry_stage_and_deadline_in_local_format(
    api: Any, inspector_a: Any, ward_a: Any
) -> None:
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    case = CaseFactory(
        ward=ward_a,
        opened_by=inspector_a,
        address="12 Lê Lợi",
        stage_deadline=yesterday,
        location=at(10.77, 106.69),
    )
    card = api(inspector_a).get("/api/field/cases/").json()["cases"][0]
    assert card["id"] == case.pk
    assert card["stage"] == "detected" and card["stage_label"]
    assert card["deadline_display"] == yesterday.strftime("%d/%m/%Y")
    assert card["overdue"] is True
    assert card["distance_m"] is None


def test_search_by_code_or_address(api: Any, inspector_a: Any, ward_a: Any) -> None:
    lê_lợi = CaseFactory(ward=ward_a, opened_by=inspector_a, address="12 Lê Lợi")
    other = CaseFactory(ward=ward_a, opened_by=inspector_a, address="3 Pasteur")
    client = api(inspector_a)
    assert [c["id"] for c in client.get("/api/field/cases/", {"q": "lê lợi"}).json()["cases"]] == [
        lê_lợi.pk
    ]
    assert [
        c["id"] for c in client.get("/api/field/cases/", {"q": other.code}).json()["cases"]
    ] == [other.pk]


def test_case_list_query_count_does_not_grow_with_cases(
    api: Any, inspector_a: Any, ward_a: Any, django_assert_num_queries: Any
) -> None:
    for _ in range(5):
        CaseFactory(ward=ward_a, opened_by=inspector_a)
    client = api(inspector_a)
    client.get("/api/field/cases/")  # the user's ward ids are then known
    with django_assert_num_queries(1):
        response = client.get("/api/field/cases/", {"lat": 10.77, "lon": 106.69})
    assert len(response.json()["cases"]) == 5


def test_bad_position_is_400(api: Any, inspector_a: Any) -> None:
    response = api(inspector_a).get("/api/field/cases/", {"lat": "north", "lon": 106.69})
    assert response.status_code == 400


def test_session_endpoint_tells_the_queue_whether_to_wait_for_a_login(
    api: Any, inspector_a: Any
) -> None:
    from rest_framework.test import APIClient

    assert api(inspector_a).get("/api/field/session/").json()["can_capture"] is True
    assert APIClient().get("/api/field/session/").status_code == 403


def csrf_client(user: Any) -> tuple[Client, str]:
    """A browser-like client: session cookie, CSRF cookie and header, checks enforced."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    token = _get_new_csrf_string()
    client.cookies["csrftoken"] = token
    return client, token


def test_upload_from_the_browser_session_with_its_csrf_token(inspector_a: Any, ward_a: Any) -> None:
    case = CaseFactory(ward=ward_a, opened_by=inspector_a, location=at(10.77, 106.69))
    client, token = csrf_client(inspector_a)
    payload = {"file": SimpleUploadedFile("a.jpg", imagery.jpeg(), content_type="image/jpeg")}
    response = client.post(
        f"/api/cases/{case.pk}/photos/",
        payload,
        HTTP_X_CSRFTOKEN=token,
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    assert response.status_code == 201, response.content
    without_token = client.post(
        f"/api/cases/{case.pk}/photos/",
        {"file": SimpleUploadedFile("b.jpg", imagery.png(), content_type="image/png")},
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    assert without_token.status_code == 403
    assert SitePhoto.objects.count() == 1


def test_oversize_upload_from_the_browser_session_is_413(
    inspector_a: Any, ward_a: Any, settings: Any
) -> None:
    settings.TTXD_PHOTO_MAX_BYTES = 10_000
    case = CaseFactory(ward=ward_a, opened_by=inspector_a)
    client, token = csrf_client(inspector_a)
    big = imagery.jpeg(Image.effect_noise((600, 600), 90).convert("RGB"), quality=95)
    assert len(big) > 10_000 + 64 * 1024  # refused from its declared length
    response = client.post(
        f"/api/cases/{case.pk}/photos/",
        {"file": SimpleUploadedFile("big.jpg", big, content_type="image/jpeg")},
        HTTP_X_CSRFTOKEN=token,
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    assert response.status_code == 413
    assert not SitePhoto.objects.exists()
