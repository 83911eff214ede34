"""Construction sites in Chromium: drawn on the map by status and inspection due, a
popup linking to the site page, and the site page's storeys chart and photo table."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from backend.accounts.models import Role
from backend.sites.models import SiteStatus
from tests.e2e.conftest import log_in, screenshot
from tests.e2e.test_map import container_point
from tests.factories import PermitFactory, UserFactory, WardFactory, box
from tests.sites.helpers import make_site, make_visit, make_visit_photo

PASSWORD = "pass-1234-word"


def _drawn(page: Any, n: int) -> None:
    page.wait_for_function(
        """(n) => [...document.querySelectorAll('canvas[data-layer="sites"]')]
                 .reduce((k, c) => k + Number(c.dataset.features || 0), 0) >= n""",
        arg=n,
    )


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_leader_sees_sites_by_inspection_due_and_opens_one(page, live_server, settings):
    settings.TTXD_BASEMAP_URL = ""
    today = timezone.localdate()
    ward = WardFactory(
        code="26734", slug="BENTHANH", boundary=box(106.690, 10.765, 106.705, 10.780)
    )
    other = WardFactory(code="26737", slug="SAIGON", boundary=box(106.705, 10.765, 106.720, 10.780))
    UserFactory(username="leader", role=Role.WARD_LEADER, wards=[ward])
    inspector = UserFactory(username="tuan", full_name="Trần Văn Tuấn", wards=[ward])
    permit = PermitFactory(ward=ward, number="15/GPXD", permitted_storeys=4)
    overdue = make_site(
        ward,
        (106.6975, 10.7725),
        origin="permit",
        permit=permit,
        address="45 Lê Thánh Tôn",
        next_visit_due=today - datetime.timedelta(days=4),
        actor=inspector,
    )
    make_site(
        ward,
        (106.6985, 10.7715),
        status=SiteStatus.FINISHING,
        next_visit_due=today + datetime.timedelta(days=2),
    )
    make_site(other, (106.7100, 10.7720))  # another ward: never shown
    first = make_visit(overdue, inspector, today - datetime.timedelta(days=40), storeys_built=3)
    second = make_visit(
        overdue,
        inspector,
        today - datetime.timedelta(days=10),
        storeys_built=5,
        outcome="violation",
    )
    make_visit_photo(first, bearing=15.0, n=1)
    make_visit_photo(second, bearing=5.0, n=2)

    log_in(page, live_server, "leader", PASSWORD)
    page.goto(f"{live_server.url}/map/?lat=10.77200&lon=106.69800&z=17")
    _drawn(page, 2)
    assert page.locator('[data-testid="site-legend"]').is_visible()
    drawn = page.evaluate(
        """() => [...document.querySelectorAll('canvas[data-layer="sites"]')]
                 .reduce((k, c) => k + Number(c.dataset.features || 0), 0)"""
    )
    assert drawn == 2

    x, y = container_point(page, overdue.location.y, overdue.location.x)
    page.mouse.click(x, y)
    popup = page.locator(".site-popup")
    popup.wait_for()
    text = popup.inner_text()
    assert "45 Lê Thánh Tôn" in text and "Quá hạn kiểm tra" in text
    assert "– / 4" in text  # storeys built (none recorded on the site yet) / permitted
    assert popup.locator("dd.overdue").count() == 1
    page.wait_for_timeout(400)
    screenshot(page, "map_site_overdue_popup")

    popup.locator("a.popup-button").click()
    page.wait_for_url(f"**/sites/{overdue.pk}/")
    chart = page.locator('[data-testid="storeys-chart"]')
    chart.wait_for()
    assert chart.locator("circle").count() == 2
    assert chart.locator("circle.over").count() == 1
    assert page.locator('[data-testid="permitted-line"]').count() == 1
    rows = page.locator('[data-testid="photo-compare"] tbody tr')
    assert rows.count() == 1 and "Hướng Bắc" in rows.first.inner_text()
    screenshot(page, "site_page_storeys_and_photos")
