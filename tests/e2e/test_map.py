"""The map page in Chromium: cases drawn, filters change the counts, popups open."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.utils import timezone

from backend.accounts.models import Role
from backend.cases.models import Stage, ViolationType
from tests.e2e.conftest import log_in, screenshot
from tests.factories import CaseFactory, PermitFactory, UserFactory, WardFactory, box

PASSWORD = "pass-1234-word"


def case_at(ward: Any, lon: float, lat: float, **kwargs: Any) -> Any:
    return CaseFactory(ward=ward, location=Point(lon, lat, srid=4326), **kwargs)


def container_point(page: Any, lat: float, lon: float) -> tuple[float, float]:
    """Where a place is on the screen, asked of the page's own Leaflet map."""
    return page.evaluate(
        """([lat, lon]) => {
            const map = document.getElementById('ttxd-map').ttxdMap;
            const p = map.latLngToContainerPoint([lat, lon]);
            const r = map.getContainer().getBoundingClientRect();
            return [r.left + p.x, r.top + p.y];
        }""",
        [lat, lon],
    )


def wait_for_total(page: Any, total: int) -> None:
    page.wait_for_function(
        "(n) => document.getElementById('map-totals').dataset.total === String(n)", arg=total
    )


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_leader_sees_cases_filters_them_and_opens_a_popup(page, live_server, settings):
    settings.TTXD_BASEMAP_URL = ""
    today = timezone.localdate()
    ward = WardFactory(
        code="26734",
        slug="BENTHANH",
        name="Phường Bến Thành",
        boundary=box(106.690, 10.765, 106.705, 10.780),
    )
    other = WardFactory(code="26737", slug="SAIGON", boundary=box(106.705, 10.765, 106.720, 10.780))
    UserFactory(username="leader", role=Role.WARD_LEADER, wards=[ward])
    inspector = UserFactory(
        username="tuan", full_name="Trần Văn Tuấn", role=Role.INSPECTOR, wards=[ward]
    )
    overdue = case_at(
        ward,
        106.6975,
        10.7725,
        stage=Stage.SUSPENDED,
        assigned_inspector=inspector,
        stage_deadline=today - datetime.timedelta(days=3),
        address="45 Lê Thánh Tôn",
    )
    case_at(
        ward,
        106.6930,
        10.7690,
        stage=Stage.DETECTED,
        stage_deadline=today + datetime.timedelta(days=2),
    )
    case_at(ward, 106.7010, 10.7760, stage=Stage.HALTED, violation_type=ViolationType.CLAUSE_10)
    case_at(ward, 106.6950, 10.7770, stage=Stage.CLOSED)
    case_at(other, 106.7150, 10.7700, stage=Stage.DETECTED)  # another ward: never shown
    PermitFactory(
        ward=ward,
        number="15/GPXD",
        parcel=MultiPolygon(Polygon.from_bbox((106.6960, 10.7710, 106.6966, 10.7716)), srid=4326),
    )

    log_in(page, live_server, "leader", PASSWORD)

    # A leader lands on the map of their ward.
    page.wait_for_url("**/map/**")
    page.wait_for_function(
        """() => [...document.querySelectorAll('canvas[data-layer="cases"]')]
                 .reduce((n, c) => n + Number(c.dataset.features || 0), 0) >= 4"""
    )
    wait_for_total(page, 4)
    assert page.locator('[data-count-for="suspended"]').inner_text() == "1"
    assert page.locator("#map-error").is_hidden()

    # A filter: only overdue cases. The counts and the address bar follow.
    page.check("input[name=overdue]")
    wait_for_total(page, 1)
    assert "overdue=1" in page.url
    assert page.locator('[data-count-for="halted"]').inner_text() == "0"
    page.wait_for_function(
        """() => [...document.querySelectorAll('canvas[data-layer="cases"]')]
                 .reduce((n, c) => n + Number(c.dataset.features || 0), 0) === 1"""
    )

    # Click the overdue case: its popup shows the code, the inspector, a link.
    x, y = container_point(page, overdue.location.y, overdue.location.x)
    page.mouse.click(x, y)
    popup = page.locator(".case-popup")
    popup.wait_for()
    assert overdue.code in popup.inner_text()
    assert "Trần Văn Tuấn" in popup.inner_text()
    assert popup.locator("dd.overdue").count() == 1
    assert popup.locator("h3 a").get_attribute("href") == f"/cases/{overdue.pk}/"
    page.wait_for_timeout(400)  # the popup fades in
    screenshot(page, "map_leader_overdue_popup")

    # The link carries the view: opening it again shows the same selection.
    page.goto(page.url)
    wait_for_total(page, 1)
    assert page.locator("input[name=overdue]").is_checked()

    # Dates are typed dd/mm/yyyy: nothing was detected before yesterday.
    yesterday = today - datetime.timedelta(days=1)
    page.fill("#map-filter-to", yesterday.strftime("%d/%m/%Y"))
    page.press("#map-filter-to", "Tab")
    wait_for_total(page, 0)
    assert f"to={yesterday.isoformat()}" in page.url


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_search_flies_to_a_case(page, live_server, settings):
    settings.TTXD_BASEMAP_URL = ""
    ward = WardFactory(
        code="26734", slug="BENTHANH", boundary=box(106.690, 10.765, 106.705, 10.780)
    )
    UserFactory(username="leader", role=Role.WARD_LEADER, wards=[ward])
    case = case_at(ward, 106.7000, 10.7700, address="9 Nguyễn Huệ")

    log_in(page, live_server, "leader", PASSWORD)
    page.wait_for_url("**/map/**")
    page.fill("#map-search-input", "Nguyễn Huệ")
    page.locator(".search-result").first.click()

    popup = page.locator(".case-popup")
    popup.wait_for()
    assert case.code in popup.inner_text()
    assert page.evaluate("document.getElementById('ttxd-map').ttxdMap.getZoom()") >= 17
    screenshot(page, "map_search_result")
