"""Every page works under its Content-Security-Policy, and a crafted link runs nothing."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from django.contrib.gis.geos import Point

from backend.accounts.models import Role
from tests.e2e.conftest import log_in, screenshot
from tests.factories import CaseFactory, UserFactory, WardFactory, box

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-1234-word"  # set by UserFactory


def _watch(page: Any) -> dict[str, list[str]]:
    """Record CSP violations, script errors and dialogs as the pages load."""
    seen: dict[str, list[str]] = {"violations": [], "errors": [], "dialogs": []}
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('CSP-VIOLATION ' + e.violatedDirective + ' ' + e.blockedURI));"
    )

    def on_console(message: Any) -> None:
        text = message.text
        if "CSP-VIOLATION" in text or "Content Security Policy" in text:
            seen["violations"].append(text)

    def on_dialog(dialog: Any) -> None:
        seen["dialogs"].append(dialog.message)
        dialog.dismiss()

    page.on("console", on_console)
    page.on("pageerror", lambda error: seen["errors"].append(str(error)))
    page.on("dialog", on_dialog)
    return seen


@pytest.fixture
def city(settings: Any) -> dict[str, Any]:
    settings.TTXD_BASEMAP_URL = ""
    ward = WardFactory(
        code="91501",
        slug="CSP",
        name="Phường Chính Sách",
        boundary=box(106.69, 10.76, 106.71, 10.78),
    )
    inspector = UserFactory(username="csp_inspector", role=Role.INSPECTOR, wards=[ward])
    leader = UserFactory(username="csp_leader", role=Role.WARD_LEADER, wards=[ward])
    admin = UserFactory(username="csp_admin", role=Role.ADMIN, is_staff=True, is_superuser=True)
    case = CaseFactory(ward=ward, opened_by=inspector, location=Point(106.70, 10.77, srid=4326))
    return {"ward": ward, "inspector": inspector, "leader": leader, "admin": admin, "case": case}


def test_pages_of_every_role_load_without_a_policy_violation(
    page: Any, live_server: Any, city: dict[str, Any]
) -> None:
    seen = _watch(page)
    case, ward = city["case"], city["ward"]
    visits = {
        "csp_leader": [
            ("/cases/", "table.list"),
            (f"/cases/{case.pk}/", ".case-head"),
            ("/map/", ".leaflet-container"),
            ("/audit/", "h1"),
            ("/notifications/", "h1"),
            (f"/cases/{case.pk}/timeline/", "h1"),
            ("/api/docs/", ".swagger-ui .info"),
        ],
        "csp_inspector": [("/field/", "body")],
        "csp_admin": [
            ("/admin/", "#content"),
            (f"/admin/wards/ward/{ward.pk}/change/", ".ttxd-map-widget.leaflet-container"),
        ],
    }
    for username, pages in visits.items():
        page.context.clear_cookies()
        log_in(page, live_server, username, PASSWORD)
        for path, ready in pages:
            response = page.goto(live_server.url + path)
            assert response is not None and response.ok, path
            policy = response.headers.get("content-security-policy", "")
            assert "frame-ancestors 'none'" in policy and "'unsafe-inline'" not in policy, path
            page.locator(ready).first.wait_for()
            page.wait_for_load_state("networkidle")
    screenshot(page, "csp_admin_ward_map_widget")
    assert seen["violations"] == []
    assert seen["errors"] == []


def test_a_crafted_filter_link_shows_the_reason_and_runs_nothing(
    page: Any, live_server: Any, city: dict[str, Any]
) -> None:
    seen = _watch(page)
    log_in(page, live_server, "csp_leader", PASSWORD)
    payload = "<svg onload=alert(1)><img src=x onerror=alert(2)>"
    for path in ("/cases/", "/audit/"):
        page.goto(f"{live_server.url}{path}?stage={quote(payload)}")
        page.wait_for_load_state("networkidle")
        assert payload in page.locator("[role=alert]").first.inner_text()
    screenshot(page, "csp_crafted_link_escaped")
    assert seen["dialogs"] == []
    assert page.locator("svg[onload], img[onerror]").count() == 0


def test_the_language_menu_still_switches_without_an_inline_handler(
    page: Any, live_server: Any, city: dict[str, Any]
) -> None:
    seen = _watch(page)
    log_in(page, live_server, "csp_leader", PASSWORD)
    page.goto(f"{live_server.url}/cases/")
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Violation cases"
    assert seen["violations"] == []
