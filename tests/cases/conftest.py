"""Fixtures for the workflow: seeded rules and calendar, cases walked to any stage."""

from __future__ import annotations

import datetime
import importlib
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.contrib.gis.geos import Point
from django.utils import timezone, translation

from backend.accounts.models import Role
from backend.cases.models import Stage, ViolationCase
from backend.cases.services.opening import case_open
from backend.cases.services.transition import case_transition
from tests.conftest import seed_violation_catalogue
from tests.factories import UserFactory

SEED = importlib.import_module("backend.cases.migrations.0003_seed_deadline_rules_and_calendar")
SEED_PERIODS = importlib.import_module("backend.cases.migrations.0006_seed_periods_and_authorities")

# Inside tests.factories.WARD_A_BOX.
SITE = Point(106.69, 10.77, srid=4326)


def seed_rules_and_calendar() -> None:
    """The data migration's rows: a flush by a transactional test empties the tables."""
    from backend.cases.models import CalendarDay, CompetentAuthority, DeadlineRule

    seed_violation_catalogue()
    if not CompetentAuthority.objects.exists():
        SEED_PERIODS.seed(apps, None)
    if DeadlineRule.objects.count() >= len(SEED.RULES) + len(
        SEED_PERIODS.RULES
    ) and CalendarDay.objects.count() >= len(SEED.DAYS):
        return
    SEED.seed(apps, None)


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    # Each test makes several users; PBKDF2's deliberate slowness is not under test here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _seeded(request: Any, _fast_passwords: None) -> None:
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    if not (marker or {"db", "transactional_db", "live_server"} & names):
        return
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & names
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    seed_rules_and_calendar()


@pytest.fixture
def leader_b(ward_b: Any) -> Any:
    return UserFactory(username="leader_b", role=Role.WARD_LEADER, wards=[ward_b])


# A value for every field each action requires: a test fails if an action lacks one.
SAMPLE_DATA: dict[str, dict[str, Any]] = {
    "record_violation": {
        "violator_name": "Nguyễn Văn Bình",
        "violator_address": "12 Lê Lợi, Phường A",
        "violator_birth_date": "1980-05-04",
        "violator_id_number": "079080001234",
        "address": "45 Đường Thử, Phường A",
        "map_sheet": "12",
        "parcel_number": "345",
        "storeys": "4",
        "floor_area_m2": "210.5",
        "conduct": "Xây dựng nhà ở 4 tầng không có giấy phép xây dựng",
        "witnesses": "Trần Thị C",
    },
    "request_explanation": {"summary": "Xin giải trình trực tiếp"},
    "start_verification": {
        "facts": "Xác minh chủ đầu tư thực tế",
        "verifier": "Công chức xây dựng",
    },
    # The fine left out: the form's proposal, the band's midpoint, is taken.
    "issue_sanction_decision": {"remedy": "demolish"},
    "extend_decision_period": {"reason": "Cần xác minh thêm tình tiết"},
    "issue_remedy_decision": {"no_fine_reason": "period_over"},
    "transfer": {"authority": "so-xay-dung", "reason": "Vượt thẩm quyền"},
    "receive_decision": {
        "authority": "Sở Xây dựng TP.HCM",
        "decision_number": "77/QĐ-SXD",
        "fine_amount": "20000000",
        "remedy": "demolish",
    },
    "close_transferred": {"reason": "Sở Xây dựng tiếp tục xử lý"},
    "serve_decision_legalise": {"method": "in_person"},
    "serve_decision_demolish": {"method": "in_person"},
    "show_permit": {
        "permit_number": "123/GPXD",
        "permit_date": "2025-01-10",
        "permit_issuer": "UBND Phường A",
    },
    "legalisation_failed": {"reason": "window_expired", "delivery_method": "post"},
    "confirm_conformity": {"findings": "Công trình đúng giấy phép"},
    "find_nonconforming_part": {"nonconforming_part": "Tầng 4 vượt phép"},
    "verify_self_demolition": {"findings": "Đã tháo dỡ phần vi phạm"},
    "decide_enforcement": {"measures": "Cưỡng chế phá dỡ tầng 4"},
    "record_enforcement": {"result": "Đã phá dỡ tầng 4"},
    "report_continued_building": {"description": "Đổ thêm sàn tầng 5"},
    "note_complaint": {"complainant": "Lê Văn D", "summary": "Khiếu nại quyết định"},
    "decide_complaint": {"outcome": "rejected", "decision_number": "21/QĐ-GQKN"},
    "note_lawsuit": {"court": "Tòa án nhân dân khu vực 1", "plaintiff": "Lê Văn D"},
    "record_court_judgment": {"result": "Bác yêu cầu khởi kiện"},
    "suspend_execution": {"decision_number": "05/QĐ-ĐCTHQĐ", "reason": "Đang giải quyết khiếu nại"},
    "lift_suspension": {"reason": "Đã giải quyết xong khiếu nại"},
    "apply_preventive_measure": {
        "measure": "seize_equipment",
        "taken_at": "08:30",
        "items": "01 máy trộn bê tông",
    },
    "report_preventive_measure": {"reported_at": "16:00", "reported_to": "Chủ tịch UBND phường"},
    "release_seized_items": {"items_returned": "01 máy trộn bê tông, trả cho ông Nguyễn Văn Bình"},
    "cancel": {"reason": "Nhập trùng hồ sơ"},
    "record_service": {"method": "posted", "posting_record": "01/BB-NY ngày niêm yết"},
    "record_fine_payment": {
        "receipt_number": "0012345",
        # The sample decision's fine: the form's proposal for clause 7 (an individual, 30–40M).
        "amount": "35.000.000",
        "place_paid": "Kho bạc Nhà nước khu vực II",
    },
    "request_fine_relief": {"relief": "postponement", "reason": "Hoàn cảnh khó khăn"},
    "decide_fine_relief": {"outcome": "refused"},
    "enforce_fine": {"decision_number": "15/QĐ-CCXP", "measure": "Khấu trừ tiền từ tài khoản"},
}


def data_for(action: str, on: datetime.date, **extra: Any) -> dict[str, Any]:
    dated = {"delivered_on": on.isoformat()} if action == "legalisation_failed" else {}
    return {**SAMPLE_DATA[action], "occurred_on": on.isoformat(), **dated, **extra}


def open_case(
    actor: Any, *, days_ago: int = 200, violation_type: str = "art16_7", **kw: Any
) -> ViolationCase:
    detected_at = timezone.now() - datetime.timedelta(days=days_ago)
    return case_open(
        actor=actor, location=SITE, violation_type=violation_type, detected_at=detected_at, **kw
    )


# The steps that lead from "detected" to each stage, with the role taking each.
PATHS: dict[str, list[tuple[str, str, dict[str, Any]]]] = {
    Stage.DETECTED: [],
    Stage.SUSPENDED: [("record_violation", "inspector", {})],
    Stage.HALTED: [
        ("record_violation", "inspector", {}),
        ("issue_sanction_decision", "leader", {}),
    ],
    Stage.LEGALISING: [
        ("record_violation", "inspector", {}),
        ("issue_sanction_decision", "leader", {"remedy": "legalise"}),
        ("serve_decision_legalise", "inspector", {}),
    ],
    Stage.CONFORMITY_CHECK: [
        ("record_violation", "inspector", {}),
        ("issue_sanction_decision", "leader", {"remedy": "legalise"}),
        ("serve_decision_legalise", "inspector", {}),
        ("show_permit", "inspector", {}),
    ],
    Stage.SELF_DEMOLITION: [
        ("record_violation", "inspector", {}),
        ("issue_sanction_decision", "leader", {"remedy": "demolish"}),
        ("serve_decision_demolish", "inspector", {}),
    ],
    Stage.ENFORCEMENT: [
        ("record_violation", "inspector", {}),
        ("issue_sanction_decision", "leader", {"remedy": "demolish"}),
        ("serve_decision_demolish", "inspector", {}),
        ("decide_enforcement", "leader", {}),
    ],
    Stage.TRANSFERRED: [
        ("record_violation", "inspector", {}),
        ("transfer", "leader", {}),
    ],
    Stage.CLOSED: [("cancel", "leader", {})],
}


def walk(
    case: ViolationCase,
    steps: list[tuple[str, str, dict[str, Any]]],
    actors: dict[str, Any],
    start: datetime.date | None = None,
    gap_days: int = 10,
) -> ViolationCase:
    """Take the steps with legal dates `gap_days` apart (after the fact), from `start`."""
    day = start or timezone.localdate(case.detected_at)
    for action, role, extra in steps:
        day = day + datetime.timedelta(days=gap_days)
        if action == "decide_enforcement":
            # After the demolition period, whatever it was.
            day = max(day, case.stage_deadline + datetime.timedelta(days=1))
        if action == "issue_sanction_decision" and case.stage_deadline:
            # Within the period to decide: a late one may not fine (LXLVPHC Art. 66).
            day = min(day, case.stage_deadline)
        case = case_transition(
            actor=actors[role], case=case, action=action, data=data_for(action, day, **extra)
        )
    return case


@pytest.fixture
def actors(inspector_a: Any, leader_a: Any) -> dict[str, Any]:
    return {"inspector": inspector_a, "leader": leader_a}


@pytest.fixture
def case_at(actors: dict[str, Any]) -> Any:
    """case_at(stage, violation_type=...) → a real case walked there through the service."""

    def make(stage: str, gap_days: int = 10, **kw: Any) -> ViolationCase:
        case = open_case(actors["inspector"], **kw)
        return walk(case, PATHS[stage], actors, gap_days=gap_days)

    return make


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> Any:
    """Files (attachments, photos) go to a temporary local storage."""
    location = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location), "base_url": "/media-not-public/"},
        },
    }
    return location


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    # These tests read the workflow's messages in their English source form;
    # the Vietnamese catalogue is checked by tests/test_translations.py and
    # by the Vietnamese-language API tests.

    with translation.override("en"):
        yield
