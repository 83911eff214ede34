"""Tokens for phones, the OpenAPI schema and its docs page served without a CDN."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from rest_framework.test import APIClient

PASSWORD = "pass-1234-word"  # set by UserFactory


@pytest.mark.django_db
def test_token_from_username_and_password_authenticates_later_requests(
    inspector_a: Any, case_a: Any
) -> None:
    client = APIClient()
    response = client.post(
        "/api/auth/token/", {"username": "inspector_a", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert len(token) >= 64

    phone = APIClient()
    assert phone.get("/api/cases/").status_code in (401, 403)
    phone.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    listed = phone.get("/api/cases/")
    assert listed.status_code == 200
    assert [f["id"] for f in listed.json()["features"]] == [case_a.pk]
    # Each sign-in is one more device, with a token of its own.
    again = client.post(
        "/api/auth/token/", {"username": "inspector_a", "password": PASSWORD}, format="json"
    )
    assert again.status_code == 200 and again.json()["token"] != token


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        {"username": "inspector_a", "password": "wrong"},
        {"username": "nobody", "password": PASSWORD},
        {"username": "inspector_a"},
        {},
    ],
    ids=["wrong password", "unknown user", "no password", "empty"],
)
def test_wrong_credentials_give_a_400_and_no_token(inspector_a: Any, body: dict[str, str]) -> None:
    from backend.accounts.models import DeviceToken

    response = APIClient().post("/api/auth/token/", body, format="json")
    assert response.status_code == 400
    assert "token" not in response.json()
    assert DeviceToken.objects.count() == 0


@pytest.mark.django_db
def test_a_made_up_token_is_refused(inspector_a: Any) -> None:
    phone = APIClient()
    phone.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert phone.get("/api/cases/").status_code in (401, 403)


@pytest.mark.django_db
def test_openapi_schema_describes_the_case_api(inspector_a: Any) -> None:
    client = APIClient()
    client.force_login(inspector_a)
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for path in (
        "/api/cases/",
        "/api/cases/{id}/",
        "/api/wards/",
        "/api/permits/",
        "/api/auth/token/",
    ):
        assert path in schema["paths"], path
    case_filters = {p["name"] for p in schema["paths"]["/api/cases/"]["get"]["parameters"]}
    assert {"in_bbox", "ward", "stage", "violation_type"} <= case_filters
    assert "post" in schema["paths"]["/api/cases/"]


@pytest.mark.django_db
def test_api_docs_page_loads_swagger_ui_from_our_static_files(inspector_a: Any) -> None:
    client = APIClient()
    client.force_login(inspector_a)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html
    assert "/static/vendor/swagger-ui/swagger-ui.css" in html
    external = [
        url
        for url in re.findall(r"""(?:src|href)=["']((?:https?:)?//[^"']+)""", html)
        if not url.startswith(("http://testserver", "//testserver"))
    ]
    assert external == []
    assert "cdn" not in html.lower()
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-standalone-preset.js"):
        assert finders.find(f"vendor/swagger-ui/{asset}"), asset


@pytest.mark.django_db
def test_anonymous_visitors_get_neither_the_schema_nor_the_docs_page() -> None:
    anonymous = APIClient()
    schema = anonymous.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code in (401, 403)
    assert schema["Content-Type"].startswith("application/json")
    assert "paths" not in schema.json()
    docs = anonymous.get("/api/docs/")
    assert docs.status_code == 302
    assert docs["Location"].startswith("/login/?next=/api/docs/")


@pytest.mark.django_db
def test_a_phone_token_reads_the_schema(inspector_a: Any) -> None:
    client = APIClient()
    token = client.post(
        "/api/auth/token/", {"username": "inspector_a", "password": PASSWORD}, format="json"
    ).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/schema/", HTTP_ACCEPT="application/json").status_code == 200


@pytest.mark.django_db
def test_the_setting_opens_schema_and_docs_to_everyone(settings: Any) -> None:
    settings.TTXD_API_DOCS_PUBLIC = True
    anonymous = APIClient()
    assert anonymous.get("/api/schema/", HTTP_ACCEPT="application/json").status_code == 200
    assert anonymous.get("/api/docs/").status_code == 200
