"""Document numbers stay gap-free and unique when replicas issue them at once (issue 16 §4).

Each register (ward, year, document type) is a row in PostgreSQL taken inside
the step's transaction (backend.cases.services.numbering): several web
processes share nothing else. Records (MBB01) and sanction decisions are
issued at once on many cases of two wards through two gunicorn instances,
with retries and refused requests crossing them.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.contrib.gis.geos import Point
from django.utils import timezone

from backend.accounts.models import Role
from backend.cases.models import CaseStep, Stage, ViolationCase
from backend.cases.services.opening import case_open
from tests.cases.conftest import SITE, data_for
from tests.factories import UserFactory
from tests.scaleout.conftest import Answer, at_once, post_json, token_of

IN_WARD_B = Point(106.71, 10.77, srid=4326)  # inside tests.factories.WARD_B_BOX


def opened(inspector: Any, where: Point) -> ViolationCase:
    """A case detected three days ago at `where`, opened through the service (numbered)."""
    detected_at = timezone.now() - datetime.timedelta(days=3)
    return case_open(
        actor=inspector, location=where, violation_type="art16_7", detected_at=detected_at
    )


def registers() -> dict[tuple[int, int, str], list[int]]:
    """Every numbered document's sequence, by register (ward, year, type)."""
    taken: dict[tuple[int, int, str], list[int]] = defaultdict(list)
    for ward, year, kind, sequence in CaseStep.objects.filter(
        document_sequence__isnull=False
    ).values_list("ward_id", "document_year", "document_type", "document_sequence"):
        taken[(ward, year, kind)].append(sequence)
    return {register: sorted(numbers) for register, numbers in taken.items()}


def test_records_and_decisions_issued_at_once_on_two_replicas_are_numbered_without_gaps(
    two_web_processes: tuple[str, str],
    ward_a: Any,
    ward_b: Any,
    inspector_a: Any,
    inspector_b: Any,
    leader_a: Any,
) -> None:
    first, second = two_web_processes
    leader_b = UserFactory(username="leader_b", role=Role.WARD_LEADER, wards=[ward_b])
    cases = [opened(inspector_a, SITE) for _ in range(6)]
    cases += [opened(inspector_b, IN_WARD_B) for _ in range(4)]
    assert [c.ward_id for c in cases].count(ward_b.pk) == 4
    tokens = {user.pk: token_of(user) for user in (inspector_a, inspector_b, leader_a, leader_b)}
    inspector_of = {ward_a.pk: inspector_a, ward_b.pk: inspector_b}
    leader_of = {ward_a.pk: leader_a, ward_b.pk: leader_b}
    today = timezone.localdate()

    def act(base: str, case: ViolationCase, user: Any, action: str, **extra: Any) -> Any:
        payload = {"action": action, **data_for(action, today), **extra}
        url = f"{base}/api/cases/{case.pk}/transitions/"
        return lambda: post_json(url, tokens[user.pk], payload)

    def by_status(answers: list[Any]) -> dict[int, list[Answer]]:
        assert not [a for a in answers if isinstance(a, Exception)], answers
        grouped: dict[int, list[Answer]] = defaultdict(list)
        for answer in answers:
            grouped[answer.status].append(answer)
        return grouped

    # 1. The records, each sent to one replica and retried at once on the
    #    other (a client that timed out), plus a refused one on every case
    #    of ward A (a field missing) that must take no number.
    jobs, refused = [], []
    for index, case in enumerate(cases):
        here, there = (first, second) if index % 2 else (second, first)
        user = inspector_of[case.ward_id]
        jobs += [
            act(here, case, user, "record_violation"),
            act(there, case, user, "record_violation"),
        ]
        if case.ward_id == ward_a.pk:
            refused.append(len(jobs))
            jobs.append(act(there, case, user, "record_violation", violator_name=""))
    answers = at_once(*jobs)
    # Refused for the missing name, or for the stage if the record came first.
    assert {answers[i].status for i in refused} <= {400, 409}, [answers[i].body for i in refused]
    grouped = by_status(answers)
    assert len(grouped[200]) == len(cases), {s: [a.body for a in g] for s, g in grouped.items()}
    # The retry lost to the first (the stage moved on under it): 409, nothing written.
    assert set(grouped) <= {200, 400, 409}, {s: [a.body for a in g] for s, g in grouped.items()}
    assert all(a.body["code"] in ("wrong_stage", "stale") for a in grouped[409])
    assert {a.body["properties"]["stage"] for a in grouped[200]} == {Stage.SUSPENDED}

    # 2. The sanction decisions, by the leaders, on both replicas at once.
    jobs = [
        act((first, second)[index % 2], case, leader_of[case.ward_id], "issue_sanction_decision")
        for index, case in enumerate(cases)
    ]
    grouped = by_status(at_once(*jobs))
    assert set(grouped) == {200}, {s: [a.body for a in g] for s, g in grouped.items()}

    year = today.year
    taken = registers()
    record_type = CaseStep.objects.filter(action="record_violation").values_list(
        "document_type", flat=True
    )
    assert set(record_type) == {"MBB01"}
    decision_types = set(
        CaseStep.objects.filter(action="issue_sanction_decision").values_list(
            "document_type", flat=True
        )
    )
    assert len(decision_types) == 1 and "" not in decision_types
    (decision_type,) = decision_types
    assert taken == {
        (ward_a.pk, year, "MBB01"): [1, 2, 3, 4, 5, 6],
        (ward_b.pk, year, "MBB01"): [1, 2, 3, 4],
        (ward_a.pk, year, decision_type): [1, 2, 3, 4, 5, 6],
        (ward_b.pk, year, decision_type): [1, 2, 3, 4],
    }
    # One step of each kind per case: no retry recorded a second one.
    assert CaseStep.objects.count() == 2 * len(cases)
    assert sorted(
        CaseStep.objects.filter(ward=ward_a, document_type="MBB01").values_list(
            "document_number", flat=True
        )
    ) == sorted(f"{n}/BB-VPHC" for n in range(1, 7))
