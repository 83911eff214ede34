"""Citizens' reports in Chromium: drawn on the map by status with the overdue ring, a
popup from the tile alone (no personal data) linking to the report's page, a toggle."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from backend.accounts.models import Role
from backend.intake.models import Tip
from tests.e2e.conftest import log_in, screenshot
from tests.e2e.test_map import container_point
from tests.factories import UserFactory, WardFactory, box
from tests.intake.conftest import file_tip

PASSWORD = "pass-1234-word"


def _count(page: Any) -> int:
    return int(
        page.evaluate(
            """() => [...document.querySelectorAll('canvas[data-layer="tips"]')]
                     .reduce((k, c) => k + Number(c.dataset.features || 0), 0)"""
        )
    )


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_an_inspector_sees_the_wards_reports_and_opens_one(
    page: Any, live_server: Any, settings: Any
) -> None:
    settings.TTXD_BASEMAP_URL = ""
    ward = WardFactory(
        code="26734", slug="BENTHANH", boundary=box(106.690, 10.765, 106.705, 10.780)
    )
    other = WardFactory(code="26737", slug="SAIGON", boundary=box(106.705, 10.765, 106.720, 10.780))
    UserFactory(username="tuan", role=Role.INSPECTOR, wards=[ward])
    late = file_tip(lat=10.7725, lon=106.6975, submission_key="late")
    Tip.objects.filter(pk=late.pk).update(
        response_due_on=timezone.localdate() - datetime.timedelta(days=2)
    )
    file_tip(lat=10.7715, lon=106.6985, submission_key="fresh")
    file_tip(lat=10.7720, lon=106.7100, submission_key="other")  # another ward: never shown
    assert other.pk

    log_in(page, live_server, "tuan", PASSWORD)
    page.goto(f"{live_server.url}/map/?lat=10.77200&lon=106.69800&z=17")
    page.wait_for_function(
        """() => [...document.querySelectorAll('canvas[data-layer="tips"]')]
                 .reduce((k, c) => k + Number(c.dataset.features || 0), 0) >= 2"""
    )
    assert _count(page) == 2
    assert page.locator('[data-testid="tip-legend"]').is_visible()

    x, y = container_point(page, late.location.y, late.location.x)
    page.mouse.click(x, y)
    popup = page.locator(".tip-popup")
    popup.wait_for()
    text = popup.inner_text()
    assert late.code in text and "Quá hạn trả lời" in text
    assert "Nguyễn Văn Dân" not in text and "0901" not in text
    assert popup.locator("dd.overdue").count() == 1
    assert popup.locator("a.popup-button").get_attribute("href") == f"/tips/{late.pk}/"
    page.wait_for_timeout(300)
    screenshot(page, "map_tip_overdue_popup")

    # The layer control turns the reports off.
    page.keyboard.press("Escape")
    page.locator(".leaflet-control-layers").hover()
    page.get_by_label("Phản ánh của người dân").uncheck()
    page.wait_for_function(
        """() => !document.getElementById('ttxd-map').ttxdMap
                 .hasLayer(document.getElementById('ttxd-map').ttxdLayers.tips)"""
    )
