"""Two people, two database connections, one case: one wins, the other hears why.
Document numbers stay gap-free and unique when many are taken at once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from backend.accounts.models import Role
from backend.cases.models import CaseStep, Stage
from backend.cases.services.numbering import document_number_take
from backend.cases.services.transition import case_transition
from backend.core.errors import Conflict
from tests.cases.conftest import data_for, open_case
from tests.factories import UserFactory


def run_together(*jobs: Callable[[], Any]) -> list[Any]:
    """Run each job in its own thread (so its own connection), released at the same moment."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def worker(index: int, job: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = job()
        except Exception as exc:  # collected and asserted by the test
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_people_acting_at_once_one_wins_and_the_other_gets_409(
    inspector_a: Any, leader_a: Any
) -> None:
    """Both saw version 1: the inspector records, the leader cancels. One of them is first."""
    case = open_case(inspector_a, days_ago=3)
    today = timezone.localdate()

    def record() -> Any:
        return case_transition(
            actor=inspector_a,
            case=case,
            action="record_violation",
            data=data_for("record_violation", today),
            expected_version=1,
        )

    def cancel() -> Any:
        return case_transition(
            actor=leader_a,
            case=case,
            action="cancel",
            data=data_for("cancel", today),
            expected_version=1,
        )

    results = run_together(record, cancel)
    winners = [r for r in results if not isinstance(r, Exception)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert isinstance(losers[0], Conflict) and losers[0].code == "stale"
    message = str(losers[0].message)
    # Worker threads start in the site's default language, Vietnamese.
    assert "đã thay đổi trong lúc bạn đang xem" in message
    assert ("inspector_a" in message) != ("leader_a" in message)  # names who won
    case.refresh_from_db()
    assert case.version == 2
    assert CaseStep.objects.filter(case=case).count() == 1
    assert case.stage in (Stage.SUSPENDED, Stage.CLOSED)


@pytest.mark.django_db(transaction=True)
def test_the_same_step_taken_twice_at_once_is_recorded_once(inspector_a: Any, ward_a: Any) -> None:
    """Without a version (an API client that sends none) the row lock still decides."""
    colleague = UserFactory(username="inspector_a2", role=Role.INSPECTOR, wards=[ward_a])
    case = open_case(inspector_a, days_ago=3)
    today = timezone.localdate()

    def record(user: Any) -> Callable[[], Any]:
        return lambda: case_transition(
            actor=user,
            case=case,
            action="record_violation",
            data=data_for("record_violation", today),
        )

    results = run_together(record(inspector_a), record(colleague))
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(losers) == 1 and isinstance(losers[0], Conflict), results
    assert losers[0].code == "wrong_stage"
    assert CaseStep.objects.filter(case=case).count() == 1
    assert CaseStep.objects.get(case=case).document_sequence == 1


@pytest.mark.django_db(transaction=True)
def test_document_numbers_taken_at_once_are_unique_and_gap_free(
    inspector_a: Any, ward_a: Any
) -> None:
    cases = [open_case(inspector_a, days_ago=3) for _ in range(8)]
    today = timezone.localdate()

    def recorder(case: Any) -> Callable[[], Any]:
        return lambda: case_transition(
            actor=inspector_a,
            case=case,
            action="record_violation",
            data=data_for("record_violation", today),
        )

    results = run_together(*[recorder(c) for c in cases])
    assert not [r for r in results if isinstance(r, Exception)], results
    numbers = sorted(
        CaseStep.objects.filter(ward=ward_a, document_type="MBB01").values_list(
            "document_sequence", flat=True
        )
    )
    assert numbers == list(range(1, 9))
    assert set(CaseStep.objects.values_list("document_number", flat=True)) == {
        f"{n}/BB-VPHC" for n in range(1, 9)
    }


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transition_gives_its_number_back(inspector_a: Any, ward_a: Any) -> None:
    year = timezone.localdate().year
    with pytest.raises(RuntimeError), transaction.atomic():
        assert document_number_take(ward=ward_a, document_type="MQD02", year=year) == (
            1,
            "1/QĐ-XPHC",
        )
        raise RuntimeError("the rest of the step failed")
    with transaction.atomic():
        assert document_number_take(ward=ward_a, document_type="MQD02", year=year)[0] == 1


def test_a_typed_in_number_is_kept_unique_and_skipped_by_the_register(
    inspector_a: Any, ward_a: Any
) -> None:
    today = timezone.localdate()
    first, second, third = (open_case(inspector_a, days_ago=3) for _ in range(3))
    case_transition(
        actor=inspector_a,
        case=first,
        action="record_violation",
        data=data_for("record_violation", today, document_number="2"),
    )
    with pytest.raises(Conflict, match="already used by case"):
        case_transition(
            actor=inspector_a,
            case=second,
            action="record_violation",
            data=data_for("record_violation", today, document_number="2"),
        )
    case_transition(
        actor=inspector_a,
        case=second,
        action="record_violation",
        data=data_for("record_violation", today),
    )
    case_transition(
        actor=inspector_a,
        case=third,
        action="record_violation",
        data=data_for("record_violation", today),
    )
    numbers = sorted(CaseStep.objects.values_list("document_sequence", flat=True))
    assert numbers == [1, 2, 3]
