"""Too many failed sign-ins lock a username (or an address) for a while, on every way in."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone, translation
from django.utils.html import escape
from rest_framework.test import APIClient

from backend.accounts.models import FailedLogin, Role
from backend.accounts.selectors import login_lockout
from backend.accounts.services import login_failure_record
from backend.accounts.throttle import LoginThrottled
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pass-1234-word"  # set by UserFactory
WRONG = "not-the-password"
LOCKED_EN = "Too many failed sign-in attempts"


@pytest.fixture(autouse=True)
def _limits(settings: Any) -> None:
    # The production defaults, spelled out: the tests count against them.
    settings.TTXD_LOGIN_FAILURES_PER_USERNAME = 5
    settings.TTXD_LOGIN_FAILURES_PER_IP = 30
    settings.TTXD_LOGIN_FAILURE_WINDOW_MINUTES = 15


@pytest.fixture
def inspector(db: Any) -> Any:
    return UserFactory(username="thanh_tra", role=Role.INSPECTOR)


def page_login(username: str, password: str, ip: str = "203.0.113.7", **extra: Any) -> Any:
    client = Client(REMOTE_ADDR=ip, HTTP_ACCEPT_LANGUAGE="en", **extra)
    response = client.post("/login/", {"username": username, "password": password})
    response.logged_in = "_auth_user_id" in client.session
    return response


def token_login(username: str, password: str, ip: str = "203.0.113.7") -> Any:
    client = APIClient(REMOTE_ADDR=ip, HTTP_ACCEPT_LANGUAGE="en")
    return client.post(
        "/api/auth/token/", {"username": username, "password": password}, format="json"
    )


def fail(times: int, username: str = "thanh_tra", ip: str = "203.0.113.7") -> None:
    for _ in range(times):
        response = page_login(username, WRONG, ip)
        assert response.status_code == 200 and not response.logged_in
        assert LOCKED_EN not in response.content.decode()


def test_five_failures_lock_the_username_on_the_login_page_until_a_stated_time(
    inspector: Any,
) -> None:
    start = timezone.now()
    fail(5)
    # Even the right password is refused now, and the page says until when.
    response = page_login("thanh_tra", PASSWORD)
    assert not response.logged_in
    html = response.content.decode()
    assert LOCKED_EN in html
    until = timezone.localtime(start + datetime.timedelta(minutes=15))
    assert until.strftime("%H:%M") in html or (
        (until + datetime.timedelta(minutes=1)).strftime("%H:%M") in html
    )
    assert "Wrong username or password" not in html
    # A refused attempt is not counted: the lock does not grow by being hammered.
    assert FailedLogin.objects.count() == 5


def test_the_lock_message_is_in_the_pages_language_vietnamese_first(inspector: Any) -> None:
    fail(5)
    client = Client(REMOTE_ADDR="203.0.113.7")
    html = client.post("/login/", {"username": "thanh_tra", "password": PASSWORD}).content.decode()
    lockout = login_lockout("thanh_tra", "203.0.113.7")
    assert lockout is not None
    with translation.override("vi"):
        expected = lockout.message()
    assert f'<p class="error" role="alert">{escape(expected)}</p>' in html
    assert "_auth_user_id" not in client.session


def test_four_failures_do_not_lock(inspector: Any) -> None:
    fail(4)
    assert page_login("thanh_tra", PASSWORD).logged_in


def test_the_token_endpoint_answers_429_with_retry_after_while_locked(inspector: Any) -> None:
    for _ in range(5):
        assert token_login("thanh_tra", WRONG).status_code == 400
    response = token_login("thanh_tra", PASSWORD)
    assert response.status_code == 429
    assert 14 * 60 < int(response["Retry-After"]) <= 15 * 60
    body = response.json()
    assert "token" not in body
    assert body["detail"].startswith(LOCKED_EN)
    assert "15 minutes" in body["detail"]


def test_failures_anywhere_lock_every_way_in(inspector: Any, admin_user: Any) -> None:
    # Failures on the login page lock the token endpoint ...
    fail(5)
    assert token_login("thanh_tra", PASSWORD).status_code == 429
    # ... and failures through the API lock the admin's login.
    for _ in range(5):
        assert token_login("admin", WRONG).status_code == 400
    client = Client(REMOTE_ADDR="198.51.100.9", HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "admin", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert LOCKED_EN in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_case_and_spacing_variants_of_a_username_share_its_count(inspector: Any) -> None:
    for name in ("thanh_tra", "Thanh_Tra", " THANH_TRA", "thanh_tra ", "tHaNh_tRa"):
        page_login(name, WRONG)
    assert token_login("thanh_tra", PASSWORD).status_code == 429


def test_unknown_usernames_are_counted_and_locked_too(db: Any) -> None:
    fail(5, username="khong_ton_tai")
    response = token_login("khong_ton_tai", WRONG)
    assert response.status_code == 429


def test_the_lock_lifts_when_the_window_has_passed(inspector: Any) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        fail(5)
        assert token_login("thanh_tra", PASSWORD).status_code == 429
    with time_machine.travel(start + datetime.timedelta(minutes=14, seconds=59), tick=False):
        assert token_login("thanh_tra", PASSWORD).status_code == 429
    with time_machine.travel(start + datetime.timedelta(minutes=15, seconds=1), tick=False):
        assert page_login("thanh_tra", PASSWORD).logged_in


def test_a_successful_sign_in_clears_the_usernames_count(inspector: Any) -> None:
    fail(4)
    assert page_login("thanh_tra", PASSWORD).logged_in
    assert not FailedLogin.objects.filter(username="thanh_tra").exists()
    fail(4)
    assert token_login("thanh_tra", PASSWORD).status_code == 200
    # The token endpoint clears it too.
    fail(4)
    assert page_login("thanh_tra", PASSWORD).logged_in


def test_one_address_trying_many_usernames_is_locked(inspector: Any, settings: Any) -> None:
    settings.TTXD_LOGIN_FAILURES_PER_IP = 6
    for n in range(6):
        page_login(f"guess{n}", WRONG, ip="203.0.113.50")
    # A username never tried before, even with its right password, from that address: refused.
    assert token_login("thanh_tra", PASSWORD, ip="203.0.113.50").status_code == 429
    # From elsewhere the same sign-in works.
    assert token_login("thanh_tra", PASSWORD, ip="198.51.100.1").status_code == 200
    # A good password does not reset the address's count.
    assert token_login("guess9", WRONG, ip="203.0.113.50").status_code == 429


def test_the_address_is_remote_addr_not_a_forwarded_header(inspector: Any, settings: Any) -> None:
    settings.TTXD_LOGIN_FAILURES_PER_IP = 3
    for n in range(3):
        page_login(f"guess{n}", WRONG, ip="203.0.113.60", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}")
    assert set(FailedLogin.objects.values_list("ip_address", flat=True)) == {"203.0.113.60"}
    assert page_login("thanh_tra", PASSWORD, ip="203.0.113.60").logged_in is False


def test_a_limit_of_zero_turns_the_address_check_off(inspector: Any, settings: Any) -> None:
    settings.TTXD_LOGIN_FAILURES_PER_IP = 0
    for n in range(8):
        page_login(f"guess{n}", WRONG)
    assert page_login("thanh_tra", PASSWORD).logged_in


def test_failures_older_than_the_window_are_pruned_on_the_next_write(db: Any) -> None:
    now = timezone.now()
    for minutes in (16, 30, 60 * 24):
        login_failure_record(
            username="cu", ip_address="203.0.113.1", now=now - datetime.timedelta(minutes=minutes)
        )
    login_failure_record(username="moi", ip_address="203.0.113.1", now=now)
    assert list(FailedLogin.objects.values_list("username", flat=True)) == ["moi"]


def test_a_test_client_login_without_a_request_is_counted_by_username(inspector: Any) -> None:
    for _ in range(5):
        assert not Client().login(username="thanh_tra", password=WRONG)
    assert set(FailedLogin.objects.values_list("ip_address", flat=True)) == {None}
    with pytest.raises(LoginThrottled):
        Client().login(username="thanh_tra", password=PASSWORD)


def test_the_throttle_never_loads_a_sessions_user(inspector: Any) -> None:
    # It only refuses: sessions name the backend that checked the password.
    from django.contrib.auth import BACKEND_SESSION_KEY

    for login in (
        lambda c: c.force_login(inspector),
        lambda c: c.login(username="thanh_tra", password=PASSWORD),
    ):
        client = Client()
        login(client)
        assert "throttle" not in client.session[BACKEND_SESSION_KEY]
        assert client.get("/cases/").status_code == 200


def test_an_administrator_unlocks_a_username_by_deleting_its_failures(
    inspector: Any, admin_user: Any
) -> None:
    fail(5)
    admin = Client()
    admin.force_login(admin_user)
    listing = admin.get("/admin/accounts/failedlogin/?q=thanh_tra")
    assert listing.status_code == 200
    assert listing.content.decode().count("thanh_tra") >= 5
    ids = list(FailedLogin.objects.values_list("pk", flat=True))
    response = admin.post(
        "/admin/accounts/failedlogin/",
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )
    assert response.status_code == 302
    assert page_login("thanh_tra", PASSWORD).logged_in
