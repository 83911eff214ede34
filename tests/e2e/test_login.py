"""An inspector logs in through the page and lands on the field app; the case list is there."""

from __future__ import annotations

from typing import Any

import pytest

from backend.accounts.models import Role
from tests.e2e.conftest import log_in, screenshot
from tests.factories import CaseFactory, UserFactory, WardFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-1234-word"  # set by UserFactory


def test_inspector_logs_in_and_lands_on_the_field_app_then_finds_their_cases(
    page: Any, live_server: Any, settings: Any
) -> None:
    settings.TTXD_BASEMAP_URL = ""
    ward = WardFactory(code="91001", slug="DANGNHAP", name="Phường Đăng Nhập")
    inspector = UserFactory(username="thanh_tra", role=Role.INSPECTOR, wards=[ward])
    case = CaseFactory(ward=ward, opened_by=inspector, sequence=7)

    log_in(page, live_server, "thanh_tra", PASSWORD)

    # Inspectors work in the field: Today is their landing page (issue 14).
    assert page.url == f"{live_server.url}/field/"
    page.wait_for_selector("#today")
    page.goto(f"{live_server.url}/cases/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("table.list").inner_text().count(case.code) == 1
    assert "thanh_tra" in page.locator(".topbar .who").inner_text()
    screenshot(page, "login_inspector_cases")


def test_wrong_password_keeps_the_inspector_on_the_login_page(page: Any, live_server: Any) -> None:
    UserFactory(username="thanh_tra", role=Role.INSPECTOR)

    log_in(page, live_server, "thanh_tra", "wrong-password")

    assert page.url.startswith(f"{live_server.url}/login/")
    assert page.locator("p.error").count() == 1
    screenshot(page, "login_wrong_password")
