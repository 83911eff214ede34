"""A ward leader changes the ward's inspection plan and reads the month's coverage, in Chromium."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from backend.sites.models import InspectionPlanRule, Site, SiteOrigin, SiteStatus, Visit
from tests.e2e.conftest import PASSWORD, log_in, screenshot
from tests.factories import CaseFactory


def _site(ward: Any, status: str, since: datetime.date, **kw: Any) -> Site:
    return Site.objects.create(
        ward=ward,
        origin=SiteOrigin.NOTIFIED,
        address=kw.pop("address"),
        location=Point(106.69, 10.77, srid=4326),
        status=status,
        status_since=since,
        **kw,
    )


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_a_leader_adds_a_plan_version_and_reads_the_coverage(
    page: Any, live_server: Any, settings: Any, ward_a: Any, leader_a: Any, inspector_a: Any
) -> None:
    settings.TTXD_BASEMAP_URL = ""
    today = timezone.localdate()
    # Visited today: on schedule whatever the plan. Started 60 days ago, never visited: overdue.
    visited = _site(
        ward_a,
        SiteStatus.STRUCTURE,
        today - datetime.timedelta(days=30),
        address="12 Lê Lợi",
        last_visit_on=today,
        visit_count=1,
    )
    _site(ward_a, SiteStatus.FOUNDATION, today - datetime.timedelta(days=60), address="3 Hàm Nghi")
    case = CaseFactory(ward=ward_a, opened_by=inspector_a)
    Visit.objects.create(
        site=visited,
        inspector=inspector_a,
        visited_at=timezone.now(),
        visited_on=today,
        outcome="violation",
        case=case,
    )

    log_in(page, live_server, "leader_a", PASSWORD)
    page.click("#site-nav a[href='/sites/plan/']")
    page.wait_for_selector("#plan-in-force")
    structure = page.locator(
        '#plan-in-force tr[data-condition="structure"] td[data-kind="permitted"]'
    )
    assert "Cứ mỗi 15 ngày" in structure.inner_text()
    assert "mặc định của thành phố" in structure.inner_text()

    # A rule that would schedule no visit is refused, next to its field.
    form = page.locator("#plan-add form")
    page.select_option("#id_condition", "structure")
    page.select_option("#id_mode", "every")
    page.select_option("#id_unit", "working_days")
    page.fill("#id_amount", "0")
    page.fill("#id_basis", "Kế hoạch kiểm tra số 5/KH-UBND ngày 02/03/2026 của phường")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    error = page.locator('[data-field="amount"] .error')
    assert "tối thiểu là 1" in error.inner_text()
    assert InspectionPlanRule.objects.filter(ward=ward_a).count() == 0
    screenshot(page, "plan-refused")

    page.fill("#id_amount", "10")
    page.locator("#plan-add form button[type=submit]").click()
    page.wait_for_selector(".messages")
    assert "Đã thêm phiên bản mới" in page.locator(".messages").inner_text()
    structure = page.locator(
        '#plan-in-force tr[data-condition="structure"] td[data-kind="permitted"]'
    )
    assert "Cứ mỗi 10 ngày làm việc" in structure.inner_text()
    assert "quy tắc riêng của phường" in structure.inner_text()
    rule = InspectionPlanRule.objects.get(ward=ward_a)
    assert page.get_attribute(f'#plan-versions tr[data-rule="{rule.pk}"]', "data-state") == (
        "in_force"
    )
    screenshot(page, "plan-in-force")

    # The dashboard's coverage of the month for the leader's ward.
    page.goto(f"{live_server.url}/audit/")
    row = page.locator('#coverage-wards tbody tr[data-ward="90001"]')
    cells = [c.strip() for c in row.locator("td").all_inner_texts()]
    # active, due, visited on schedule, share, overdue, never visited, visits,
    # violations from citizens' reports, on patrol, by other means
    assert cells == ["2", "2", "1", "50%", "1", "1", "1", "0", "1", "0"]
    inspector = page.locator("#coverage-inspectors tbody tr").first
    assert "inspector_a" in inspector.inner_text()
    screenshot(page, "audit-coverage")
