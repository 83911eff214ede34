"""The ward map offline in Chromium: save the ward, lose the network, reload, the map still draws it."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.gis.geos import Point

from backend.accounts.models import Role
from tests.e2e.conftest import open_field_app, screenshot, wait_until
from tests.factories import (
    WARD_A_BOX,
    WARD_B_BOX,
    CaseFactory,
    PermitFactory,
    UserFactory,
    WardFactory,
    box,
)

# Canvases of one layer that drew features: [tiles, features].
DRAWN = """
(layer) => {
  const tiles = [...document.querySelectorAll(`canvas.ttxd-vt-tile[data-layer=${layer}]`)];
  const drawn = tiles.filter((c) => Number(c.dataset.features || 0) > 0);
  return drawn.length ? [drawn.length, drawn.reduce((n, c) => n + Number(c.dataset.features), 0)] : null;
}
"""
CACHES = "async () => (await caches.keys()).filter((name) => name.startsWith('ttxd-offline-'))"


@pytest.fixture
def ward_city(settings: Any) -> dict[str, Any]:
    settings.TTXD_BASEMAP_URL = ""  # never the internet's tile servers in tests
    ward_a = WardFactory(code="90001", slug="WARDA", name="Phường A", boundary=box(*WARD_A_BOX))
    ward_b = WardFactory(code="90002", slug="WARDB", name="Phường B", boundary=box(*WARD_B_BOX))
    inspector = UserFactory(username="map_inspector", role=Role.INSPECTOR, wards=[ward_a])
    for i in range(6):
        for j in range(6):
            west, south = 106.6890 + i * 0.0003, 10.7690 + j * 0.0003
            PermitFactory(ward=ward_a, parcel=box(west, south, west + 0.0002, south + 0.0002))
    PermitFactory(number="B-0001/GPXD", ward=ward_b, parcel=box(106.7002, 10.77, 106.7004, 10.7702))
    CaseFactory(ward=ward_a, opened_by=inspector, location=Point(106.6905, 10.7705, srid=4326))
    return {"inspector": inspector}


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_saved_ward_map_works_with_no_network(
    phone: Any, live_server: Any, ward_city: dict[str, Any]
) -> None:
    open_field_app(phone, live_server, "map_inspector")
    phone.click("#open-ward-map")
    estimate = phone.locator("#offline-estimate")
    estimate.wait_for()
    assert "Phường A" in estimate.inner_text() and "MB" in estimate.inner_text()
    assert phone.locator("#offline-none").is_visible()
    phone.click("#offline-save")
    saved = phone.locator("#offline-saved")
    saved.wait_for(timeout=30_000)
    assert "Đã lưu Phường A" in saved.inner_text()
    assert wait_until(phone, CACHES) == ["ttxd-offline-map_inspector"]
    screenshot(phone, "field_offline_map_saved")

    phone.context.set_offline(True)
    wait_until(phone, "() => navigator.onLine === false")
    phone.goto(f"{live_server.url}/field/#/map")
    phone.wait_for_selector("#field[data-ready=true]")
    assert "Đã lưu Phường A" in phone.locator("#offline-saved").inner_text()
    assert "bản đã lưu" in phone.locator("#offline-panel").inner_text()
    # The boundary at the zoom the ward opens at, then the parcels closer in.
    assert wait_until(phone, DRAWN, "wards")
    phone.click(".leaflet-control-zoom-in")
    phone.wait_for_timeout(400)
    phone.click(".leaflet-control-zoom-in")
    tiles, parcels = wait_until(phone, DRAWN, "permits")
    assert parcels >= 36  # every parcel of the ward, some drawn by two tiles
    assert wait_until(phone, DRAWN, "cases")
    errors = phone.evaluate(
        "() => document.querySelectorAll('canvas.ttxd-vt-tile[data-layer=permits][data-error]').length"
    )
    screenshot(phone, "field_offline_map_offline")
    assert errors == 0, "a tile of the saved ward was not in the copy"

    phone.click("#offline-delete")
    phone.locator("#offline-none").wait_for()
    assert wait_until(phone, f"async () => ({CACHES})().then((n) => n.length === 0)")
