"""Every legal and illegal transition of the table, per role, taken from the table itself."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from backend.audit.models import CaseEvent
from backend.cases.models import CaseStep, Stage
from backend.cases.services.transition import case_transition
from backend.cases.workflow.roles import INSPECTOR, LEADER
from backend.cases.workflow.table import ACTIONS, transitions_table
from backend.core.errors import Conflict, NotAllowed
from tests.cases.conftest import PATHS, SAMPLE_DATA, data_for
from tests.factories import CaseFactory

LEGAL = transitions_table()
ILLEGAL = [
    (code, stage)
    for code in ACTIONS
    for stage in Stage.values
    if stage not in ACTIONS[code].sources
]
ROLES = ["inspector", "leader", "auditor", "admin", "other_ward_leader"]


def test_every_action_has_sample_data_and_labels() -> None:
    assert set(SAMPLE_DATA) == set(ACTIONS)
    for spec in ACTIONS.values():
        assert spec.english_label() and spec.label_vi and spec.sources
        assert spec.roles <= INSPECTOR | LEADER  # city roles never act


def test_the_main_path_reaches_every_stage() -> None:
    targets = {target for _code, _source, target in LEGAL if target}
    assert targets == set(Stage.values) - {Stage.DETECTED}


def _allowed_role(code: str) -> str:
    return "inspector" if ACTIONS[code].roles == INSPECTOR else "leader"


# Steps some actions need first: their guards look at the fine.
BEFORE = {
    # Paid 10 days late: 10 × 0.05 % × 35.000.000 đ of interest with it.
    "confirm_conformity": [("record_fine_payment", "inspector", {"interest_paid": "175.000"})],
    "decide_fine_relief": [("request_fine_relief", "inspector", {})],
    "decide_complaint": [("note_complaint", "inspector", {})],
    "record_court_judgment": [("note_lawsuit", "inspector", {})],
    "lift_suspension": [("suspend_execution", "leader", {})],
    "report_preventive_measure": [("apply_preventive_measure", "inspector", {})],
    "release_seized_items": [("apply_preventive_measure", "inspector", {})],
}
ONLY_BEFORE_CLOSING = {"report_preventive_measure", "release_seized_items"}
# The actions on a closed case look at its decision: close one that has a fine.
CLOSED_WITH_A_FINE = [*PATHS[Stage.SELF_DEMOLITION], ("verify_self_demolition", "inspector", {})]


def _walked_to(case_at: Any, code: str, source: str) -> Any:
    # Guards depend on earlier steps: the decision's remedy picks the serve action.
    if code == "serve_decision_legalise" and source == Stage.HALTED:
        return _walk_halted(case_at, "legalise")
    if code == "extend_decision_period":
        return _walk_explaining(case_at)
    if code == "issue_sanction_decision":
        # Decided today: within the period to decide only if recorded lately.
        return case_at(source, days_ago=2, gap_days=1)
    path = PATHS[source]
    if source == Stage.CLOSED:
        path = CLOSED_WITH_A_FINE
    extra = BEFORE.get(code, [])
    if not extra and path is PATHS[source]:
        return case_at(source)
    from tests.cases import conftest

    original = conftest.PATHS[source]
    # A measure is taken on an open case: on a closed one, before it closed.
    closing = source == Stage.CLOSED and code in ONLY_BEFORE_CLOSING
    walk = [*path[:-1], *extra, path[-1]] if closing else [*path, *extra]
    conftest.PATHS[source] = walk
    try:
        return case_at(source)
    finally:
        conftest.PATHS[source] = original


def _walk_explaining(case_at: Any) -> Any:
    """Recorded yesterday, the violator explains: the period to decide runs a month."""
    from tests.cases import conftest

    original = conftest.PATHS[Stage.SUSPENDED]
    conftest.PATHS[Stage.SUSPENDED] = [
        ("record_violation", "inspector", {}),
        ("request_explanation", "inspector", {}),
    ]
    try:
        return case_at(Stage.SUSPENDED, days_ago=2, gap_days=1)
    finally:
        conftest.PATHS[Stage.SUSPENDED] = original


def _walk_halted(case_at: Any, remedy: str) -> Any:
    from tests.cases import conftest

    original = conftest.PATHS[Stage.HALTED]
    conftest.PATHS[Stage.HALTED] = [
        ("record_violation", "inspector", {}),
        ("issue_sanction_decision", "leader", {"remedy": remedy}),
    ]
    try:
        return case_at(Stage.HALTED)
    finally:
        conftest.PATHS[Stage.HALTED] = original


@pytest.mark.parametrize(("code", "source", "target"), LEGAL, ids=[f"{c}:{s}" for c, s, _ in LEGAL])
def test_legal_transition(
    code: str, source: str, target: str | None, case_at: Any, actors: Any
) -> None:
    case = _walked_to(case_at, code, source)
    assert case.stage == source
    version, events = case.version, CaseEvent.objects.filter(case=case).count()
    today = timezone.localdate()

    after = case_transition(
        actor=actors[_allowed_role(code)], case=case, action=code, data=data_for(code, today)
    )

    spec = ACTIONS[code]
    assert after.stage == (target or source)
    assert after.version == version + 1
    step = CaseStep.objects.filter(case=case).latest("id")
    assert (step.action, step.stage_before, step.stage_after) == (code, source, after.stage)
    assert step.occurred_on == today
    event = CaseEvent.objects.filter(case=case).latest("id")
    assert CaseEvent.objects.filter(case=case).count() == events + 1
    assert event.kind == spec.event_kind
    assert (event.stage_before, event.stage_after) == (source, after.stage)
    assert event.payload["action"] == code
    assert event.payload["occurred_on"] == today.isoformat()
    if spec.document:
        assert event.payload["document"]["type"] == spec.document
        assert event.payload["document"]["number"] == step.document_number != ""
    if spec.outcome:
        assert (after.outcome, after.closed_on, after.stage_deadline) == (spec.outcome, today, None)
    if spec.opens_child_case:
        child = after.child_cases.get()
        assert child.violation_type == "art16_12" and child.stage == Stage.DETECTED
        assert child.violator_name == case.violator_name


@pytest.mark.parametrize(("code", "stage"), ILLEGAL, ids=[f"{c}:{s}" for c, s in ILLEGAL])
def test_illegal_transition_is_refused_with_409(
    code: str, stage: str, ward_a: Any, actors: Any
) -> None:
    case = CaseFactory(ward=ward_a, stage=stage)
    with pytest.raises(Conflict) as refused:
        case_transition(
            actor=actors[_allowed_role(code)],
            case=case,
            action=code,
            data=data_for(code, timezone.localdate()),
        )
    assert refused.value.code == "wrong_stage"
    case.refresh_from_db()
    assert case.stage == stage and case.version == 1
    assert not CaseStep.objects.filter(case=case).exists()


@pytest.fixture
def people(actors: Any, auditor: Any, admin_user: Any, leader_b: Any) -> dict[str, Any]:
    return {**actors, "auditor": auditor, "admin": admin_user, "other_ward_leader": leader_b}


def _may(code: str, role: str) -> bool:
    roles = ACTIONS[code].roles
    return (role == "inspector" and roles & INSPECTOR != set()) or (
        role == "leader" and roles & LEADER != set()
    )


REFUSED = [(code, role) for code in ACTIONS for role in ROLES if not _may(code, role)]


def test_each_action_is_allowed_to_some_ward_role_and_refused_to_city_roles() -> None:
    for code in ACTIONS:
        assert _may(code, "inspector") or _may(code, "leader")
        assert (code, "auditor") in REFUSED and (code, "admin") in REFUSED
        assert (code, "other_ward_leader") in REFUSED


@pytest.mark.parametrize(("code", "role"), REFUSED, ids=[f"{c}:{r}" for c, r in REFUSED])
def test_roles_outside_the_table_are_refused_with_403(
    code: str, role: str, ward_a: Any, people: Any
) -> None:
    source = sorted(ACTIONS[code].sources)[0]
    case = CaseFactory(ward=ward_a, stage=source)
    with pytest.raises(NotAllowed) as refused:
        case_transition(
            actor=people[role], case=case, action=code, data=data_for(code, timezone.localdate())
        )
    # A leader of another ward has the right role but not the ward.
    expected = "ward" if role == "other_ward_leader" and _may(code, "leader") else "role"
    assert refused.value.code == expected
    case.refresh_from_db()
    assert (case.stage, case.version) == (source, 1)
    assert not CaseStep.objects.filter(case=case).exists()


def test_city_roles_are_told_they_never_act(ward_a: Any, auditor: Any) -> None:
    case = CaseFactory(ward=ward_a, stage=Stage.SUSPENDED)
    with pytest.raises(NotAllowed, match="never act"):
        case_transition(actor=auditor, case=case, action="cancel", data={"reason": "x"})


def test_paths_cover_every_stage() -> None:
    assert set(PATHS) == set(Stage.values)
