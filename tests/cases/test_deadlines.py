"""Deadlines with concrete dates: weekends, Tết 2026, 30/4–1/5, swapped days, rule versions."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from backend.cases.deadlines import (
    WorkCalendar,
    add_calendar_days,
    add_months,
    add_working_days,
    work_calendar,
)
from backend.cases.models import DeadlineRule, Stage
from backend.cases.selectors import case_deadline
from backend.cases.services.opening import case_open
from backend.cases.services.transition import case_transition
from tests.cases.conftest import SITE, data_for

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
D = datetime.date


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=HCM)


# --- Pure counting --------------------------------------------------------------
def test_working_days_skip_the_weekend() -> None:
    assert add_working_days(D(2026, 3, 6), 2) == D(2026, 3, 10)  # Fri + 2 WD = Tue


def test_a_swapped_saturday_counts_and_a_swapped_friday_does_not() -> None:
    cal = WorkCalendar(
        rest_days=frozenset({D(2026, 1, 2)}), working_days=frozenset({D(2026, 1, 10)})
    )
    assert add_working_days(D(2026, 1, 8), 2, cal) == D(2026, 1, 10)  # Fri 9, Sat 10 worked
    assert add_working_days(D(2026, 1, 1), 1, cal) == D(2026, 1, 5)  # Fri 2 off


def test_calendar_days_start_next_day_and_roll_off_a_weekend() -> None:
    # Civil Code Art. 147/148: 15 days from Fri 6/3/2026 end Sat 21/3 → Mon 23/3.
    assert add_calendar_days(D(2026, 3, 6), 15) == D(2026, 3, 23)
    assert add_calendar_days(D(2026, 3, 2), 30) == D(2026, 4, 1)


def test_month_periods_end_on_the_last_day_of_a_short_month() -> None:
    assert add_months(D(2026, 1, 31), 1, WorkCalendar()) == D(2026, 3, 2)  # 28/2 is a Saturday
    assert add_months(D(2026, 3, 10), 1, WorkCalendar()) == D(2026, 4, 10)


# --- The seeded civil-service calendar -------------------------------------------------
def test_tet_2026_is_nine_rest_days_for_the_civil_service(db: Any) -> None:
    cal = work_calendar()
    for day in range(14, 23):
        assert not cal.is_working_day(D(2026, 2, day)), day
    assert cal.is_working_day(D(2026, 2, 13)) and cal.is_working_day(D(2026, 2, 23))


def test_seeded_swaps_and_days_in_lieu(db: Any) -> None:
    cal = work_calendar()
    assert cal.is_working_day(D(2025, 4, 26))  # Saturday worked for Friday 2/5/2025
    assert not cal.is_working_day(D(2025, 5, 2))
    assert cal.is_working_day(D(2026, 1, 10)) and not cal.is_working_day(D(2026, 1, 2))
    assert not cal.is_working_day(D(2026, 4, 27))  # Hùng Kings on Sunday 26/4/2026
    assert cal.is_working_day(D(2026, 8, 22)) and not cal.is_working_day(D(2026, 8, 31))
    assert not cal.is_working_day(D(2026, 9, 1)) and not cal.is_working_day(D(2026, 9, 2))
    assert not cal.is_working_day(D(2027, 5, 3))  # 1/5/2027 is a Saturday


def detected(actor: Any, day: datetime.date, violation_type: str = "art16_7") -> Any:
    """A case opened through the service, detected on `day` at 9:00."""
    return case_open(actor=actor, location=SITE, violation_type=violation_type, detected_at=at(day))


def steps(case: Any, *taken: tuple[Any, ...]) -> Any:
    """Each (actor, action, day[, extra data]) through case_transition, in order."""
    for actor, action, day, *extra in taken:
        data = data_for(action, day, **(extra[0] if extra else {}))
        case = case_transition(actor=actor, case=case, action=action, data=data)
    return case


def test_a_record_on_friday_13_2_2026_has_its_decision_due_7_wd_after_tet(
    inspector_a: Any, leader_a: Any
) -> None:
    with time_machine.travel(at(D(2026, 2, 13), 15), tick=False):
        case = detected(inspector_a, D(2026, 2, 12))
        assert case.stage_deadline == D(2026, 2, 16 + 7)  # 2 WD: Fri 13/2, then Mon 23/2
        case = steps(case, (inspector_a, "record_violation", D(2026, 2, 13)))
    # Rest 14–22/2; WD 1..5 = 23–27/2, 6 = Mon 2/3, 7 = Tue 3/3.
    assert case.stage == Stage.SUSPENDED
    assert case.stage_deadline == D(2026, 3, 3)
    assert case.deadline_rule.code == "decision"


def test_detection_before_30_4_counts_past_the_holidays(inspector_a: Any) -> None:
    with time_machine.travel(at(D(2026, 4, 29), 16), tick=False):
        case = case_open(actor=inspector_a, location=SITE, violation_type="art16_9")
    # Thu 30/4 and Fri 1/5 holidays, weekend: WD1 Mon 4/5, WD2 Tue 5/5.
    assert case.stage_deadline == D(2026, 5, 5)
    assert case.stage_since == D(2026, 4, 29)
    assert "Nghị định 118/2021" in case.deadline_rule.basis


def test_detection_on_new_years_eve_counts_past_the_swapped_friday(inspector_a: Any) -> None:
    with time_machine.travel(at(D(2025, 12, 31), 10), tick=False):
        case = case_open(actor=inspector_a, location=SITE, violation_type="art16_7")
    assert case.stage_deadline == D(2026, 1, 6)  # 1/1 holiday, 2/1 swapped off, weekend


def test_legalising_runs_from_the_decisions_issue_date_not_its_service(
    inspector_a: Any, leader_a: Any
) -> None:
    with time_machine.travel(at(D(2026, 3, 20)), tick=False):
        case = steps(
            detected(inspector_a, D(2026, 2, 25)),
            (inspector_a, "record_violation", D(2026, 2, 26)),
            (leader_a, "issue_sanction_decision", D(2026, 3, 2), {"remedy": "legalise"}),
        )
        assert case.stage_deadline == D(2026, 3, 5)  # serve within 3 WD
        case = steps(case, (inspector_a, "serve_decision_legalise", D(2026, 3, 4)))
    assert case.stage == Stage.LEGALISING
    assert case.stage_deadline == D(2026, 4, 1)  # 30 d after 2/3, an individual house
    assert case.deadline_rule.code == "legalise_house"


def test_a_project_gets_ninety_days_and_a_demolition_period_rolls_off_tet(
    inspector_a: Any, leader_a: Any
) -> None:
    with time_machine.travel(at(D(2026, 2, 27)), tick=False):
        case = steps(
            detected(inspector_a, D(2026, 1, 20), "art16_9"),
            (inspector_a, "record_violation", D(2026, 1, 21), {"works_class": "other_works"}),
            (leader_a, "issue_sanction_decision", D(2026, 1, 28)),
            (inspector_a, "serve_decision_demolish", D(2026, 2, 1)),
        )
    # 15 d after 1/2 ends Mon 16/2, inside Tết: the period ends on the first working day.
    assert case.stage_deadline == D(2026, 2, 23)
    assert case.works_class == "other_works"


def test_a_demolition_period_set_in_the_decision_replaces_the_default(
    inspector_a: Any, leader_a: Any
) -> None:
    with time_machine.travel(at(D(2026, 3, 20)), tick=False):
        case = steps(
            detected(inspector_a, D(2026, 3, 2), "art16_10"),
            (inspector_a, "record_violation", D(2026, 3, 3)),
            (leader_a, "issue_sanction_decision", D(2026, 3, 5), {"remedy_days": "30"}),
            (inspector_a, "serve_decision_demolish", D(2026, 3, 6)),
        )
    assert case.stage_deadline == D(2026, 4, 6)  # 30 d after Fri 6/3 = Sun 5/4 → Mon 6/4


def test_an_explanation_moves_the_decision_to_one_month_after_the_record(
    inspector_a: Any,
) -> None:
    with time_machine.travel(at(D(2026, 2, 5)), tick=False):
        case = steps(
            detected(inspector_a, D(2026, 1, 29)),
            (inspector_a, "record_violation", D(2026, 1, 30)),
            (inspector_a, "request_explanation", D(2026, 2, 2)),
        )
    assert case.stage == Stage.SUSPENDED
    assert case.stage_deadline == D(2026, 3, 2)  # 30/1 + 1 month = Mon 2/3 (28/2 Saturday)


def test_a_transfer_gives_ten_working_days_from_the_record(inspector_a: Any, leader_a: Any) -> None:
    with time_machine.travel(at(D(2026, 3, 13)), tick=False):
        case = steps(
            detected(inspector_a, D(2026, 3, 2)),
            (inspector_a, "record_violation", D(2026, 3, 3)),
            (leader_a, "transfer", D(2026, 3, 5)),
        )
    assert case.stage == Stage.TRANSFERRED
    assert case.stage_deadline == D(2026, 3, 17)  # 10 WD after Tue 3/3


# --- Rule versions ---------------------------------------------------------------------
def test_a_case_keeps_the_rules_in_force_on_its_detection_date(
    inspector_a: Any, leader_a: Any
) -> None:
    DeadlineRule.objects.create(
        code="decision",
        amount=10,
        unit="working_days",
        effective_from=D(2027, 1, 1),
        basis="Nghị định thay thế (giả định cho phép thử)",
    )
    with time_machine.travel(at(D(2027, 1, 5)), tick=False):
        old = detected(inspector_a, D(2026, 12, 31))
        new = detected(inspector_a, D(2027, 1, 4))
        old = steps(old, (inspector_a, "record_violation", D(2027, 1, 5)))
        new = steps(new, (inspector_a, "record_violation", D(2027, 1, 5)))
    assert old.stage_deadline == D(2027, 1, 14)  # 7 WD after Tue 5/1/2027
    assert new.stage_deadline == D(2027, 1, 19)  # 10 WD
    assert new.deadline_rule.basis.startswith("Nghị định thay thế")
    assert old.deadline_rule.effective_from == D(2022, 1, 28)


def test_a_rule_missing_from_the_table_is_restored_from_the_legal_default(inspector_a: Any) -> None:
    DeadlineRule.objects.filter(code="record").delete()
    with time_machine.travel(at(D(2026, 3, 9)), tick=False):
        case = case_open(actor=inspector_a, location=SITE, violation_type="art16_7")
    assert case.stage_deadline == D(2026, 3, 11)
    assert DeadlineRule.objects.filter(code="record").count() == 1


# --- What a case shows -------------------------------------------------------------
def test_days_left_and_days_overdue(inspector_a: Any) -> None:
    with time_machine.travel(at(D(2026, 3, 9)), tick=False):
        case = case_open(actor=inspector_a, location=SITE, violation_type="art16_7")
        shown = case_deadline(case)
    assert shown.due == D(2026, 3, 11) and shown.days_left == 2 and not shown.overdue
    later = case_deadline(case, today=D(2026, 3, 14))
    assert later.overdue and later.days_overdue == 3
    assert later.as_dict()["rule"] == "record" and "Nghị định" in later.basis


@pytest.mark.parametrize(
    ("bad_day", "message"),
    [(1, "future"), (-400, "before the previous step")],
)
def test_the_date_of_the_act_may_be_past_but_not_future_nor_before_the_previous_step(
    bad_day: int, message: str, inspector_a: Any
) -> None:
    from backend.cases.workflow.input_cleaning import ActionInputInvalid

    case = case_open(
        actor=inspector_a,
        location=SITE,
        violation_type="art16_7",
        detected_at=timezone.now() - datetime.timedelta(days=30),
    )
    day = timezone.localdate() + datetime.timedelta(days=bad_day)
    with pytest.raises(ActionInputInvalid, match=message):
        case_transition(
            actor=inspector_a,
            case=case,
            action="record_violation",
            data=data_for("record_violation", day),
        )
    past = timezone.localdate() - datetime.timedelta(days=20)
    case = case_transition(
        actor=inspector_a,
        case=case,
        action="record_violation",
        data=data_for("record_violation", past),
    )
    assert case.stage_since == past
