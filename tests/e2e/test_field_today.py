"""The inspector's day in Chromium: sign in, land on Today, the stops in route order
on the list and on the map, a case opened from it, and the list kept for offline."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from backend.accounts.models import Role
from backend.cases.models import ViolationCase
from backend.sites.models import Site, SiteOrigin, SiteStatus
from gis.route import LatLon, plan_route
from tests.e2e.conftest import PASSWORD, PHONE_POSITION, log_in, screenshot, wait_until
from tests.factories import WARD_A_BOX, WARD_B_BOX, CaseFactory, UserFactory, WardFactory, box

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _site(ward: Any, lat: float, lon: float, due: datetime.date, address: str) -> Site:
    return Site.objects.create(
        ward=ward,
        origin=SiteOrigin.PATROL,
        address=address,
        location=Point(lon, lat, srid=4326),
        status=SiteStatus.STRUCTURE,
        status_since=due - datetime.timedelta(days=60),
        next_visit_due=due,
    )


@pytest.fixture
def day(settings: Any) -> dict[str, Any]:
    settings.TTXD_BASEMAP_URL = ""  # never fetch tiles from the internet in tests
    today = timezone.localdate()
    ward = WardFactory(code="90001", slug="WARDA", name="Phường A", boundary=box(*WARD_A_BOX))
    other = WardFactory(code="90002", slug="WARDB", name="Phường B", boundary=box(*WARD_B_BOX))
    inspector = UserFactory(username="thanh_tra_hom_nay", role=Role.INSPECTOR, wards=[ward])
    stops: list[Any] = [
        _site(ward, 10.7730, 106.6950, today - datetime.timedelta(days=5), "8 Hàm Nghi"),
        _site(ward, 10.7660, 106.6860, today, "21 Pasteur"),
        _site(ward, 10.7712, 106.6912, today - datetime.timedelta(days=1), "3 Lê Thánh Tôn"),
    ]
    case = CaseFactory(
        ward=ward, opened_by=inspector, address="5 Đồng Khởi",
        location=Point(106.6930, 10.7690, srid=4326),
    )  # fmt: skip
    ViolationCase.objects.filter(pk=case.pk).update(stage_deadline=today)
    case.refresh_from_db()
    stops.append(case)
    # Never on this inspector's day: not due yet, and another ward's.
    _site(ward, 10.7705, 106.6901, today + datetime.timedelta(days=3), "Chưa đến hạn")
    _site(other, 10.7700, 106.7100, today - datetime.timedelta(days=3), "Phường khác")
    here = LatLon(PHONE_POSITION["latitude"], PHONE_POSITION["longitude"])
    route = plan_route(here, [LatLon(s.location.y, s.location.x) for s in stops])
    ordered = [stops[i] for i in route.order]
    expected = [("site" if isinstance(s, Site) else "case", str(s.pk)) for s in ordered]
    return {"inspector": inspector, "case": case, "expected": expected}


def test_an_inspector_signs_in_and_sees_todays_stops_in_route_order_on_list_and_map(
    phone: Any, live_server: Any, day: dict[str, Any]
) -> None:
    log_in(phone, live_server, "thanh_tra_hom_nay", PASSWORD)
    assert phone.url == f"{live_server.url}/field/"
    phone.wait_for_selector("#field[data-ready=true]")
    # Routed from the phone's position once it is known.
    phone.wait_for_selector("#today[data-ordered-by=route_from_position]")
    cards = phone.locator("#today-list li.stop-card")
    listed = [
        (cards.nth(i).get_attribute("data-kind"), cards.nth(i).get_attribute("data-id"))
        for i in range(cards.count())
    ]
    assert listed == day["expected"]
    assert [cards.nth(i).locator(".stop-number").inner_text() for i in range(4)] == [
        "1", "2", "3", "4",
    ]  # fmt: skip
    assert "Phường khác" not in phone.inner_text(
        "#today"
    ) and "Chưa đến hạn" not in phone.inner_text("#today")
    first = cards.first
    assert re.search(r"\d+ m", first.locator(".distance").inner_text())
    assert re.search(r"\d\d/\d\d/\d{4}", first.inner_text())
    # Vietnamese first.
    assert phone.locator("#today h1").inner_text() == "Hôm nay"
    # Sites link to their visit, cases to the case view.
    for kind, pk in listed:
        href = phone.locator(f"li[data-kind={kind}][data-id='{pk}'] a").first.get_attribute("href")
        assert href == (f"#/visit/{pk}" if kind == "site" else f"#/case/{pk}")

    # The same stops on the map, numbered in the same order, and the route line through them.
    markers = phone.locator("#today-map .stop-marker span")
    assert markers.count() == 4
    on_map = sorted(
        (int(markers.nth(i).get_attribute("data-order")), markers.nth(i).get_attribute("data-kind"),
         markers.nth(i).get_attribute("data-id"))
        for i in range(4)
    )  # fmt: skip
    assert [(kind, pk) for _order, kind, pk in on_map] == day["expected"]
    path = phone.locator("#today-map path.today-route").get_attribute("d")
    # From the phone, then one leg per stop.
    assert len(re.findall(r"[ML]", path)) == 5
    assert phone.locator("#today-map .today-origin").count() == 1
    screenshot(phone, "field_today")

    # A case stop opens the existing case view.
    case = day["case"]
    phone.locator(f"li[data-kind=case][data-id='{case.pk}'] a").click()
    phone.wait_for_selector("#capture-camera", state="attached")
    assert case.code in phone.inner_text(".case-head")

    # Offline, the last list is shown with its time.
    wait_until(phone, "() => navigator.serviceWorker.controller !== null")
    phone.goto(f"{live_server.url}/field/")
    phone.wait_for_selector("#today-list")
    phone.context.set_offline(True)
    wait_until(phone, "() => navigator.onLine === false")
    phone.reload()
    phone.wait_for_selector("#field[data-ready=true]")
    phone.wait_for_selector("#today-as-of")
    assert "Ngoại tuyến" in phone.inner_text("#today-as-of")
    cards = phone.locator("#today-list li.stop-card")
    assert [
        (cards.nth(i).get_attribute("data-kind"), cards.nth(i).get_attribute("data-id"))
        for i in range(cards.count())
    ] == day["expected"]
    assert phone.locator("#today-refresh").is_disabled()
    screenshot(phone, "field_today_offline")
    phone.context.set_offline(False)
