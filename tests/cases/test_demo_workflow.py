"""The demo's cases walked through the workflow: varied, lawful, and with real history."""

from __future__ import annotations

import random
from typing import Any

from django.utils import timezone

from backend.cases.models import CaseStep, Stage
from fixtures.demo_workflow import advance_demo_cases
from tests.cases.conftest import open_case


def test_demo_cases_end_in_varied_stages_some_overdue_some_late(actors: Any) -> None:
    rng = random.Random(7)
    types = ["art16_7", "art16_9", "art16_6", "art16_10", "art16_8"]
    cases = [
        open_case(actors["inspector"], days_ago=rng.randint(5, 240), violation_type=types[i % 5])
        for i in range(40)
    ]
    stops = advance_demo_cases(cases, random.Random(1), actors)

    assert sum(stops.values()) == 40
    assert len(stops) >= 5 and stops[Stage.CLOSED] >= 3 and stops[Stage.DETECTED] >= 1
    today = timezone.localdate()
    steps = CaseStep.objects.filter(case__in=cases)
    assert steps.filter(on_time=True).exists() and steps.filter(on_time=False).exists()
    assert all(step.occurred_on <= today for step in steps)
    refreshed = [type(c).objects.get(pk=c.pk) for c in cases]
    assert any(c.is_open and c.stage_deadline and c.stage_deadline < today for c in refreshed)
    # Every step went through the service: each has its event.
    assert all(
        c.events.filter(kind__in=["stage_changed", "child_case_opened", "fine_paid"]).count()
        == c.steps.count()
        for c in refreshed
    )


def test_without_a_leader_cases_wait_for_the_decision(inspector_a: Any) -> None:
    cases = [open_case(inspector_a, days_ago=100) for _ in range(12)]
    advance_demo_cases(cases, random.Random(3), {"inspector": inspector_a, "leader": None})
    stages = {type(c).objects.get(pk=c.pk).stage for c in cases}
    assert stages <= {Stage.DETECTED, Stage.SUSPENDED}


def test_the_demo_caseload_looks_like_a_wards(actors: Any) -> None:
    """Old cases are mostly dealt with; of the open ones, most are on track,
    so the overdue ones stand out on the map instead of colouring it all."""
    rng = random.Random(11)
    types = ["art16_7", "art16_9", "art16_6", "art16_10", "art16_8"]
    cases = [
        open_case(actors["inspector"], days_ago=rng.randint(1, 300), violation_type=types[i % 5])
        for i in range(60)
    ]
    # One draw of the generator (its shares are expectations: ~75 % of the old
    # cases end); the seed changes whenever the demo consumes randomness differently.
    advance_demo_cases(cases, random.Random(7), actors)

    today = timezone.localdate()
    refreshed = [type(c).objects.get(pk=c.pk) for c in cases]
    open_cases = [c for c in refreshed if c.is_open]
    overdue = [c for c in open_cases if c.stage_deadline and c.stage_deadline < today]
    old = [c for c in refreshed if (today - timezone.localdate(c.detected_at)).days > 200]
    assert open_cases and overdue
    assert len(overdue) <= 0.6 * len(open_cases), (len(overdue), len(open_cases))
    assert sum(not c.is_open for c in old) >= 0.6 * len(old), len(old)
