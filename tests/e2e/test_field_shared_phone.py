"""A shared phone: the next user never gets the last user's photos from the field app's caches."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.gis.geos import Point
from django.test import Client

from backend.accounts.models import Role
from backend.photos.services import photo_ingest
from tests.e2e.conftest import PASSWORD, log_in, open_field_app, screenshot, sign_out, wait_until
from tests.factories import WARD_A_BOX, WARD_B_BOX, CaseFactory, UserFactory, WardFactory, box
from tests.photos import imagery

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


FETCH_STATUS = """
async (url) => {
  try {
    const response = await fetch(url, { credentials: "same-origin" });
    return response.status;
  } catch (error) {
    return "network error";
  }
}
"""
CACHE_NAMES = "caches.keys()"
APP_PAGE_KEPT = """
async () => {
  for (const name of await caches.keys()) {
    if (!name.startsWith("ttxd-field-")) continue;
    if (await (await caches.open(name)).match("/field/", { ignoreVary: true })) return true;
  }
  return false;
}
"""


@pytest.fixture
def two_inspectors(settings: Any, tmp_path: Path) -> dict[str, Any]:
    settings.TTXD_BASEMAP_URL = ""  # the browser must not reach the internet
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    ward_a = WardFactory(code="90001", slug="WARDA", name="Phường A", boundary=box(*WARD_A_BOX))
    ward_b = WardFactory(code="90002", slug="WARDB", name="Phường B", boundary=box(*WARD_B_BOX))
    first = UserFactory(username="thanh_tra_a", role=Role.INSPECTOR, wards=[ward_a])
    second = UserFactory(username="thanh_tra_b", role=Role.INSPECTOR, wards=[ward_b])
    case = CaseFactory(ward=ward_a, opened_by=first, location=Point(106.69, 10.77, srid=4326))
    photo = photo_ingest(
        actor=first, case=case, data=imagery.jpeg(imagery.marked((160, 120)))
    ).photo
    return {"first": first, "second": second, "thumbnail": f"/photos/{photo.pk}/thumbnail/"}


def first_user_sees_the_photo_online_and_offline(
    page: Any, live_server: Any, thumbnail: str
) -> None:
    log_in(page, live_server, "thanh_tra_a", PASSWORD)
    open_field_app(page, live_server)
    assert page.evaluate(FETCH_STATUS, thumbnail) == 200
    assert "ttxd-photos-thanh_tra_a" in page.evaluate(CACHE_NAMES)
    # Offline, the user who saw the photo still has it on the phone.
    page.context.set_offline(True)
    assert page.evaluate(FETCH_STATUS, thumbnail) == 200
    page.context.set_offline(False)


def test_after_logout_the_next_user_gets_no_photo_of_the_last(
    phone: Any, live_server: Any, two_inspectors: dict[str, Any]
) -> None:
    thumbnail = two_inspectors["thumbnail"]
    first_user_sees_the_photo_online_and_offline(phone, live_server, thumbnail)

    sign_out(phone)
    phone.wait_for_url(f"{live_server.url}/login/")
    # The login page drops every user's photos and the app page of the last user.
    wait_until(
        phone,
        "async () => !(await caches.keys()).some((name) => name.startsWith('ttxd-photos-'))",
    )
    wait_until(phone, f"async () => !(await ({APP_PAGE_KEPT})())")

    log_in(phone, live_server, "thanh_tra_b", PASSWORD)
    open_field_app(phone, live_server)
    # Online the server decides (another ward's photo: 404) ...
    assert phone.evaluate(FETCH_STATUS, thumbnail) == 404
    # ... and offline there is no copy to hand out.
    phone.context.set_offline(True)
    assert phone.evaluate(FETCH_STATUS, thumbnail) == "network error"
    phone.context.set_offline(False)
    screenshot(phone, "field_shared_phone_second_user")


def test_a_new_session_on_the_phone_drops_the_last_users_photos_even_without_the_login_page(
    phone: Any, live_server: Any, two_inspectors: dict[str, Any]
) -> None:
    thumbnail = two_inspectors["thumbnail"]
    first_user_sees_the_photo_online_and_offline(phone, live_server, thumbnail)

    # The second user's session arrives without this browser showing the login page.
    other = Client()
    other.force_login(two_inspectors["second"])
    cookie = django_settings.SESSION_COOKIE_NAME
    phone.context.clear_cookies()
    phone.context.add_cookies(
        [{"name": cookie, "value": other.cookies[cookie].value, "url": live_server.url}]
    )
    open_field_app(phone, live_server)
    names = phone.evaluate(CACHE_NAMES)
    assert "ttxd-photos-thanh_tra_b" in names
    assert "ttxd-photos-thanh_tra_a" not in names
    assert phone.evaluate(FETCH_STATUS, thumbnail) == 404
    phone.context.set_offline(True)
    assert phone.evaluate(FETCH_STATUS, thumbnail) == "network error"
    phone.context.set_offline(False)
