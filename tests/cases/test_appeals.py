"""Complaints, lawsuits, the suspension of a decision, and preventive measures, through
POST /api/cases/{id}/transitions/.

Dates counted by hand: a period in days starts the day after its event
(Civil Code Art. 147) and, ending on a rest day, rolls to the next working
day (Art. 148); the complaint window (90 d) and the lawsuit window (1 year)
count from the decision's receipt; the 24-hour report runs clock to clock.
"""

from __future__ import annotations

import datetime
from typing import Any

import time_machine
from django.test import Client

from backend.audit.models import CaseEvent
from backend.cases.models import Stage, ViolationCase
from backend.cases.services.deadline_scan import deadlines_scan
from tests.cases.test_serving_and_fines import act, at, decided, shown, transition

D = datetime.date


def served_and_closed(api: Any, inspector: Any, leader: Any) -> tuple[ViolationCase, int]:
    """Recorded 26/02/2026, decided (MQĐ02) Mon 02/03, handed over and received Wed 04/03,
    demolished by the violator and closed Fri 20/03. Returns the case and the decision's step."""
    case = decided(api, inspector, leader, D(2026, 2, 26), D(2026, 3, 2))
    decision = case.steps.get(action="issue_sanction_decision").pk
    act(
        api(inspector, "en"), case, "serve_decision_demolish", D(2026, 3, 4), document_step=decision
    )
    act(api(inspector, "en"), case, "verify_self_demolition", D(2026, 3, 20))
    return case, decision


def test_a_complaint_on_a_closed_case_is_judged_from_the_receipt_and_leaves_it_closed(
    api: Any, inspector_a: Any, leader_a: Any
) -> None:
    with time_machine.travel(at(D(2026, 6, 10)), tick=False):
        case, decision = served_and_closed(api, inspector_a, leader_a)
        closed = shown(api(leader_a, "en"), case)
        # Received 04/03: 90 days end Tue 02/06/2026 (27 + 30 + 31 + 2).
        act(
            api(inspector_a, "en"),
            case,
            "note_complaint",
            D(2026, 6, 1),
            decision_step=decision,
        )
        act(
            api(inspector_a, "en"),
            case,
            "note_complaint",
            D(2026, 6, 3),
            decision_step=decision,
            complainant="Trần Văn E",
            complex=True,
        )
        props = shown(api(leader_a, "en"), case)
    assert (props["stage"], props["outcome"], props["closed_on"]) == (
        Stage.CLOSED,
        closed["outcome"],
        "2026-03-20",
    )
    in_time, late = props["appeals"]["complaints"]
    assert in_time["window"]["end"] == "2026-06-02"
    assert in_time["window"]["counted_from"] == {"event": "receipt", "on": "2026-03-04"}
    assert (in_time["in_time"], late["in_time"]) == (True, False)
    # 30 days from Mon 01/06: Wed 01/07; complex, 45 days from Wed 03/06: Sat 18/07 → Mon 20/07.
    assert (in_time["decide_by"], late["decide_by"]) == ("2026-07-01", "2026-07-20")
    assert props["appeals"]["open_complaints"] == 2
    assert props["deadline"] is None  # nothing reopened
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds.count("complaint_noted") == 2


def test_the_decision_on_a_complaint_closes_it_and_is_refused_before_the_complaint(
    api: Any, inspector_a: Any, leader_a: Any
) -> None:
    with time_machine.travel(at(D(2026, 6, 30)), tick=False):
        case, decision = served_and_closed(api, inspector_a, leader_a)
        act(api(inspector_a, "en"), case, "note_complaint", D(2026, 5, 4), decision_step=decision)
        complaint = case.steps.get(action="note_complaint").pk
        early = transition(
            api(leader_a, "en"), case, "decide_complaint", D(2026, 5, 3), complaint_step=complaint
        )
        assert early.status_code == 400
        assert "04/05/2026" in early.json()["occurred_on"][0]
        act(api(leader_a, "en"), case, "decide_complaint", D(2026, 5, 29), complaint_step=complaint)
        props = shown(api(leader_a, "en"), case)
        again = transition(
            api(leader_a, "en"), case, "decide_complaint", D(2026, 6, 1), complaint_step=complaint
        )
    (done,) = props["appeals"]["complaints"]
    assert done["decision"]["outcome"] == "rejected" and done["open"] is False
    assert props["appeals"]["open_complaints"] == 0
    assert again.status_code == 409  # no complaint awaits a decision
    event = CaseEvent.objects.filter(case=case, kind="complaint_decided").get()
    assert event.payload["data"]["decision_number"] == "21/QĐ-GQKN"


def test_a_lawsuit_is_recorded_with_its_court_and_its_one_year_window(
    api: Any, inspector_a: Any, leader_a: Any
) -> None:
    with time_machine.travel(at(D(2027, 3, 10)), tick=False):
        case, decision = served_and_closed(api, inspector_a, leader_a)
        act(
            api(inspector_a, "en"),
            case,
            "note_lawsuit",
            D(2027, 3, 1),
            decision_step=decision,
            court="Tòa án nhân dân khu vực 2",
        )
        props = shown(api(leader_a, "en"), case)
        (suit,) = props["appeals"]["lawsuits"]
        # One year from the receipt on 04/03/2026: Thu 04/03/2027.
        assert suit["window"]["end"] == "2027-03-04" and suit["in_time"] is True
        assert suit["court"] == "Tòa án nhân dân khu vực 2" and suit["open"] is True
        act(
            api(inspector_a, "en"),
            case,
            "record_court_judgment",
            D(2027, 3, 9),
            lawsuit_step=case.steps.get(action="note_lawsuit").pk,
        )
        after = shown(api(leader_a, "en"), case)
    assert after["appeals"]["open_lawsuits"] == 0 and after["stage"] == Stage.CLOSED


def test_a_complaint_does_not_stop_the_deadline_but_a_suspension_stops_the_overdue_flag(
    api: Any, inspector_a: Any, leader_a: Any
) -> None:
    with time_machine.travel(at(D(2026, 3, 4)), tick=False):
        case = decided(api, inspector_a, leader_a, D(2026, 2, 26), D(2026, 3, 2))
        decision = case.steps.get(action="issue_sanction_decision").pk
        act(api(inspector_a, "en"), case, "serve_decision_demolish", D(2026, 3, 4))
    due = D.fromisoformat(shown(api(leader_a, "en"), case)["deadline"]["due"])
    late = due + datetime.timedelta(days=3)
    with time_machine.travel(at(late), tick=False):
        act(api(inspector_a, "en"), case, "note_complaint", late, decision_step=decision)
        assert shown(api(leader_a, "en"), case)["deadline"]["due"] == due.isoformat()
        deadlines_scan(today=late)
        case.refresh_from_db()
        assert case.overdue_since == due + datetime.timedelta(days=1)

        act(api(leader_a, "en"), case, "suspend_execution", late, decision_step=decision)
        deadlines_scan(today=late)
        case.refresh_from_db()
        props = shown(api(leader_a, "en"), case)
        assert case.overdue_since is None and props["execution_suspended"] is True
        assert props["appeals"]["suspension"]["decision_number"] == "05/QĐ-ĐCTHQĐ"
        assert props["deadline"]["due"] == due.isoformat()  # the deadline itself stands
        twice = transition(api(leader_a, "en"), case, "suspend_execution", late)
        assert twice.status_code == 409

        act(api(leader_a, "en"), case, "lift_suspension", late)
        deadlines_scan(today=late)
        case.refresh_from_db()
    assert case.execution_suspended is False
    assert case.overdue_since == due + datetime.timedelta(days=1)
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert {"execution_suspended", "execution_resumed", "overdue_cleared"} <= set(kinds)


def test_a_seizure_is_reported_within_24_hours_clock_to_clock_and_its_items_returned(
    api: Any, inspector_a: Any, leader_a: Any
) -> None:
    with time_machine.travel(at(D(2026, 3, 20)), tick=False):
        case = decided(api, inspector_a, leader_a, D(2026, 2, 26), D(2026, 3, 2))
        # Sat 14/03/2026 at 15:30: due Sun 15/03 at 15:30, hours do not roll past rest days.
        act(
            api(inspector_a, "en"),
            case,
            "apply_preventive_measure",
            D(2026, 3, 14),
            taken_at="15:30",
        )
        measure = case.steps.get(action="apply_preventive_measure").pk
        (shown_measure,) = shown(api(leader_a, "en"), case)["appeals"]["preventive_measures"]
        assert shown_measure["report_due_at"] == "2026-03-15T15:30"
        before = transition(
            api(inspector_a, "en"),
            case,
            "report_preventive_measure",
            D(2026, 3, 14),
            measure_step=measure,
            reported_at="15:00",
        )
        assert before.status_code == 400 and "reported_at" in before.json()
        act(
            api(inspector_a, "en"),
            case,
            "report_preventive_measure",
            D(2026, 3, 15),
            measure_step=measure,
            reported_at="16:00",
        )
        act(api(leader_a, "en"), case, "release_seized_items", D(2026, 3, 18), measure_step=measure)
        (done,) = shown(api(leader_a, "en"), case)["appeals"]["preventive_measures"]
        again = transition(
            api(leader_a, "en"), case, "release_seized_items", D(2026, 3, 19), measure_step=measure
        )
    assert done["reported_at"] == "2026-03-15T16:00" and done["report_on_time"] is False
    assert done["released"]["on"] == "2026-03-18"
    assert again.status_code == 409
    assert CaseEvent.objects.filter(case=case, kind="preventive_measure_reported").exists()


def test_the_case_page_shows_open_complaints_suspension_and_the_report_due(
    api: Any, inspector_a: Any, leader_a: Any
) -> None:
    with time_machine.travel(at(D(2026, 3, 20)), tick=False):
        case = decided(api, inspector_a, leader_a, D(2026, 2, 26), D(2026, 3, 2))
        decision = case.steps.get(action="issue_sanction_decision").pk
        act(api(inspector_a, "en"), case, "note_complaint", D(2026, 3, 16), decision_step=decision)
        act(api(leader_a, "en"), case, "suspend_execution", D(2026, 3, 17), decision_step=decision)
        act(api(inspector_a, "en"), case, "apply_preventive_measure", D(2026, 3, 18))
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(leader_a)
        page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="appeals"' in page
    assert 'data-testid="execution-suspended"' in page and "05/QĐ-ĐCTHQĐ" in page
    # Not yet served: the window counts from the issue; 30 days from Mon 16/03: Wed 15/04.
    assert "15/04/2026" in page
    assert "08:30 19/03/2026" in page  # 24 hours after the seizure at 08:30
