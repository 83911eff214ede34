"""Log in, home by role, log out, and the language switch."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from backend.accounts.models import Role
from tests.factories import UserFactory

PASSWORD = "pass-1234-word"  # set by UserFactory


@pytest.mark.django_db
def test_login_page_renders_a_form_in_vietnamese_by_default() -> None:
    response = Client().get("/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert 'name="username"' in html and 'name="password"' in html
    assert "csrfmiddlewaretoken" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "lands_on"),
    [
        # Inspectors straight to the field app's Today (issue 14), the others by way of home.
        ("inspector_a", "/field/"),
        ("leader_a", "/map/"),
        ("auditor", "/audit/"),
        ("admin_user", "/admin/"),
    ],
)
def test_login_then_home_sends_each_role_where_it_works(
    who: str, lands_on: str, request: Any
) -> None:
    user = request.getfixturevalue(who)
    client = Client(enforce_csrf_checks=False)
    response = client.post(
        "/login/", {"username": user.username, "password": PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[0] == ("/field/" if who == "inspector_a" else "/", 302)
    assert response.redirect_chain[-1][0] == lands_on
    assert response.wsgi_request.user == user


@pytest.mark.django_db
def test_wrong_password_stays_on_the_login_page_with_an_error(inspector_a: Any) -> None:
    response = Client().post("/login/", {"username": "inspector_a", "password": "nope"})
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
    assert "_auth_user_id" not in Client().session


@pytest.mark.django_db
def test_home_and_pages_need_a_login() -> None:
    client = Client()
    for url in ("/", "/cases/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=")


@pytest.mark.django_db
def test_logged_in_user_visiting_login_goes_home(leader_a: Any, inspector_a: Any) -> None:
    client = Client()
    client.force_login(leader_a)
    assert client.get("/login/")["Location"] == "/"
    # Inspectors work in the field: their landing page is the field app's Today.
    client.force_login(inspector_a)
    assert client.get("/login/")["Location"] == "/field/"


@pytest.mark.django_db
def test_inspectors_land_on_the_field_app_after_signing_in_unless_next_says_otherwise(
    inspector_a: Any, leader_a: Any, auditor: Any
) -> None:
    password = "pass-1234-word"  # UserFactory's
    landing = {inspector_a: "/field/", leader_a: "/", auditor: "/"}
    for user, where in landing.items():
        client = Client()
        response = client.post("/login/", {"username": user.username, "password": password})
        assert response.status_code == 302 and response["Location"] == where, user.role
    client = Client()
    response = client.post(
        "/login/?next=/cases/", {"username": inspector_a.username, "password": password}
    )
    assert response["Location"] == "/cases/"
    # An address outside the site is never followed.
    client = Client()
    response = client.post(
        "/login/?next=https://example.com/",
        {"username": inspector_a.username, "password": password},
    )
    assert response["Location"] == "/field/"


@pytest.mark.django_db
def test_superuser_without_a_role_goes_to_the_admin() -> None:
    root = UserFactory(username="root", role="", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(root)
    assert client.get("/")["Location"] == "/admin/"


@pytest.mark.django_db
def test_logout_by_post_ends_the_session(inspector_a: Any) -> None:
    client = Client()
    client.force_login(inspector_a)
    assert client.get("/cases/").status_code == 200

    response = client.post("/logout/")

    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert client.get("/cases/").status_code == 302


@pytest.mark.django_db
def test_logout_by_get_is_not_allowed(inspector_a: Any) -> None:
    client = Client()
    client.force_login(inspector_a)
    assert client.get("/logout/").status_code == 405
    assert client.get("/cases/").status_code == 200


@pytest.mark.django_db
def test_language_switch_turns_the_page_english(inspector_a: Any) -> None:
    client = Client()
    client.force_login(inspector_a)
    assert '<html lang="vi">' in client.get("/cases/").content.decode()

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/cases/"})

    assert response.status_code == 302
    assert response["Location"] == "/cases/"
    html = client.get("/cases/").content.decode()
    assert '<html lang="en">' in html
    assert '<option value="en" selected>' in html
    assert "Violation cases" in html


@pytest.mark.django_db
def test_case_page_lists_cases_with_dates_as_dd_mm_yyyy(inspector_a: Any, case_a: Any) -> None:
    case_a.stage_deadline = case_a.detected_at.date().replace(year=2026, month=3, day=4)
    case_a.save()
    client = Client()
    client.force_login(inspector_a)
    html = client.get("/cases/").content.decode()
    assert case_a.code in html
    assert "04/03/2026" in html


@pytest.mark.django_db
def test_case_page_for_a_user_without_cases_says_so() -> None:
    user = UserFactory(role=Role.INSPECTOR)
    client = Client()
    client.force_login(user)
    response = client.get("/cases/")
    assert response.status_code == 200
    assert "<tbody>" in response.content.decode()
