"""The city auditor opens the audit dashboard and a case's timeline in Chromium."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import log_in, screenshot
from tests.reports.conftest import City
from tests.reports.conftest import city as city  # noqa: PLC0414 - the constructed city fixture

PASSWORD = "pass-1234-word"


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_auditor_reads_the_dashboard_and_a_timeline(
    page: Any, live_server: Any, settings: Any, city: City, auditor: Any
) -> None:
    settings.TTXD_BASEMAP_URL = ""  # no tiles from outside: the data layers still show
    log_in(page, live_server, "auditor", PASSWORD)
    # The home page sends a city auditor to the audit.
    assert page.url.rstrip("/").endswith("/audit")
    page.wait_for_selector("#audit-map.loaded")
    assert page.get_attribute("#audit-map", "data-wards") == "2"
    assert page.locator("#audit-map path.leaflet-interactive").count() == 2
    ward_a = page.locator('#by-stage tbody tr[data-ward="90001"]')
    assert ward_a.locator("td").nth(-1).inner_text().strip() == "3"  # all of ward A's cases
    assert "75%" in ward_a.inner_text()  # its steps on time
    assert page.locator("#chain-head code.hash").inner_text().strip()
    assert page.locator("#per-month tbody tr").count() == 3
    screenshot(page, "audit-dashboard")

    # A filter narrows every figure.
    page.select_option("select[name=violation_type]", "art16_9")
    page.click("#audit-filters button[type=submit]")
    page.wait_for_selector("#audit-map.loaded")
    assert page.locator('#by-stage tfoot tr[data-ward=""] td').nth(-1).inner_text().strip() == "1"

    # A figure leads to the cases behind it.
    page.goto(f"{live_server.url}/audit/")
    page.locator('#by-stage tbody tr[data-ward="90001"] td').nth(-1).locator("a").click()
    page.wait_for_load_state("networkidle")
    assert "ward=90001" in page.url
    assert page.locator("#case-filter").is_visible()
    for code in (city.a1.code, city.a2.code, city.a3.code):
        assert page.get_by_text(code).count() >= 1
    assert page.get_by_text(city.b1.code).count() == 0

    # The timeline of the closed case: every step, its document and its delay.
    page.goto(f"{live_server.url}/cases/{city.a1.pk}/timeline/")
    rows = page.locator("#timeline tbody tr.event")
    assert rows.count() == 4
    assert "1/BB-VPHC" in rows.nth(1).inner_text()
    assert "7/QĐ-XPHC" in rows.nth(2).inner_text()
    assert rows.nth(2).locator(".late").count() == 1
    screenshot(page, "audit-timeline")
