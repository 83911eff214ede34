"""The OGC API's HTML pages in a real Chromium: Vietnamese, Leaflet from our own
static files, the features drawn on the map."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_ward_boundaries_page_draws_the_wards_on_a_map(
    page: Any, live_server: Any, settings: Any, ward_a: Any, ward_b: Any
) -> None:
    settings.TTXD_BASEMAP_URL = ""  # no tile server in the test: the data layers alone
    blocked: list[str] = []
    page.on(
        "request",
        lambda r: blocked.append(r.url) if not r.url.startswith(live_server.url) else None,
    )
    page.goto(f"{live_server.url}/ogc/collections/wards/items?f=html")
    page.wait_for_selector("#ogc-map[data-ready='1']")
    assert page.get_attribute("#ogc-map", "data-features") == "2"
    assert page.locator("[data-testid=counts]").inner_text() == "2 trên 2 đối tượng"
    assert page.locator(".leaflet-interactive").count() == 2
    assert blocked == []  # nothing from a CDN
    screenshot(page, "ogc_wards_items")
    page.click(f"a[href^='/ogc/collections/wards/items/{ward_a.pk}']")
    page.wait_for_selector("#ogc-map[data-ready='1']")
    assert page.get_attribute("#ogc-map", "data-features") == "1"
    assert "Phường A" in page.locator("[data-testid=properties]").inner_text()
    screenshot(page, "ogc_ward_item")
