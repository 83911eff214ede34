"""Cases an earlier version transferred after their decision lose the stale
"decision due" deadline, with an event, once an administrator runs the correction."""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.core.checks import run_checks
from django.core.management import call_command
from django.utils import timezone

from backend.audit.models import CaseEvent
from backend.cases.deadlines import rule_in_force
from backend.cases.models import CaseStep, Stage, ViolationCase
from tests.cases.conftest import PATHS, open_case, walk


def _transferred_after_decision(actors: dict[str, Any]) -> ViolationCase:
    """A decided case moved to "transferred" as the old table allowed (rows written directly)."""
    case = walk(open_case(actors["inspector"], days_ago=60), PATHS[Stage.HALTED], actors)
    today = timezone.localdate()
    CaseStep.objects.create(
        case=case,
        ward=case.ward,
        action="transfer",
        stage_before=Stage.HALTED,
        stage_after=Stage.TRANSFERRED,
        occurred_on=today - datetime.timedelta(days=5),
        actor=actors["leader"],
        data={"authority": "so-xay-dung", "reason": "Vượt thẩm quyền"},
    )
    rule = rule_in_force("decision_transferred", today)
    ViolationCase.objects.filter(pk=case.pk).update(
        stage=Stage.TRANSFERRED,
        deadline_rule=rule,
        stage_deadline=today - datetime.timedelta(days=20),
        overdue_since=today - datetime.timedelta(days=19),
    )
    case.refresh_from_db()
    return case


def test_the_admin_is_warned_and_the_correction_clears_the_stale_deadline_with_an_event(
    actors: Any,
) -> None:
    stale = _transferred_after_decision(actors)
    # A case transferred before its decision, as the law has it, keeps its deadline.
    proper = walk(
        open_case(actors["inspector"], days_ago=5), PATHS[Stage.TRANSFERRED], actors, gap_days=1
    )
    proper_due = proper.stage_deadline
    assert proper_due is not None
    assert "cases.W003" in {w.id for w in run_checks(databases=["default"])}

    out = io.StringIO()
    call_command("correct_transfers", "--dry-run", stdout=out)
    assert stale.code in out.getvalue() and "1 case(s) would be corrected" in out.getvalue()
    stale.refresh_from_db()
    assert stale.stage_deadline is not None

    call_command("correct_transfers", stdout=io.StringIO())
    stale.refresh_from_db()
    assert (stale.stage, stale.stage_deadline, stale.overdue_since) == (
        Stage.TRANSFERRED,
        None,
        None,
    )
    event = CaseEvent.objects.filter(case=stale).latest("id")
    assert event.kind == "deadline_corrected"
    assert event.payload["reason"] == "transferred_after_decision"
    assert event.actor.username != actors["leader"].username  # the system account
    proper.refresh_from_db()
    assert proper.stage_deadline == proper_due
    assert "cases.W003" not in {w.id for w in run_checks(databases=["default"])}
    # Run again: nothing left to correct, no new event.
    before = CaseEvent.objects.filter(case=stale).count()
    call_command("correct_transfers", stdout=io.StringIO())
    assert CaseEvent.objects.filter(case=stale).count() == before
