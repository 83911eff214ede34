"""The public report page in Chromium: a resident files a report with a photo while
offline; it arrives once when the network comes back; the ward triages it into a
case; the status page follows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from backend.accounts.models import Role
from backend.intake.models import Tip, TipStatus
from backend.photos.models import SitePhoto
from tests.e2e.conftest import PASSWORD, PHONE_POSITION, log_in, screenshot, wait_until
from tests.factories import WARD_A_BOX, UserFactory, WardFactory, box
from tests.photos import imagery

READ_TIPS = """
async () => {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open("ttxd-tips");
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const items = await new Promise((resolve, reject) => {
    const request = db.transaction("reports").objectStore("reports").getAll();
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  db.close();
  return items.map((item) => ({
    key: item.key, state: item.state, result: item.result, payload: item.payload,
    photos: item.photos.map((p) => ({ state: p.state, size: p.blob ? p.blob.size : null })),
  }));
}
"""


@pytest.fixture
def public_site(settings: Any, tmp_path: Path) -> Any:
    # No base map: the browser must not fetch tiles from the internet in tests.
    settings.TTXD_BASEMAP_URL = ""
    settings.TTXD_TIP_MIN_FILL_SECONDS = 2
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    return WardFactory(code="90001", slug="WARDA", name="Phường A", boundary=box(*WARD_A_BOX))


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_a_report_made_offline_arrives_once_and_its_status_page_follows(
    phone: Any, live_server: Any, public_site: Any
) -> None:
    refused: list[str] = []
    phone.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    phone.goto(f"{live_server.url}/phan-anh/")
    phone.wait_for_selector("#tip-page[data-ready=true]")
    # The page's files are kept for offline use by its service worker.
    wait_until(phone, "async () => !!(await navigator.serviceWorker.ready).active")

    phone.context.set_offline(True)
    wait_until(phone, "() => navigator.onLine === false")
    phone.click("#use-position")
    phone.wait_for_selector(".leaflet-marker-icon")
    assert float(phone.input_value("#tip-lat")) == pytest.approx(PHONE_POSITION["latitude"])
    phone.check("input[name=category][value=no_permit]")
    phone.fill("#tip-description", "Đang đổ bê tông tầng 4, không thấy biển báo giấy phép")
    photo = imagery.jpeg(imagery.marked((160, 120)))
    phone.set_input_files(
        "#tip-photos", {"name": "IMG_0042.JPG", "mimeType": "image/jpeg", "buffer": photo}
    )
    phone.wait_for_selector("#photo-list img")
    phone.fill("#tip-phone", "0901234567")
    phone.wait_for_timeout(2100)  # a person takes longer than the minimum fill time
    phone.click("#tip-submit")

    phone.wait_for_selector("#queue-list li[data-state=waiting]")
    queued = phone.evaluate(READ_TIPS)
    assert len(queued) == 1 and queued[0]["result"] is None
    assert queued[0]["photos"] == [{"state": "waiting", "size": len(photo)}]
    assert queued[0]["payload"]["category"] == "no_permit"
    assert Tip.objects.count() == 0
    screenshot(phone, "tip_public_offline_queued")

    # Reopened offline, the page comes from the service worker and the report from IndexedDB.
    phone.reload()
    phone.wait_for_selector("#tip-page[data-ready=true]")
    phone.wait_for_selector("#queue-list li[data-state=waiting]")

    phone.context.set_offline(False)
    sent = phone.locator("#queue-list li[data-state=sent]")
    sent.wait_for(timeout=20_000)
    tip = Tip.objects.get()
    assert SitePhoto.objects.filter(tip=tip).count() == 1
    assert tip.reporter_phone == "0901234567" and tip.ward == public_site
    assert sent.locator(".tip-code").inner_text() == tip.code
    link = sent.locator("a.tip-status-link")
    assert link.get_attribute("href") == f"/phan-anh/theo-doi/{tip.code}/"
    assert phone.evaluate(READ_TIPS)[0]["photos"][0]["state"] == "sent"
    screenshot(phone, "tip_public_sent")

    # Once only, however often the queue runs again.
    phone.context.set_offline(True)
    phone.context.set_offline(False)
    phone.wait_for_timeout(1500)
    assert Tip.objects.count() == 1 and SitePhoto.objects.count() == 1

    link.click()
    phone.wait_for_selector("#tip-code")
    assert phone.inner_text("#tip-code") == tip.code
    assert phone.inner_text("#tip-status").startswith("Đã tiếp nhận")
    assert tip.status == TipStatus.RECEIVED
    thumbnail = phone.locator(".photo-list img")
    assert thumbnail.get_attribute("src") == (
        f"/phan-anh/anh/{tip.code}/{tip.photos.get().pk}.jpg?size=small"
    )
    wait_until(phone, "() => document.querySelector('.photo-list img').naturalWidth > 0")
    assert "0901234567" not in phone.content()
    screenshot(phone, "tip_public_status")
    assert refused == []  # no inline script or style on either page

    # The ward triages it into a case, in its own browser: the report's photo becomes evidence.
    leader = UserFactory(
        username="leader_a", full_name="Trần Lãnh Đạo", role=Role.WARD_LEADER, wards=[public_site]
    )
    desk = phone.context.browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    page = desk.new_page()
    try:
        log_in(page, live_server, leader.username, PASSWORD)
        page.goto(f"{live_server.url}/tips/")
        page.locator(f"a:text('{tip.code}')").click()
        page.wait_for_selector("#tip-map[data-ready='1']")
        page.locator("details[data-action=open-case] summary").click()
        assert page.locator("#oc-type").input_value() == "art16_7"  # "no permit" suggests 16.7
        page.click("[data-testid=open-case]")
        page.wait_for_selector("[data-testid=tip-case]")
    finally:
        desk.close()
    tip.refresh_from_db()
    assert tip.status == TipStatus.CASE_OPENED and tip.case is not None
    assert SitePhoto.objects.filter(case=tip.case).count() == 1

    # The reporter's status page follows: the case and its stage, no staff name.
    phone.reload()
    phone.wait_for_selector("#tip-code")
    assert phone.inner_text("#tip-status").startswith("Đã lập hồ sơ vụ việc")
    assert tip.case.code in phone.inner_text("main")
    content = phone.content()
    assert leader.username not in content, content[content.find(leader.username) - 300 :][:600]
    assert leader.full_name not in content
    screenshot(phone, "tip_public_status_case_opened")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_a_pin_outside_the_city_is_refused_with_the_servers_message_then_corrected(
    phone: Any, live_server: Any, public_site: Any
) -> None:
    phone.goto(f"{live_server.url}/phan-anh/")
    phone.wait_for_selector("#tip-page[data-ready=true]")
    # The map opens on the city's centre, east of the only ward here.
    phone.click("#tip-map", position={"x": 200, "y": 120})
    phone.wait_for_selector(".leaflet-marker-icon")
    assert float(phone.input_value("#tip-lon")) > 106.70
    phone.check("input[name=category][value=encroachment]")
    phone.fill("#tip-email", "dan@example.com")
    phone.check("#tip-notify")
    phone.wait_for_timeout(2100)
    phone.click("#tip-submit")
    refused = phone.locator("#queue-list li[data-state=refused]")
    refused.wait_for()
    assert "ngoài" in refused.inner_text()
    assert Tip.objects.count() == 0

    # Corrected: the form comes back filled in, with the message by the map.
    refused.locator("button.tip-edit").click()
    error = phone.locator("[data-error-for=location]")
    assert "ngoài" in error.inner_text() and error.is_visible()
    assert phone.input_value("#tip-email") == "dan@example.com"
    assert phone.is_checked("input[name=category][value=encroachment]")
    assert phone.locator("#queue-list li").count() == 0
    phone.click("#use-position")
    wait_until(
        phone, "() => Math.abs(Number(document.querySelector('#tip-lon').value) - 106.69005) < 1e-6"
    )
    phone.click("#tip-submit")
    phone.locator("#queue-list li[data-state=sent]").wait_for()
    tip = Tip.objects.get()
    assert tip.category == "encroachment" and tip.notify_by_email
    assert tip.reporter_email == "dan@example.com"
