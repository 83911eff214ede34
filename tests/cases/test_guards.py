"""Guards: what the table refuses beyond the stage, and the data each action needs."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from backend.cases.models import LEGALISABLE_TYPES, Stage, ViolationType
from backend.cases.selectors import case_actions_for
from backend.cases.services.transition import case_transition
from backend.cases.workflow.input_cleaning import ActionInputInvalid
from backend.core.errors import Conflict
from tests.cases.conftest import PATHS, data_for, open_case, walk

NOT_LEGALISABLE = sorted(set(ViolationType.values) - set(LEGALISABLE_TYPES))


@pytest.mark.parametrize("violation_type", NOT_LEGALISABLE)
def test_a_decision_cannot_offer_legalisation_outside_clauses_4_6_7_8(
    violation_type: str, actors: Any
) -> None:
    case = walk(
        open_case(actors["inspector"], violation_type=violation_type),
        PATHS[Stage.SUSPENDED],
        actors,
    )
    actions = case_actions_for(actors["leader"], case)
    decision = next(a for a in actions.available if a.code == "issue_sanction_decision")
    remedy = next(f for f in decision.fields if f.name == "remedy")
    assert [value for value, _label in remedy.choices_for(case)] == ["demolish"]
    with pytest.raises(ActionInputInvalid) as refused:
        case_transition(
            actor=actors["leader"],
            case=case,
            action="issue_sanction_decision",
            data=data_for("issue_sanction_decision", timezone.localdate(), remedy="legalise"),
        )
    assert "remedy" in refused.value.errors
    assert "clauses 4, 6, 7 and 8" in refused.value.errors["remedy"]
    case.refresh_from_db()
    assert case.stage == Stage.SUSPENDED


@pytest.mark.parametrize("violation_type", sorted(LEGALISABLE_TYPES))
def test_legalisable_clauses_may_get_a_legalisation_period(
    violation_type: str, actors: Any
) -> None:
    case = walk(
        open_case(actors["inspector"], violation_type=violation_type),
        PATHS[Stage.LEGALISING],
        actors,
    )
    assert case.stage == Stage.LEGALISING


def test_serving_follows_the_remedy_the_decision_ordered(case_at: Any, actors: Any) -> None:
    case = case_at(Stage.HALTED)  # the default path orders demolition
    now = case_actions_for(actors["inspector"], case)
    assert [a.code for a in now.available if a.code.startswith("serve")] == [
        "serve_decision_demolish"
    ]
    # The other remedy's service is not offered, nor listed as blocked (noise on the page).
    assert [a.code for a, _reason in now.blocked if a.code.startswith("serve")] == []
    with pytest.raises(Conflict) as refused:
        case_transition(
            actor=actors["inspector"],
            case=case,
            action="serve_decision_legalise",
            data=data_for("serve_decision_legalise", timezone.localdate()),
        )
    assert refused.value.code == "guard"


def test_enforcement_waits_for_the_demolition_period_to_end(actors: Any) -> None:
    case = open_case(actors["inspector"], days_ago=10)
    case = walk(case, PATHS[Stage.SELF_DEMOLITION], actors, gap_days=1)
    assert case.stage_deadline >= timezone.localdate()
    now = case_actions_for(actors["leader"], case)
    assert "decide_enforcement" in [a.code for a, _reason in now.blocked]
    with pytest.raises(Conflict, match="has until"):
        case_transition(
            actor=actors["leader"],
            case=case,
            action="decide_enforcement",
            data=data_for("decide_enforcement", timezone.localdate()),
        )


def test_enforcement_decided_after_the_fact_must_be_dated_after_the_period(actors: Any) -> None:
    case = walk(
        open_case(actors["inspector"], days_ago=100),
        PATHS[Stage.SELF_DEMOLITION],
        actors,
        gap_days=2,
    )
    inside = case.stage_deadline
    with pytest.raises(ActionInputInvalid) as refused:
        case_transition(
            actor=actors["leader"],
            case=case,
            action="decide_enforcement",
            data=data_for("decide_enforcement", inside),
        )
    assert "occurred_on" in refused.value.errors
    done = case_transition(
        actor=actors["leader"],
        case=case,
        action="decide_enforcement",
        data=data_for("decide_enforcement", inside + datetime.timedelta(days=1)),
    )
    assert done.stage == Stage.ENFORCEMENT


def test_missing_required_data_is_listed_all_at_once(actors: Any) -> None:
    case = open_case(actors["inspector"])
    with pytest.raises(ActionInputInvalid) as refused:
        case_transition(
            actor=actors["inspector"],
            case=case,
            action="record_violation",
            data={"occurred_on": timezone.localdate().isoformat()},
        )
    assert {"violator_name", "violator_address", "address", "conduct"} <= set(refused.value.errors)
    body = refused.value.as_dict()
    assert body["code"] == "invalid_input" and body["violator_name"]


def test_unknown_fields_and_bad_values_are_refused(actors: Any) -> None:
    case = walk(open_case(actors["inspector"]), PATHS[Stage.SUSPENDED], actors)
    with pytest.raises(ActionInputInvalid) as refused:
        case_transition(
            actor=actors["leader"],
            case=case,
            action="issue_sanction_decision",
            data=data_for(
                "issue_sanction_decision",
                timezone.localdate(),
                fine_amount="lots",
                electricity="cut",
            ),
        )
    assert set(refused.value.errors) == {"fine_amount", "detail"}
    assert "electricity" in refused.value.errors["detail"]


def test_facts_entered_in_a_step_are_kept_on_the_case(actors: Any) -> None:
    case = walk(open_case(actors["inspector"]), PATHS[Stage.SUSPENDED], actors)
    assert case.violator_name == "Nguyễn Văn Bình"
    assert str(case.floor_area_m2) == "210.50" and case.storeys == 4
    event = case.events.latest("id")
    assert event.payload["data"]["case_changes"]["violator_name"]["after"] == "Nguyễn Văn Bình"


def test_a_complaint_keeps_the_clock_running(case_at: Any, actors: Any) -> None:
    case = case_at(Stage.SUSPENDED)
    due, rule = case.stage_deadline, case.deadline_rule_id
    after = case_transition(
        actor=actors["leader"],
        case=case,
        action="note_complaint",
        data=data_for("note_complaint", timezone.localdate()),
    )
    assert (after.stage, after.stage_deadline, after.deadline_rule_id) == (
        Stage.SUSPENDED,
        due,
        rule,
    )
    event = after.events.latest("id")
    assert (
        event.kind == "complaint_noted" and event.payload["next_deadline"]["due"] == due.isoformat()
    )
    assert event.payload["on_time"] is None


def test_continued_building_opens_a_linked_clause_12_case(case_at: Any, actors: Any) -> None:
    case = case_at(Stage.HALTED)
    after = case_transition(
        actor=actors["inspector"],
        case=case,
        action="report_continued_building",
        data=data_for("report_continued_building", timezone.localdate()),
    )
    child = after.child_cases.get()
    assert after.stage == Stage.HALTED
    assert child.parent_id == case.pk and child.ward_id == case.ward_id
    assert child.violation_type == "art16_12" and child.stage == Stage.DETECTED
    assert child.stage_deadline is not None and child.assigned_inspector == actors["inspector"]
    opened = child.events.get(kind="opened")
    assert opened.payload["parent"] == case.code
    assert after.events.latest("id").payload["data"]["child_case"] == child.code


def test_a_late_step_records_how_late_it_was(actors: Any) -> None:
    case = open_case(actors["inspector"], days_ago=30)
    due = case.stage_deadline
    late_day = due + datetime.timedelta(days=6)
    case = case_transition(
        actor=actors["inspector"],
        case=case,
        action="record_violation",
        data=data_for("record_violation", late_day),
    )
    payload = case.events.latest("id").payload
    assert payload["on_time"] is False and payload["days_late"] == 6
    assert payload["deadline"] == {
        "due": due.isoformat(),
        "rule": "record",
        "basis": payload["deadline"]["basis"],
    }
    assert payload["next_deadline"]["rule"] == "decision"
    assert payload["document"]["type"] == "MBB01" and payload["document"]["signer"]


def test_enforcement_is_not_counted_late_against_the_violators_period(actors: Any) -> None:
    case = walk(open_case(actors["inspector"], days_ago=120), PATHS[Stage.ENFORCEMENT], actors)
    decided = case.events.latest("id").payload
    assert decided["action"] == "decide_enforcement"
    assert decided["deadline"]["rule"] == "demolish"  # the period it followed, for the record
    assert decided["on_time"] is None and decided["days_late"] == 0
    assert decided["next_deadline"]["rule"] == "enforce"


def test_answers_to_nothing_are_neither_offered_nor_listed_as_blocked(
    case_at: Any, actors: Any
) -> None:
    case = case_at(Stage.HALTED)
    leader = case_actions_for(actors["leader"], case)
    shown = {a.code for a in leader.available} | {a.code for a, _r in leader.blocked}
    # No complaint, lawsuit, suspension, seizure or relief request to answer.
    for code in (
        "decide_complaint",
        "record_court_judgment",
        "lift_suspension",
        "release_seized_items",
        "decide_fine_relief",
    ):
        assert code not in shown, code
    # What opens those branches stays offered.
    assert {"note_complaint", "note_lawsuit", "suspend_execution"} <= shown
    page = Client()
    page.force_login(actors["leader"])
    html = page.get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No complaint awaits a decision." not in html
