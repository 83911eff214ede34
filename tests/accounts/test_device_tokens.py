"""Per-device API tokens: issued by password, hashed at rest, expiring and
renewed in use, revoked one by one or all at once."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from backend.accounts.models import DeviceToken, Role, WardMembership
from backend.accounts.services import device_token_issue
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pass-1234-word"  # set by UserFactory
TTL = datetime.timedelta(days=30)


def sign_in(username: str, device: str | None = None, password: str = PASSWORD) -> Any:
    body = {"username": username, "password": password}
    if device is not None:
        body["device"] = device
    return APIClient().post("/api/auth/token/", body, format="json")


def phone(token: str) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="vi")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def works(token: str) -> bool:
    return phone(token).get("/api/field/session/").status_code == 200


# --- Issue ---------------------------------------------------------------------------------


def test_signing_in_names_the_device_and_says_when_the_token_expires(inspector_a):
    before = timezone.now()
    response = sign_in("inspector_a", device="Samsung A15 của Lan")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expiry", "device"}
    assert body["device"] == "Samsung A15 của Lan"
    expiry = datetime.datetime.fromisoformat(body["expiry"])
    assert before + TTL <= expiry <= timezone.now() + TTL
    row = DeviceToken.objects.get(user=inspector_a)
    assert row.device == "Samsung A15 của Lan" and row.expiry == expiry
    assert works(body["token"])


def test_the_device_name_is_optional_and_kept_to_one_printable_line(inspector_a):
    unnamed = sign_in("inspector_a")
    messy = sign_in("inspector_a", device="  Máy  của\n\tLan  ")

    assert unnamed.status_code == messy.status_code == 200
    assert unnamed.json()["device"] == ""
    assert messy.json()["device"] == "Máy của Lan"


def test_a_device_name_too_long_is_refused_in_vietnamese(inspector_a):
    response = sign_in("inspector_a", device="x" * 101)

    assert response.status_code == 400
    assert response.json()["device"] == ["Tên thiết bị dài tối đa 100 ký tự: hãy rút ngắn."]
    assert DeviceToken.objects.count() == 0


@pytest.mark.parametrize("body", ["[]", '["inspector_a", "pass-1234-word"]'])
def test_a_sign_in_body_that_is_not_an_object_is_refused_in_vietnamese(inspector_a, body):
    response = APIClient().post("/api/auth/token/", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Hãy gửi một đối tượng JSON hoặc một biểu mẫu."]
    }
    assert DeviceToken.objects.count() == 0


def test_the_token_is_stored_as_a_digest_and_a_prefix_that_cannot_sign_in(inspector_a):
    token = sign_in("inspector_a", device="Điện thoại").json()["token"]

    with connection.cursor() as cursor:
        cursor.execute("SELECT row_to_json(t)::text FROM accounts_devicetoken t")
        (row,) = cursor.fetchone()
    assert token not in row
    # knox keeps the first 15 characters in clear (token_key); the rest is not kept.
    assert DeviceToken.objects.get().token_key == token[:15]
    assert token[15:] not in row
    # The prefix signs nothing in, alone or completed at random.
    assert not works(token[:15])
    assert not works(token[:15] + "0" * (len(token) - 15))
    assert works(token)


def test_a_session_cookie_sent_along_needs_no_csrf_token(inspector_a):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(inspector_a)

    response = browser.post(
        "/api/auth/token/",
        {"username": "inspector_a", "password": PASSWORD, "device": "máy tính bảng"},
        content_type="application/json",
    )

    assert response.status_code == 200


def test_the_old_clear_text_token_table_is_gone():
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('authtoken_token')")
        assert cursor.fetchone() == (None,)


# --- Expiry and renewal ---------------------------------------------------------------------


def test_a_token_unused_past_its_expiry_is_refused_and_forgotten(inspector_a):
    token = sign_in("inspector_a").json()["token"]

    with time_machine.travel(timezone.now() + TTL + datetime.timedelta(minutes=1)):
        response = phone(token).get("/api/field/session/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "Đăng nhập lại" in response.json()["detail"]
    assert not DeviceToken.objects.filter(user=inspector_a).exists()


def test_using_a_token_renews_its_expiry(inspector_a):
    token = sign_in("inspector_a").json()["token"]
    issued = DeviceToken.objects.get(user=inspector_a)

    later = timezone.now() + datetime.timedelta(days=20)
    with time_machine.travel(later):
        assert works(token)
    renewed = DeviceToken.objects.get(pk=issued.pk)
    assert renewed.expiry is not None and issued.expiry is not None
    assert renewed.expiry >= later + TTL - datetime.timedelta(seconds=5)
    assert renewed.last_used_at is not None and renewed.last_used_at >= later

    # 40 days after signing in: past the first expiry, but it was in use.
    with time_machine.travel(timezone.now() + datetime.timedelta(days=40)):
        assert works(token)


def test_the_renew_endpoint_answers_the_new_expiry(inspector_a):
    token = sign_in("inspector_a", device="Nokia").json()["token"]

    later = timezone.now() + datetime.timedelta(days=25)
    with time_machine.travel(later):
        response = phone(token).post("/api/auth/token/renew/")

    assert response.status_code == 200
    assert response.json()["device"] == "Nokia"
    assert "token" not in response.json()
    expiry = datetime.datetime.fromisoformat(response.json()["expiry"])
    assert expiry >= later + TTL - datetime.timedelta(seconds=5)
    assert DeviceToken.objects.get(user=inspector_a).expiry == expiry


def device_token_writes(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith(("UPDATE", "DELETE", "INSERT"))
        and "accounts_devicetoken" in q["sql"]
    ]


def test_renewing_writes_the_token_once_per_request(inspector_a):
    token = sign_in("inspector_a").json()["token"]
    client = phone(token)

    with time_machine.travel(timezone.now() + datetime.timedelta(days=25)):
        with CaptureQueriesContext(connection) as renewal:
            assert client.post("/api/auth/token/renew/").status_code == 200
        # Within knox's MIN_REFRESH_INTERVAL the token is not written again.
        with CaptureQueriesContext(connection) as soon_after:
            assert client.post("/api/auth/token/renew/").status_code == 200
            assert client.get("/api/field/session/").status_code == 200

    assert len(device_token_writes(renewal)) == 1
    assert device_token_writes(soon_after) == []


def test_an_expired_token_is_signed_out_with_the_session_it_was_issued_to(inspector_a):
    browser = Client()
    browser.force_login(inspector_a)
    key = browser.cookies[settings.SESSION_COOKIE_NAME].value
    issued = device_token_issue(user=inspector_a, device="field", session_key=key)

    with time_machine.travel(timezone.now() + TTL + datetime.timedelta(minutes=1)):
        assert phone(issued.token).get("/api/field/session/").status_code == 401

    assert not DeviceToken.objects.filter(pk=issued.row.pk).exists()
    assert not Session.objects.filter(session_key=key).exists()


def test_renewing_needs_a_token_not_a_session(inspector_a):
    browser = APIClient()
    browser.force_login(inspector_a)

    assert browser.post("/api/auth/token/renew/").status_code == 401


def test_the_lifetime_is_a_setting(settings, inspector_a):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_TTL": datetime.timedelta(days=2)}
    body = sign_in("inspector_a").json()

    expiry = datetime.datetime.fromisoformat(body["expiry"])
    assert expiry <= timezone.now() + datetime.timedelta(days=2)


# --- Revocation ------------------------------------------------------------------------------


def test_logout_revokes_that_device_only(inspector_a):
    first = sign_in("inspector_a", device="máy 1").json()["token"]
    second = sign_in("inspector_a", device="máy 2").json()["token"]

    assert phone(first).post("/api/auth/logout/").status_code == 204

    assert not works(first)
    assert works(second)
    assert list(DeviceToken.objects.values_list("device", flat=True)) == ["máy 2"]
    # Signed out already: a second logout is refused like any unknown token.
    assert phone(first).post("/api/auth/logout/").status_code == 401


def test_a_refused_token_is_not_taken_for_the_session_it_comes_with(inspector_a):
    token = sign_in("inspector_a").json()["token"]
    phone(token).post("/api/auth/logout/")
    browser = APIClient()
    browser.force_login(inspector_a)
    browser.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    assert browser.get("/api/field/session/").status_code == 401


def revoke_by_password(user: Any) -> None:
    user.set_password("a-brand-new-password-9")
    user.save()


def revoke_by_unusable_password(user: Any) -> None:
    user.set_unusable_password()
    user.save()


def revoke_by_deactivation(user: Any) -> None:
    user.is_active = False
    user.save(update_fields=["is_active"])


def revoke_by_leaving_every_ward(user: Any) -> None:
    # As the admin's inline does it: one membership row at a time.
    for membership in WardMembership.objects.filter(user=user):
        membership.delete()


def revoke_by_ward_queryset(user: Any) -> None:
    user.wards.clear()


@pytest.mark.parametrize(
    "change",
    [
        revoke_by_password,
        revoke_by_unusable_password,
        revoke_by_deactivation,
        revoke_by_leaving_every_ward,
        revoke_by_ward_queryset,
    ],
    ids=[
        "password change",
        "password disabled",
        "deactivation",
        "removal from all wards",
        "wards cleared",
    ],
)
def test_a_change_that_ends_access_revokes_every_device(inspector_a, inspector_b, change):
    tokens = [sign_in("inspector_a", device=f"máy {n}").json()["token"] for n in range(2)]
    bystander = sign_in("inspector_b").json()["token"]

    change(inspector_a)

    assert not any(works(token) for token in tokens)
    assert not DeviceToken.objects.filter(user=inspector_a).exists()
    assert works(bystander)


def test_ordinary_changes_keep_the_devices(inspector_a, ward_a, ward_b):
    WardMembership.objects.create(user=inspector_a, ward=ward_b)
    token = sign_in("inspector_a").json()["token"]

    inspector_a.full_name = "Lê Văn Thanh"
    inspector_a.save()
    inspector_a.last_login = timezone.now()
    inspector_a.save(update_fields=["last_login"])
    # One ward left of two: still at work.
    WardMembership.objects.get(user=inspector_a, ward=ward_b).delete()
    # Signing in with the password again (same hash) changes nothing either.
    assert sign_in("inspector_a").status_code == 200

    assert works(token)


def test_a_password_hash_upgraded_at_sign_in_keeps_the_devices(inspector_a):
    # A hash today's hasher finds outdated (a salt too short) is re-hashed by
    # check_password() when its owner signs in: the same password, not a change.
    inspector_a.password = make_password(PASSWORD, salt="short", hasher="md5")
    inspector_a.save(update_fields=["password"])
    outdated = inspector_a.password
    token = device_token_issue(user=inspector_a, device="máy cũ").token

    assert sign_in("inspector_a", device="máy mới").status_code == 200

    inspector_a.refresh_from_db()
    assert inspector_a.password != outdated and inspector_a.check_password(PASSWORD)
    assert works(token)
    assert DeviceToken.objects.filter(user=inspector_a).count() == 2


def test_a_token_issued_to_a_page_ends_that_session_when_revoked(inspector_a):
    browser = Client()
    browser.force_login(inspector_a)
    key = browser.cookies[settings.SESSION_COOKIE_NAME].value
    issued = device_token_issue(user=inspector_a, device="field", session_key=key)

    assert phone(issued.token).post("/api/auth/logout/").status_code == 204

    assert not Session.objects.filter(session_key=key).exists()
    assert browser.get("/field/").status_code == 302


# --- The devices page ---------------------------------------------------------------------


def test_the_devices_page_lists_only_ones_own_devices(client, inspector_a, inspector_b):
    sign_in("inspector_a", device="Máy của A")
    sign_in("inspector_b", device="Máy của B")
    client.force_login(inspector_a)

    response = client.get("/account/devices/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Máy của A" in html and "Máy của B" not in html
    assert 'action="/account/devices/' in html
    assert "style=" not in html.split("<main>")[1] and "onclick" not in html


def test_the_navigation_links_to_the_devices_page(client, inspector_a):
    client.force_login(inspector_a)

    assert 'href="/account/devices/"' in client.get("/cases/").content.decode()


def test_a_device_revoked_on_the_page_is_signed_out(inspector_a):
    kept = sign_in("inspector_a", device="giữ lại").json()["token"]
    lost = sign_in("inspector_a", device="bị mất").json()["token"]
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(inspector_a)
    page = browser.get("/account/devices/")
    csrf = page.context["csrf_token"]
    lost_id = DeviceToken.objects.get(device="bị mất").pk

    response = browser.post(f"/account/devices/{lost_id}/revoke/", {"csrfmiddlewaretoken": csrf})

    assert response.status_code == 302 and response["Location"] == "/account/devices/"
    assert not works(lost) and works(kept)
    after = browser.get("/account/devices/").content.decode()
    assert "bị mất is signed out" in after or "bị mất đã được đăng xuất" in after
    table = after.split('id="devices"')[1]
    assert "bị mất" not in table and "giữ lại" in table


def test_the_page_cannot_revoke_someone_elses_device(client, inspector_a, inspector_b):
    theirs = sign_in("inspector_b", device="của B").json()["token"]
    client.force_login(inspector_a)

    response = client.post(f"/account/devices/{DeviceToken.objects.get().pk}/revoke/")

    assert response.status_code == 404
    assert works(theirs)


def test_revoking_needs_a_post_with_csrf(inspector_a):
    sign_in("inspector_a", device="máy")
    pk = DeviceToken.objects.get().pk
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(inspector_a)

    assert browser.get(f"/account/devices/{pk}/revoke/").status_code == 405
    assert browser.post(f"/account/devices/{pk}/revoke/").status_code == 403
    assert DeviceToken.objects.filter(pk=pk).exists()


def test_revoking_the_device_of_this_very_session_signs_this_page_out(inspector_a):
    browser = Client()
    browser.force_login(inspector_a)
    key = browser.cookies[settings.SESSION_COOKIE_NAME].value
    issued = device_token_issue(user=inspector_a, device="này", session_key=key)

    response = browser.post(f"/account/devices/{issued.row.pk}/revoke/")

    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert browser.get("/account/devices/").status_code == 302


# --- The admin ----------------------------------------------------------------------------


@pytest.fixture
def ward_staff(ward_a: Any) -> Any:
    from django.contrib.auth.models import Permission

    staff = UserFactory(username="staff_a", role=Role.WARD_LEADER, is_staff=True, wards=[ward_a])
    staff.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="accounts",
            codename__in=["view_devicetoken", "delete_devicetoken", "view_user", "change_user"],
        )
    )
    return staff


def test_ward_staff_see_only_their_wards_devices_in_the_admin(
    client, ward_staff, inspector_a, inspector_b
):
    sign_in("inspector_a", device="Máy phường A")
    sign_in("inspector_b", device="Máy phường B")
    other_b = DeviceToken.objects.get(device="Máy phường B")
    client.force_login(ward_staff)

    listing = client.get("/admin/accounts/devicetoken/").content.decode()

    assert "Máy phường A" in listing and "Máy phường B" not in listing
    assert client.get(f"/admin/accounts/devicetoken/{other_b.pk}/change/").status_code == 302
    # Another ward's device cannot be revoked through the action either.
    client.post(
        "/admin/accounts/devicetoken/",
        {"action": "revoke", "_selected_action": [str(other_b.pk)]},
    )
    assert DeviceToken.objects.filter(pk=other_b.pk).exists()


def test_the_admin_revokes_the_selected_devices(client, ward_staff, inspector_a):
    token = sign_in("inspector_a", device="mất").json()["token"]
    row = DeviceToken.objects.get()
    client.force_login(ward_staff)

    client.post(
        "/admin/accounts/devicetoken/", {"action": "revoke", "_selected_action": [str(row.pk)]}
    )

    assert not works(token)


def test_a_superuser_sees_every_device(client, admin_user, inspector_a, inspector_b):
    sign_in("inspector_a", device="Máy phường A")
    sign_in("inspector_b", device="Máy phường B")
    client.force_login(admin_user)

    listing = client.get("/admin/accounts/devicetoken/").content.decode()

    assert "Máy phường A" in listing and "Máy phường B" in listing


def test_the_admin_signs_every_device_of_a_user_out(client, admin_user, inspector_a, inspector_b):
    tokens = [sign_in("inspector_a", device=f"máy {n}").json()["token"] for n in range(3)]
    bystander = sign_in("inspector_b").json()["token"]
    client.force_login(admin_user)

    client.post(
        "/admin/accounts/user/",
        {"action": "revoke_all_devices", "_selected_action": [str(inspector_a.pk)]},
    )

    assert not any(works(token) for token in tokens)
    assert works(bystander)


def test_ward_staff_cannot_sign_out_another_wards_user(client, ward_staff, inspector_b):
    token = sign_in("inspector_b").json()["token"]
    client.force_login(ward_staff)

    client.post(
        "/admin/accounts/user/",
        {"action": "revoke_all_devices", "_selected_action": [str(inspector_b.pk)]},
    )

    assert works(token)


def test_the_admin_never_adds_or_edits_a_token(client, admin_user):
    client.force_login(admin_user)

    assert client.get("/admin/accounts/devicetoken/add/").status_code == 403
