"""The field app's device token and sign-out on a shared phone, in Chromium.

Signing out of /field/ revokes the phone's token and clears that user's data
from IndexedDB (cached cases, photo lists, the server's answers), keeping only
what still waits to be sent; a case opened offline is shown to its author
only; a revoked token makes the app ask for the password again; and once
the session has expired, the page kept offline is shown to nobody.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.contrib.gis.geos import Point

from backend.accounts.models import DeviceToken, Role
from tests.e2e.conftest import (
    PASSWORD,
    open_field_app,
    read_store,
    screenshot,
    sign_out,
    wait_until,
)
from tests.factories import WARD_A_BOX, CaseFactory, UserFactory, WardFactory, box

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


# Items as the queue leaves them: one sent (with the server's answer), one
# still waiting (taken offline), both of the first user; a photo list cached.
SEED = """
async (user) => {
  const queue = await import("/static/field/queue.js");
  await queue.putItem(queue.CASES, { key: "sent-case", user, payload: { address: "Đã gửi" },
    createdAt: Date.now(), state: queue.DONE, attempts: 1, nextAttemptAt: 0, lastError: "",
    result: { id: 1, code: "VP-1" } });
  await queue.putItem(queue.CASES, { key: "waiting-case", user, payload: { address: "12 Chờ gửi",
    lat: 10.77, lon: 106.69 }, createdAt: Date.now(), state: queue.WAITING, attempts: 0,
    nextAttemptAt: Date.now() + 3600e3, lastError: "", result: null });
  await queue.remember(`photos:${user}:1`, [{ id: 1 }]);
  return true;
}
"""


@pytest.fixture
def shared_phone_site(settings: Any) -> dict[str, Any]:
    settings.TTXD_BASEMAP_URL = ""  # the browser must not reach the internet
    ward = WardFactory(code="90001", slug="WARDA", name="Phường A", boundary=box(*WARD_A_BOX))
    first = UserFactory(username="thanh_tra_a", role=Role.INSPECTOR, wards=[ward])
    second = UserFactory(username="thanh_tra_c", role=Role.INSPECTOR, wards=[ward])
    CaseFactory(ward=ward, opened_by=first, location=Point(106.69, 10.77, srid=4326))
    return {"first": first, "second": second}


def meta_names(page: Any) -> set[str]:
    return {item["name"] for item in read_store(page, "meta")}


def wait_for_token(page: Any, username: str) -> None:
    wait_until(
        page,
        """async (name) => {
          const queue = await import("/static/field/queue.js");
          return Boolean(await queue.storedToken(name));
        }""",
        username,
    )


def test_signing_out_revokes_the_token_and_clears_the_users_data(
    phone: Any, live_server: Any, shared_phone_site: dict[str, Any]
) -> None:
    first = shared_phone_site["first"]
    open_field_app(phone, live_server, "thanh_tra_a")
    wait_for_token(phone, "thanh_tra_a")
    token = DeviceToken.objects.get(user=first)
    assert "field app" in token.device or "ứng dụng hiện trường" in token.device
    phone.evaluate(SEED, "thanh_tra_a")
    assert {"cases:thanh_tra_a", "token:thanh_tra_a", "photos:thanh_tra_a:1"} <= meta_names(phone)

    sign_out(phone)
    phone.wait_for_url(f"{live_server.url}/login/")
    phone.wait_for_selector("html[data-field-forgotten=true]")

    # The token no longer works, on the server …
    assert not DeviceToken.objects.filter(user=first).exists()
    # … and nothing of the user is left but what still waits to be sent.
    assert not {n for n in meta_names(phone) if n.endswith("thanh_tra_a") or ":thanh_tra_a:" in n}
    cases = {item["key"]: item["state"] for item in read_store(phone, "cases")}
    assert cases == {"waiting-case": "waiting"}
    screenshot(phone, "field_signed_out_login_page")

    # The next user of the phone cannot open the first user's waiting case by its URL.
    open_field_app(phone, live_server, "thanh_tra_c")
    phone.goto(f"{live_server.url}/field/#/case/local:waiting-case")
    phone.wait_for_selector("#field[data-ready=true]")
    wait_until(phone, "() => document.querySelector('#view').textContent.length > 0")
    text = phone.inner_text("#view")
    assert "12 Chờ gửi" not in text
    assert "không có trên điện thoại này" in text
    screenshot(phone, "field_local_case_of_another_user")


def test_a_revoked_token_makes_the_app_ask_for_the_password_again(
    phone: Any, live_server: Any, shared_phone_site: dict[str, Any]
) -> None:
    first = shared_phone_site["first"]
    open_field_app(phone, live_server, "thanh_tra_a")
    wait_for_token(phone, "thanh_tra_a")
    revoked = DeviceToken.objects.get(user=first)
    # Revoked from elsewhere (an administrator), not tied to this session.
    DeviceToken.objects.filter(pk=revoked.pk).delete()

    # The app renews its token when the network comes back: refused, it asks.
    phone.context.set_offline(True)
    phone.context.set_offline(False)
    phone.wait_for_selector("dialog#sign-in-again[open]")
    screenshot(phone, "field_sign_in_again")
    phone.fill("#sign-in-password", "wrong-password")
    phone.click("#sign-in-form button[type=submit]")
    wait_until(phone, "() => document.querySelector('#sign-in-error').textContent.length > 0")
    assert not DeviceToken.objects.filter(user=first).exists()

    phone.fill("#sign-in-password", PASSWORD)
    phone.fill("#sign-in-device", "Máy đội 2")
    phone.click("#sign-in-form button[type=submit]")
    phone.wait_for_selector("dialog#sign-in-again", state="detached")

    again = DeviceToken.objects.get(user=first)
    assert again.device == "Máy đội 2" and again.pk != revoked.pk
    wait_for_token(phone, "thanh_tra_a")


def test_after_the_session_expires_the_kept_page_is_shown_to_nobody_offline(
    phone: Any, live_server: Any, shared_phone_site: dict[str, Any], settings: Any
) -> None:
    settings.SESSION_COOKIE_AGE = 8
    open_field_app(phone, live_server, "thanh_tra_a")
    # While the session lasts, the page opens offline from the phone.
    phone.context.set_offline(True)
    phone.reload()
    phone.wait_for_selector("#field[data-ready=true]")
    phone.context.set_offline(False)

    time.sleep(9)
    phone.context.set_offline(True)
    phone.reload()
    phone.wait_for_selector("h1")

    assert phone.query_selector("#field") is None
    assert "Đã đăng xuất" in phone.inner_text("h1")
    assert "thanh_tra_a" not in phone.content()
    phone.context.set_offline(False)
    screenshot(phone, "field_expired_session_offline")
