"""One case from detected to closed in the browser, each step by the user whose job it is."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from backend.accounts.models import Role
from backend.cases.models import CaseStep, Stage
from tests.cases.conftest import SITE, open_case
from tests.e2e.conftest import log_in, screenshot
from tests.factories import UserFactory, WardFactory, box

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-1234-word"  # set by UserFactory


@pytest.fixture
def pages(browser: Any, live_server: Any) -> Iterator[Any]:
    """pages(username) → a page in its own browser context, logged in as that user."""
    contexts: list[Any] = []

    def open_as(username: str) -> Any:
        context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        log_in(page, live_server, username, PASSWORD)
        return page

    yield open_as
    for context in contexts:
        context.close()


def act(
    page: Any,
    action: str,
    fields: dict[str, str],
    selects: dict[str, str] | None = None,
    shot: str = "",
) -> None:
    """Open the action's form, fill what the step needs, submit it."""
    page.locator(f'details[data-action="{action}"] > summary').click()
    for name, value in fields.items():
        page.fill(f"#{action}-{name}", value)
    for name, value in (selects or {}).items():
        page.select_option(f"#{action}-{name}", value)
    if shot:
        screenshot(page, shot)
    page.locator(f'details[data-action="{action}"] button[type=submit]').click()
    page.wait_for_load_state("networkidle")


def stage_of(page: Any) -> str:
    classes = page.locator('[data-testid="stage"]').get_attribute("class")
    return next(c for c in classes.split() if c.startswith("stage-") and c != "stage-badge")[6:]


def test_a_case_walks_from_detected_to_closed_as_the_right_users(
    pages: Any, live_server: Any, settings: Any
) -> None:
    settings.TTXD_BASEMAP_URL = ""
    ward = WardFactory(
        code="90001", slug="WARDA", name="Phường A", boundary=box(106.68, 10.76, 106.70, 10.78)
    )
    inspector = UserFactory(
        username="can_bo", role=Role.INSPECTOR, wards=[ward], full_name="Trần Văn Kiểm"
    )
    UserFactory(username="chu_tich", role=Role.WARD_LEADER, wards=[ward], full_name="Lê Thị Chủ")
    case = open_case(
        inspector,
        days_ago=40,
        violation_type="art16_9",
        address="45 Đường Thử",
        description="Xây dựng sai quy hoạch",
    )
    assert case.location == SITE
    day0 = timezone.localdate(case.detected_at)

    def on(days: int) -> str:
        return (day0 + datetime.timedelta(days=days)).isoformat()

    # The inspector records the violation (MBB01) and orders building to stop.
    inspector_page = pages("can_bo")
    # Inspectors land on the field app after signing in; the desk's case list is home.
    inspector_page.goto(f"{live_server.url}/")
    inspector_page.click(f"text={case.code}")
    assert inspector_page.url == f"{live_server.url}/cases/{case.pk}/"
    assert stage_of(inspector_page) == Stage.DETECTED
    inspector_page.wait_for_selector('#case-map[data-ready="1"]')  # Leaflet drew the site
    assert inspector_page.locator('details[data-action="issue_sanction_decision"]').count() == 0
    screenshot(inspector_page, "workflow_1_detected_inspector")
    act(
        inspector_page,
        "record_violation",
        {
            "occurred_on": on(1),
            "violator_name": "Nguyễn Văn Bình",
            "violator_address": "12 Lê Lợi",
            "witnesses": "Phạm Thị Dung",
            "violator_birth_date": "1980-05-04",
            "violator_id_number": "079080001234",
        },
    )
    assert stage_of(inspector_page) == Stage.SUSPENDED
    assert "1/BB-VPHC" in inspector_page.locator('[data-testid="doc-MBB01"]').inner_text()
    download = inspector_page.request.get(
        live_server.url + inspector_page.locator('[data-testid="doc-MBB01"]').get_attribute("href")
    )
    assert download.status == 200 and download.body()[:2] == b"PK"

    # The ward leader decides: a fine and demolition (clause 9 cannot be legalised).
    leader_page = pages("chu_tich")
    leader_page.goto(f"{live_server.url}/cases/{case.pk}/")
    remedy = leader_page.locator("#issue_sanction_decision-remedy option")
    assert remedy.all_inner_texts() == ["Demolish the violating works"] or remedy.count() == 1
    # Clause 9, an individual house, an individual: 80–100M halved, 45M the midpoint.
    decision_form = leader_page.locator('details[data-action="issue_sanction_decision"]')
    assert "40.000.000 đ" in decision_form.text_content()
    assert "50.000.000 đ" in decision_form.text_content()
    act(
        leader_page,
        "issue_sanction_decision",
        {"occurred_on": on(3), "fine_amount": "45.000.000"},
        {"remedy": "demolish"},
        shot="workflow_2_decision_form_leader",
    )
    assert stage_of(leader_page) == Stage.HALTED
    screenshot(leader_page, "workflow_3_halted_leader")

    # The inspector serves it: the 15-day demolition period starts, and has long passed.
    inspector_page.reload()
    act(inspector_page, "serve_decision_demolish", {"occurred_on": on(4)})
    assert stage_of(inspector_page) == Stage.SELF_DEMOLITION
    assert "overdue" in inspector_page.locator('[data-testid="deadline"]').get_attribute("class")
    screenshot(inspector_page, "workflow_4_self_demolition_overdue")

    # The leader decides enforcement (MQĐ11) after the period.
    leader_page.reload()
    act(leader_page, "decide_enforcement", {"occurred_on": on(25)})
    assert stage_of(leader_page) == Stage.ENFORCEMENT
    assert leader_page.locator('[data-testid="doc-MQD11"]').count() == 1

    # The inspector records the enforcement (MBB11): the case closes.
    inspector_page.reload()
    act(inspector_page, "record_enforcement", {"occurred_on": on(30), "result": "Đã phá dỡ"})
    assert stage_of(inspector_page) == Stage.CLOSED
    # Only what outlives the case: serving its documents, the fine still owed, and
    # complaints and lawsuits against its decisions.
    offered = inspector_page.locator("details.action").evaluate_all(
        "els => els.map(e => e.dataset.action)"
    )
    assert sorted(offered) == [
        "note_complaint",
        "note_lawsuit",
        "record_fine_payment",
        "record_service",
        "request_fine_relief",
    ]
    assert "45.000.000 đ" in inspector_page.locator('[data-testid="fine"]').inner_text()
    history = inspector_page.locator("ol.history > li")
    assert history.count() == 6  # opened + five steps
    screenshot(inspector_page, "workflow_5_closed_history")

    steps = list(CaseStep.objects.filter(case=case).order_by("occurred_on"))
    assert [s.actor.username for s in steps] == [
        "can_bo",
        "chu_tich",
        "can_bo",
        "chu_tich",
        "can_bo",
    ]
    assert [s.document_number for s in steps if s.document_number] == [
        "1/BB-VPHC",
        "1/QĐ-XPHC",
        "1/QĐ-CCXP",
        "1/BB-CC",
    ]
