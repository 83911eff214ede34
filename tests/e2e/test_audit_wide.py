"""The audit dashboard on a 1,366-pixel office screen with many wards (issue 16 §5).

Every figures table scrolls inside itself, never the page, and its first
column (the ward, the month) stays in view while the rest scrolls.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.gis.geos import Point

from backend.cases.models import Stage
from tests.e2e.conftest import SCREENSHOTS, log_in, screenshot
from tests.factories import CaseFactory, UserFactory, WardFactory, box

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-1234-word"
HCM = datetime.timezone(datetime.timedelta(hours=7))
WARDS = 30
TABLES = ("coverage-wards", "by-stage", "medians", "per-month")


@pytest.fixture
def many_wards(settings: Any) -> list[Any]:
    settings.TTXD_BASEMAP_URL = ""
    wards = []
    for i in range(WARDS):
        lon = 106.60 + 0.01 * (i % 10)
        lat = 10.70 + 0.01 * (i // 10)
        ward = WardFactory(
            code=f"9{i:04d}",
            slug=f"W{i}",
            name=f"Phường Thạnh Mỹ Lợi Bình Trưng {i + 1}",
            boundary=box(lon, lat, lon + 0.01, lat + 0.01),
        )
        inspector = UserFactory(username=f"tt_{i}", role="inspector", wards=[ward])
        for month in (1, 2, 3):
            CaseFactory(
                ward=ward,
                opened_by=inspector,
                location=Point(lon + 0.005, lat + 0.005, srid=4326),
                detected_at=datetime.datetime(2026, month, 5, 9, tzinfo=HCM),
                stage=Stage.DETECTED,
            )
        wards.append(ward)
    return wards


def test_the_dashboard_fits_an_office_screen_and_keeps_the_first_column(
    browser: Any, live_server: Any, many_wards: list[Any], auditor: Any
) -> None:
    context = browser.new_context(
        viewport={"width": 1366, "height": 768}, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh"
    )
    page = context.new_page()
    try:
        log_in(page, live_server, "auditor", PASSWORD)
        page.goto(f"{live_server.url}/audit/?detected_from=2026-01-01")
        page.wait_for_selector("#per-month tbody tr")
        # The page itself never scrolls sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366
        for table in TABLES:
            box_ = page.evaluate(
                """(id) => {
                  const table = document.getElementById(id);
                  const frame = table.closest('.scroll');
                  const first = table.querySelector('tbody tr > :first-child');
                  const before = first.getBoundingClientRect().left;
                  frame.scrollLeft = 10000;
                  const after = first.getBoundingClientRect().left;
                  const second = table.querySelector('tbody tr > :nth-child(2)');
                  return {frame: frame.getBoundingClientRect().right, scroll: frame.scrollLeft,
                          overflows: frame.scrollWidth > frame.clientWidth, before, after,
                          second: second.getBoundingClientRect().left, firstRight: first.getBoundingClientRect().right};
                }""",
                table,
            )
            assert box_["frame"] <= 1366, table
            if box_["overflows"]:
                # Scrolled to its end, the first column is still where it was.
                assert box_["scroll"] > 0 and abs(box_["after"] - box_["before"]) < 1, (table, box_)
        # The widest (a column per ward per month) does overflow: the check above ran on it.
        assert page.evaluate(
            "(() => { const f = document.getElementById('per-month').closest('.scroll');"
            " return f.scrollWidth > f.clientWidth; })()"
        )
        # Rows stay one or two lines high: names are not squeezed into a narrow column.
        heights = page.evaluate(
            "[...document.querySelectorAll('#by-stage tbody tr')].map(r => r.getBoundingClientRect().height)"
        )
        assert max(heights) < 60, heights
        page.locator("#by-stage").scroll_into_view_if_needed()
        page.evaluate("document.getElementById('by-stage').closest('.scroll').scrollLeft = 300")
        page.screenshot(path=str(screenshot(page, "audit-dashboard-1366")))
        page.screenshot(path=str(SCREENSHOTS / "audit-dashboard-1366-by-stage.png"))
    finally:
        context.close()
