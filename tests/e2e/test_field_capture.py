"""The field app in Chromium: capture offline, go online, the photo arrives exactly once."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.gis.geos import Point

from backend.accounts.models import Role
from backend.audit.models import CaseEvent
from backend.cases.models import ViolationCase
from backend.photos.models import SitePhoto
from tests.e2e.conftest import (
    PHONE_POSITION,
    open_field_app,
    read_store,
    screenshot,
    wait_until,
)
from tests.factories import WARD_A_BOX, CaseFactory, UserFactory, WardFactory, box
from tests.photos import imagery


@pytest.fixture
def field_site(settings: Any, tmp_path: Path) -> dict[str, Any]:
    # No basemap: the browser must not fetch tiles from the internet in tests.
    settings.TTXD_BASEMAP_URL = ""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    ward = WardFactory(code="90001", slug="WARDA", name="Phường A", boundary=box(*WARD_A_BOX))
    inspector = UserFactory(username="field_inspector", role=Role.INSPECTOR, wards=[ward])
    case = CaseFactory(
        ward=ward,
        opened_by=inspector,
        address="12 Lê Lợi",
        location=Point(106.69, 10.77, srid=4326),
    )
    return {"ward": ward, "inspector": inspector, "case": case}


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_photo_taken_offline_is_queued_then_uploaded_exactly_once(
    phone: Any, live_server: Any, field_site: dict[str, Any]
) -> None:
    case = field_site["case"]
    open_field_app(phone, live_server, "field_inspector")
    # The app opens on Today; the case list is one tap away.
    phone.click("#tab-cases")
    card = phone.locator(f"[data-case-id='{case.pk}']")
    card.wait_for()
    assert re.search(r"\d+ m", card.locator(".distance").inner_text())
    screenshot(phone, "field_case_list")
    card.click()
    phone.wait_for_selector("#capture-camera", state="attached")
    assert phone.get_attribute("#capture-camera", "capture") == "environment"
    assert phone.get_attribute("#capture-camera", "accept") == "image/*"

    phone.context.set_offline(True)
    wait_until(phone, "() => navigator.onLine === false")
    photo = imagery.jpeg(imagery.marked((160, 120)))
    phone.fill("#photo-note", "Mặt tiền, tầng 3")
    phone.set_input_files(
        "#capture-camera", {"name": "IMG_0001.JPG", "mimeType": "image/jpeg", "buffer": photo}
    )
    phone.wait_for_selector("li.photo[data-state=waiting]")
    queued = read_store(phone, "photos")
    assert len(queued) == 1
    assert queued[0]["state"] == "waiting"
    assert queued[0]["caseId"] == case.pk
    assert queued[0]["size"] == len(photo)
    assert queued[0]["device"]["lat"] == pytest.approx(PHONE_POSITION["latitude"])
    assert queued[0]["device"]["accuracy"] == PHONE_POSITION["accuracy"]
    assert SitePhoto.objects.count() == 0
    screenshot(phone, "field_capture_offline_queued")

    # Closing and reopening the app offline loses nothing: the shell comes from
    # the service worker, the photo from IndexedDB.
    phone.reload()
    phone.wait_for_selector("#field[data-ready=true]")
    phone.wait_for_selector("li.photo[data-state=waiting]")
    assert read_store(phone, "photos")[0]["state"] == "waiting"

    phone.context.set_offline(False)
    done = phone.locator("li.photo[data-state=done]")
    done.wait_for(timeout=20_000)
    distance = done.locator(".sent-distance").inner_text()
    assert re.search(r"\b2\d m\b", distance), distance  # ~25 m from the site
    assert read_store(phone, "photos")[0]["state"] == "done"
    # The thumbnail now comes from the server's derivative.
    wait_until(
        phone,
        "() => { const img = document.querySelector('li.photo[data-state=done] img');"
        " return img && img.complete && img.naturalWidth === 160; }",
    )
    screenshot(phone, "field_capture_uploaded")

    photo_row = SitePhoto.objects.get()
    assert photo_row.case_id == case.pk
    assert photo_row.note == "Mặt tiền, tầng 3"
    assert 20 < photo_row.device_distance_m < 30
    assert CaseEvent.objects.filter(case=case, kind="photo_added").count() == 1
    # Going offline and online again sends nothing more.
    phone.context.set_offline(True)
    phone.context.set_offline(False)
    phone.wait_for_timeout(500)
    assert SitePhoto.objects.count() == 1


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_case_opened_offline_is_sent_once_with_its_photo(
    phone: Any, live_server: Any, field_site: dict[str, Any]
) -> None:
    open_field_app(phone, live_server, "field_inspector")
    phone.context.set_offline(True)
    wait_until(phone, "() => navigator.onLine === false")
    phone.click("#open-case-here")
    phone.wait_for_selector("#new-case-map .leaflet-marker-icon")
    assert phone.locator("#new-case-map path.leaflet-interactive").count() == 1  # accuracy circle
    phone.select_option("#new-case-type", "art16_7")
    phone.fill("#new-case-address", "20 Lê Lợi")
    phone.fill("#new-case-description", "Xây thêm tầng 4 không phép")
    screenshot(phone, "field_open_case_offline")
    phone.click("#new-case-form button[type=submit]")
    phone.wait_for_selector("#capture-camera", state="attached")
    phone.set_input_files(
        "#capture-camera",
        {"name": "IMG_0002.JPG", "mimeType": "image/jpeg", "buffer": imagery.jpeg()},
    )
    phone.wait_for_selector("li.photo[data-state=waiting]")
    cases = read_store(phone, "cases")
    assert [c["state"] for c in cases] == ["waiting"]
    assert cases[0]["payload"]["lat"] == pytest.approx(PHONE_POSITION["latitude"])
    assert ViolationCase.objects.count() == 1  # only the one made by the fixture

    phone.context.set_offline(False)
    phone.locator("li.photo[data-state=done]").wait_for(timeout=20_000)
    opened = ViolationCase.objects.exclude(pk=field_site["case"].pk).get()
    assert opened.address == "20 Lê Lợi"
    assert opened.opened_by == field_site["inspector"]
    assert SitePhoto.objects.get().case_id == opened.pk
    assert CaseEvent.objects.filter(case=opened, kind="opened").count() == 1
    screenshot(phone, "field_open_case_sent")
