"""The field app's device token: issued to its page's session, used for its
requests, and the page kept offline only while that session may last."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from backend.accounts.models import DeviceToken
from backend.photos.models import SitePhoto
from tests.factories import CaseFactory
from tests.field.test_field_app import at, csrf_client
from tests.photos import imagery

pytestmark = pytest.mark.django_db


def issue(client: Client, csrf: str, device: str = "Android · Chrome") -> Any:
    return client.post(
        "/api/field/device-token/",
        {"device": device},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf,
    )


def test_the_app_gets_a_token_for_its_session(inspector_a: Any) -> None:
    client, csrf = csrf_client(inspector_a)

    response = issue(client, csrf)

    assert response.status_code == 201
    body = response.json()
    assert body["device"] == "Android · Chrome" and body["user"] == "inspector_a"
    row = DeviceToken.objects.get(user=inspector_a)
    assert row.session_key == client.cookies[settings.SESSION_COOKIE_NAME].value
    phone = APIClient()
    phone.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert phone.get("/api/field/session/").json()["username"] == "inspector_a"


@pytest.mark.parametrize("body", ["[]", '[{"device": "máy"}]', '"máy"'])
def test_a_body_that_is_not_an_object_is_refused_in_vietnamese(inspector_a: Any, body: str) -> None:
    client, csrf = csrf_client(inspector_a)

    response = client.post(
        "/api/field/device-token/", body, content_type="application/json", HTTP_X_CSRFTOKEN=csrf
    )

    assert response.status_code == 400
    assert "Hãy gửi một đối tượng JSON hoặc một biểu mẫu." in str(response.json())
    assert DeviceToken.objects.count() == 0


def test_issuing_needs_the_session_and_its_csrf_token(inspector_a: Any) -> None:
    client, _ = csrf_client(inspector_a)

    assert issue(client, "wrong").status_code == 403
    assert APIClient().post("/api/field/device-token/").status_code == 403
    assert DeviceToken.objects.count() == 0


def test_a_token_does_not_mint_another(inspector_a: Any) -> None:
    client, csrf = csrf_client(inspector_a)
    token = issue(client, csrf).json()["token"]
    phone = APIClient()
    phone.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    assert phone.post("/api/field/device-token/", {"device": "x"}).status_code == 403
    assert DeviceToken.objects.count() == 1


def test_roles_without_the_field_app_get_no_field_token(auditor: Any) -> None:
    client, csrf = csrf_client(auditor)

    response = issue(client, csrf)

    assert response.status_code == 403
    assert "thanh tra" in response.json()["detail"]


def test_the_apps_token_uploads_without_a_csrf_token(inspector_a: Any, ward_a: Any) -> None:
    case = CaseFactory(ward=ward_a, opened_by=inspector_a, location=at(10.77, 106.69))
    client, csrf = csrf_client(inspector_a)
    token = issue(client, csrf).json()["token"]

    # The page's cookies come along, but the token decides: no CSRF needed.
    response = client.post(
        f"/api/cases/{case.pk}/photos/",
        {"file": SimpleUploadedFile("a.jpg", imagery.jpeg(), content_type="image/jpeg")},
        HTTP_AUTHORIZATION=f"Token {token}",
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )

    assert response.status_code == 201, response.content
    assert SitePhoto.objects.get().uploaded_by == inspector_a


def test_the_page_says_until_when_its_session_lasts(client: Any, inspector_a: Any) -> None:
    from django.contrib.sessions.models import Session

    client.force_login(inspector_a)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value

    # Later than the login: the session's own expiry, not a full age from now.
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=3)):
        response = client.get("/field/")

    expires = int(response["X-TTXD-Session-Expires"])
    assert expires == int(Session.objects.get(session_key=key).expire_date.timestamp() * 1000)


def test_the_app_is_told_where_its_token_endpoints_are(client: Any, inspector_a: Any) -> None:
    from tests.field.test_field_app import json, re

    client.force_login(inspector_a)
    html = client.get("/field/").content.decode()
    config = json.loads(re.search(r'id="field-config"[^>]*>(.*?)</script>', html, re.S).group(1))

    assert config["urls"]["deviceToken"] == "/api/field/device-token/"
    assert config["urls"]["token"] == "/api/auth/token/"
    assert config["urls"]["renewToken"] == "/api/auth/token/renew/"
    assert config["urls"]["logout"] == "/api/auth/logout/"
    assert config["urls"]["signOut"] == "/logout/"
