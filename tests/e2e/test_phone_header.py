"""On a phone the header is one short row with a menu button; on a desktop the
navigation is shown in full; every page loads its icons with no 404 and no
Content-Security-Policy violation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.gis.geos import Point

from backend.accounts.models import Role
from backend.notifications.models import Notification
from tests.e2e.conftest import log_in, screenshot
from tests.factories import CaseFactory, UserFactory, WardFactory, box

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-1234-word"  # set by UserFactory
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
# The icon files every page links (templates/ttxd/icons.html).
ICON_LINKS = "link[rel=icon], link[rel=apple-touch-icon], link[rel=manifest]"


@pytest.fixture
def ward_with_a_case(settings: Any) -> dict[str, Any]:
    settings.TTXD_BASEMAP_URL = ""  # no tiles from outside in tests
    ward = WardFactory(
        code="91601",
        slug="DT",
        name="Phường Điện Thoại",
        boundary=box(106.69, 10.76, 106.71, 10.78),
    )
    leader = UserFactory(username="phone_leader", role=Role.WARD_LEADER, wards=[ward])
    case = CaseFactory(ward=ward, opened_by=leader, location=Point(106.70, 10.77, srid=4326))
    return {"ward": ward, "leader": leader, "case": case}


def _context(browser: Any, viewport: dict[str, int], **options: Any) -> Any:
    mobile = viewport is PHONE
    return browser.new_context(
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        viewport=viewport,
        is_mobile=mobile,
        has_touch=mobile,
        **options,
    )


@pytest.fixture
def phone_page(browser: Any) -> Iterator[Any]:
    context = _context(browser, PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def _watch(page: Any) -> dict[str, list[str]]:
    """Failed responses and requests, CSP violations and script errors, as pages load."""
    seen: dict[str, list[str]] = {"failed": [], "violations": [], "errors": []}
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('CSP-VIOLATION ' + e.violatedDirective + ' ' + e.blockedURI));"
    )

    def on_response(response: Any) -> None:
        if response.status >= 400:
            seen["failed"].append(f"{response.status} {response.url}")

    def on_console(message: Any) -> None:
        if "CSP-VIOLATION" in message.text or "Content Security Policy" in message.text:
            seen["violations"].append(message.text)

    page.on("response", on_response)
    page.on("requestfailed", lambda request: seen["failed"].append(f"failed {request.url}"))
    page.on("console", on_console)
    page.on("pageerror", lambda error: seen["errors"].append(str(error)))
    return seen


def _check_icons(page: Any, live_server: Any, seen: dict[str, list[str]]) -> None:
    """Fetch what the page links as its icons, and /favicon.ico, as a browser would."""
    hrefs = page.eval_on_selector_all(ICON_LINKS, "links => links.map(l => l.href)")
    assert len(hrefs) >= 2, hrefs
    for href in [*hrefs, f"{live_server.url}/favicon.ico"]:
        response = page.request.get(href)
        if not response.ok:
            seen["failed"].append(f"{response.status} {href}")
        elif "manifest" not in href:
            assert response.headers["content-type"].startswith("image/"), href


def _header_share(page: Any) -> float:
    box = page.locator("header.topbar").bounding_box()
    assert box is not None
    return float(box["height"]) / PHONE["height"]


def test_on_a_phone_the_header_is_one_short_row_and_the_menu_opens(
    phone_page: Any, live_server: Any, ward_with_a_case: dict[str, Any]
) -> None:
    page = phone_page
    seen = _watch(page)
    page.goto(f"{live_server.url}/login/")
    assert _header_share(page) <= 0.15
    _check_icons(page, live_server, seen)
    log_in(page, live_server, "phone_leader", PASSWORD)
    case = ward_with_a_case["case"]
    toggle = page.locator("[data-menu-toggle]")
    nav = page.locator("#site-nav")
    for path, ready in [
        ("/", ".leaflet-container"),  # a leader's home is the map
        ("/cases/", "table.list"),
        ("/map/", ".leaflet-container"),
        (f"/cases/{case.pk}/", ".case-head"),
        ("/notifications/", "h1"),
    ]:
        page.goto(live_server.url + path)
        page.locator(ready).first.wait_for()
        page.wait_for_load_state("networkidle")
        share = _header_share(page)
        assert share <= 0.15, f"{path}: the header takes {share:.0%} of the screen"
        # Wide tables scroll inside themselves: the page itself never scrolls sideways.
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, f"{path}: the page is {overflow}px wider than the screen"
        assert toggle.is_visible() and not nav.is_visible(), path
        assert toggle.get_attribute("aria-expanded") == "false", path
        _check_icons(page, live_server, seen)
    screenshot(page, "phone_header_closed")

    # Opened by touch: every link of the navigation is on the screen and can be used.
    assert toggle.inner_text().strip() == "Trình đơn"
    toggle.tap()
    assert toggle.get_attribute("aria-expanded") == "true" and nav.is_visible()
    links = nav.locator("a, button, select")
    assert links.count() >= 6  # cases, map, audit, notifications, API, devices, log out, language
    for i in range(links.count()):
        item = links.nth(i)
        box = item.bounding_box()
        assert item.is_visible() and box is not None, item
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1, item
        assert box["height"] >= 32, item  # big enough for a finger
    screenshot(page, "phone_header_open")
    # A tap elsewhere closes it; then it opens again, and a link goes where it says.
    page.locator("main").tap(position={"x": 10, "y": 10})
    assert toggle.get_attribute("aria-expanded") == "false" and not nav.is_visible()
    toggle.tap()
    with page.expect_navigation():
        nav.locator("a[href='/cases/']").tap()
    assert page.url.endswith("/cases/")
    assert not page.locator("#site-nav").is_visible()

    # With the keyboard: Enter opens, Tab walks into the menu, Escape closes and
    # gives the focus back to the button.
    toggle.focus()
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('site-nav').contains(document.activeElement)")
    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false" and not nav.is_visible()
    assert page.evaluate("document.activeElement.hasAttribute('data-menu-toggle')")
    page.keyboard.press("Space")
    assert toggle.get_attribute("aria-expanded") == "true"

    # Unread notifications, folded into the menu with the bell, show as a dot on its button.
    dot = "getComputedStyle(document.querySelector('[data-menu-toggle]'), '::after').content"
    assert page.evaluate(dot) == "none"
    Notification.objects.create(
        recipient=ward_with_a_case["leader"],
        case=case,
        kind="deadline_passed",
        key="phone",
        params={
            "case_code": case.code,
            "rule_label": "Violation record due",
            "due_display": "01/03/2026",
            "url": f"/cases/{case.pk}/",
        },
    )
    page.goto(f"{live_server.url}/cases/")
    assert page.evaluate(dot) == '""'
    toggle.tap()
    assert nav.locator(".bell").inner_text().startswith("Thông báo")
    screenshot(page, "phone_header_unread")

    assert seen["failed"] == []
    assert seen["violations"] == []
    assert seen["errors"] == []


def test_on_a_desktop_the_whole_navigation_shows_as_before(
    browser: Any, live_server: Any, ward_with_a_case: dict[str, Any]
) -> None:
    context = _context(browser, DESKTOP)
    page = context.new_page()
    seen = _watch(page)
    log_in(page, live_server, "phone_leader", PASSWORD)
    page.goto(f"{live_server.url}/cases/")
    page.wait_for_load_state("networkidle")
    assert not page.locator("[data-menu-toggle]").is_visible()
    nav = page.locator("#site-nav")
    for href in (
        "/cases/",
        "/map/",
        "/audit/",
        "/notifications/",
        "/api/docs/",
        "/account/devices/",
    ):
        assert nav.locator(f"a[href='{href}']").is_visible(), href
    assert nav.locator("button[type=submit]").is_visible()  # log out
    assert nav.locator("select[name=language]").is_visible()
    header = page.locator("header.topbar").bounding_box()
    assert header is not None and header["height"] <= 60  # still one row
    _check_icons(page, live_server, seen)
    screenshot(page, "desktop_header")
    context.close()
    assert seen["failed"] == [] and seen["violations"] == [] and seen["errors"] == []


def test_without_scripts_a_phone_still_shows_the_navigation(
    browser: Any, live_server: Any, ward_with_a_case: dict[str, Any]
) -> None:
    context = _context(browser, PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "phone_leader")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.goto(f"{live_server.url}/cases/")
    assert not page.locator("[data-menu-toggle]").is_visible()
    nav = page.locator("#site-nav")
    assert nav.is_visible() and nav.locator("a[href='/map/']").is_visible()
    screenshot(page, "phone_header_without_scripts")
    context.close()
