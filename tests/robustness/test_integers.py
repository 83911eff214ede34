"""Whole numbers in the workflow: counts are whole, money may be grouped, all fit their column.

A storey count of "2.5" once became 25 (the dot was read as a thousands
separator) and 99999 storeys broke the page with "smallint out of range".
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from backend.cases.models import CaseStep, Stage, ViolationCase
from tests.cases.conftest import SAMPLE_DATA, data_for, open_case
from tests.robustness.conftest import logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_a(inspector_a: Any) -> ViolationCase:
    return open_case(inspector_a, days_ago=3)


def record(api: Any, user: Any, case: Any, **fields: Any) -> Any:
    payload = {
        "action": "record_violation",
        **data_for("record_violation", timezone.localdate()),
        **fields,
    }
    return api(user, "en").post(f"/api/cases/{case.pk}/transitions/", payload, format="json")


@pytest.mark.parametrize("storeys", [2.5, "2.5", "2,5", "1.000", 99999, 10**20, "10" * 12, 101, -1])
def test_a_storey_count_that_is_not_a_plausible_whole_number_is_refused_by_the_api(
    api: Any, inspector_a: Any, case_a: Any, storeys: Any
) -> None:
    response = record(api, inspector_a, case_a, storeys=storeys)
    assert response.status_code == 400, response.content
    assert "storeys" in response.json()
    case_a.refresh_from_db()
    assert case_a.storeys is None and case_a.stage == Stage.DETECTED


@pytest.mark.parametrize(("storeys", "stored"), [(3, 3), (3.0, 3), ("4", 4), (" 100 ", 100)])
def test_a_whole_storey_count_is_stored_as_given(
    api: Any, inspector_a: Any, case_a: Any, storeys: Any, stored: int
) -> None:
    response = record(api, inspector_a, case_a, storeys=storeys)
    assert response.status_code == 200, response.content
    case_a.refresh_from_db()
    assert case_a.storeys == stored


@pytest.mark.parametrize(
    ("storeys", "message"),
    [
        ("99999", "from 1 to 100"),
        ("101", "from 1 to 100"),
        ("2.5", "without a decimal part"),
        ("2,5", "without a decimal part"),
    ],
)
def test_the_details_form_refuses_an_implausible_storey_count(
    inspector_a: Any, case_a: Any, storeys: str, message: str
) -> None:
    form = {
        **SAMPLE_DATA["record_violation"],
        "violator_kind": "individual",
        "works_class": "individual_house",
        "storeys": storeys,
    }
    response = logged_in(inspector_a).post(f"/cases/{case_a.pk}/details/", form)
    assert response.status_code == 400
    assert f"Storeys: Enter a {'number' if 'from' in message else 'whole number'}" in (
        response.content.decode()
    )
    assert message in response.content.decode()
    case_a.refresh_from_db()
    assert case_a.storeys is None and case_a.violator_name == ""


def decide(api: Any, leader: Any, case: Any, **fields: Any) -> Any:
    payload = {
        "action": "issue_sanction_decision",
        **data_for("issue_sanction_decision", timezone.localdate()),
        **fields,
    }
    return api(leader, "en").post(f"/api/cases/{case.pk}/transitions/", payload, format="json")


# The default case (Art. 16.7, an individual house, an individual) is fined
# 30–40M with 35M as the midpoint: the amounts are that midpoint, written
# the ways people write money.
@pytest.mark.parametrize(
    ("amount", "stored"),
    [
        ("35.000.000", 35_000_000),
        ("35,000,000", 35_000_000),
        ("35 000 000", 35_000_000),
        ("35000000", 35_000_000),
        (35_000_000, 35_000_000),
        (35_000_000.0, 35_000_000),
    ],
)
def test_a_fine_may_be_written_with_thousands_separators(
    api: Any, case_at: Any, leader_a: Any, amount: Any, stored: int
) -> None:
    # Recorded yesterday: today is within the period to decide (LXLVPHC Art. 66).
    case = case_at(Stage.SUSPENDED, days_ago=2, gap_days=1)
    response = decide(api, leader_a, case, fine_amount=amount)
    assert response.status_code == 200, response.content
    step = CaseStep.objects.get(case=case, action="issue_sanction_decision")
    assert step.data["fine_amount"] == stored


@pytest.mark.parametrize(
    "amount",
    [
        "1.500.000,50",
        "1,500,000.50",
        "1500000.5",
        "1.5",
        "15.00",
        "1.50.000",
        "1.500,000",
        1_500_000.5,
        "2.000.000.001",
        10**20,
        True,
    ],
)
def test_a_fine_with_a_fraction_or_beyond_the_legal_maximum_is_refused(
    api: Any, case_at: Any, leader_a: Any, amount: Any
) -> None:
    # Recorded yesterday: today is within the period to decide (LXLVPHC Art. 66).
    case = case_at(Stage.SUSPENDED, days_ago=2, gap_days=1)
    response = decide(api, leader_a, case, fine_amount=amount)
    assert response.status_code == 400, response.content
    assert "fine_amount" in response.json()
    case.refresh_from_db()
    assert case.stage == Stage.SUSPENDED


@pytest.mark.parametrize("days", ["100000", 10**15, "0", "30.5"])
def test_a_demolition_period_beyond_reason_is_refused(
    api: Any, case_at: Any, leader_a: Any, days: Any
) -> None:
    # Recorded yesterday: today is within the period to decide (LXLVPHC Art. 66).
    case = case_at(Stage.SUSPENDED, days_ago=2, gap_days=1)
    response = decide(api, leader_a, case, remedy_days=days)
    assert response.status_code == 400, response.content
    assert "remedy_days" in response.json()
    case.refresh_from_db()
    assert case.stage == Stage.SUSPENDED


@pytest.mark.parametrize("number", ["99999999999", 10**12, "1.000.000"])
def test_a_document_number_beyond_the_register_is_refused(
    api: Any, inspector_a: Any, case_a: Any, number: Any
) -> None:
    response = record(api, inspector_a, case_a, document_number=number)
    assert response.status_code == 400, response.content
    assert "document_number" in response.json()
    assert not CaseStep.objects.exists()
