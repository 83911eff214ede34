"""Timelines and figures from cases moved by the real workflow (backend.cases)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from backend.audit.verification import chain_verify
from backend.cases.models import Stage
from backend.cases.selectors.query import CaseQuery
from backend.reports.dashboard import audit_dashboard
from tests.cases.conftest import PATHS, open_case, seed_rules_and_calendar, walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def halted_case(inspector_a: Any, leader_a: Any) -> Any:
    seed_rules_and_calendar()
    case = open_case(inspector_a, days_ago=60)
    # Steps 5 days apart: the decision falls within its 7 working days (LXLVPHC Art. 66).
    actors = {"inspector": inspector_a, "leader": leader_a}
    return walk(case, PATHS[Stage.HALTED], actors, gap_days=5)


def test_the_timeline_of_a_real_case_shows_its_documents_and_deadlines(
    halted_case: Any, auditor: Any, api: Any
) -> None:
    data = api(auditor).get(reverse("api-case-timeline", args=[halted_case.pk])).json()
    events = data["events"]
    assert [e["kind"] for e in events] == ["opened", "stage_changed", "stage_changed"]
    opened, record, decision = events
    detected = timezone.localdate(halted_case.detected_at)
    assert opened["occurred_on"] == detected.isoformat()
    assert opened["next_deadline"]["due"] == record["deadline"]["due"]
    assert (record["stage_before"], record["stage_after"]) == ("detected", "suspended")
    assert record["action"] == "record_violation" and record["document"]["type"] == "MBB01"
    assert record["document"]["number"]
    assert (decision["stage_before"], decision["stage_after"]) == ("suspended", "halted")
    assert decision["document"]["type"] == "MQD02" and decision["actor_username"] == "leader_a"
    for step in (record, decision):
        occurred = datetime.date.fromisoformat(step["occurred_on"])
        due = datetime.date.fromisoformat(step["deadline"]["due"])
        assert step["deadline"]["basis"]
        assert step["days_late"] == max(0, (occurred - due).days)
        assert step["on_time"] is (occurred <= due)
    # The record came 5 days after detection; it was due 2 working days after.
    assert record["on_time"] is False and record["days_late"] > 0
    assert chain_verify().intact


def test_the_dashboard_counts_the_real_steps(halted_case: Any, auditor: Any) -> None:
    dashboard = audit_dashboard(auditor, CaseQuery(), timezone.localdate())
    ward = next(w for w in dashboard.wards if w.code == halted_case.ward.code)
    assert ward.open_by_stage == {Stage.HALTED: 1}
    assert ward.steps_timed == 2
    assert ward.median_days[Stage.DETECTED] == 5.0
    assert ward.median_days[Stage.SUSPENDED] == 5.0
    # Halted since its decision, 50 days ago, and still there: counted to today.
    assert ward.median_days[Stage.HALTED] == 50.0
