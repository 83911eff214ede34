"""The sanction decision's fines through the API: bands, factors, several violations, the cap.

Hand-computed from Decree 16/2022 Art. 16 (organisations' bands; individuals
half, Art. 4(3)(c)), LXLVPHC Art. 23(4) (the midpoint) and the ward's cap
(Decree 189/2025 Art. 5: 50 % of 500M / 1bn = 250M individual, 500M organisation).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from backend.cases.models import CaseStep, Stage
from tests.cases.conftest import open_case, walk

M = 1_000_000
HOUSE, OTHER, PROJECT = "individual_house", "other_works", "feasibility_project"
PERSON, COMPANY = "individual", "organisation"


def suspended_case(
    actors: Any, clause: str, works_class: str, kind: str, heritage: bool = False
) -> Any:
    facts = {"works_class": works_class, "violator_kind": kind, "in_heritage_zone": heritage}
    # Recorded two days ago: today lies within the period to decide (7 WD, Art. 66).
    case = open_case(actors["inspector"], days_ago=3, violation_type=clause)
    return walk(case, [("record_violation", "inspector", facts)], actors, gap_days=1)


def decide(api: Any, leader: Any, case: Any, language: str = "en", **fields: Any) -> Any:
    payload = {
        "action": "issue_sanction_decision",
        "occurred_on": timezone.localdate().isoformat(),
        "remedy": "demolish",
        **fields,
    }
    return api(leader, language).post(f"/api/cases/{case.pk}/transitions/", payload, format="json")


def circumstances(factor: str) -> dict[str, str]:
    if factor == "none":
        return {"fine_factor": "none"}
    return {"fine_factor": factor, "factors": "Tự nguyện khai báo, thành thật hối lỗi."}


# (clause, works class, heritage zone, violator, fine, factor, accepted)
EDGES = [
    # Clause 7, tier a, an individual: 60–80M ÷ 2 = 30–40M, midpoint 35M.
    ("art16_7", HOUSE, False, PERSON, 35 * M, "none", True),
    ("art16_7", HOUSE, False, PERSON, 30 * M, "mitigating", True),
    ("art16_7", HOUSE, False, PERSON, 30 * M - 1, "mitigating", False),
    ("art16_7", HOUSE, False, PERSON, 40 * M, "aggravating", True),
    ("art16_7", HOUSE, False, PERSON, 40 * M + 1, "aggravating", False),
    ("art16_7", HOUSE, False, PERSON, 30 * M, "none", False),  # below the midpoint: no factor
    ("art16_7", HOUSE, False, PERSON, 40 * M, "mitigating", False),  # above it: the wrong one
    ("art16_7", HOUSE, False, PERSON, 38 * M, "both", True),
    # The same clause for an organisation: the full band, 60–80M.
    ("art16_7", HOUSE, False, COMPANY, 60 * M, "mitigating", True),
    ("art16_7", HOUSE, False, COMPANY, 60 * M - 1, "mitigating", False),
    ("art16_7", HOUSE, False, COMPANY, 70 * M, "none", True),
    ("art16_7", HOUSE, False, COMPANY, 80 * M, "aggravating", True),
    ("art16_7", HOUSE, False, COMPANY, 80 * M + 1, "aggravating", False),
    # Tier b: other works, or a house in a heritage zone: 80–100M ÷ 2 = 40–50M.
    ("art16_7", OTHER, False, PERSON, 45 * M, "none", True),
    ("art16_7", HOUSE, True, PERSON, 45 * M, "none", True),
    ("art16_7", HOUSE, True, PERSON, 35 * M, "mitigating", False),
    # Tier c: 120–140M for an organisation.
    ("art16_7", PROJECT, False, COMPANY, 130 * M, "none", True),
    ("art16_7", PROJECT, False, COMPANY, 119 * M, "mitigating", False),
    # Clause 2 (permit not displayed), tier a, an individual: 5–10M ÷ 2 = 2.5–5M.
    ("art16_2", HOUSE, False, PERSON, 3_750_000, "none", True),
    ("art16_2", HOUSE, False, PERSON, 30 * M, "aggravating", False),
    # Clause 8 has one band for every tier: 80–100M.
    ("art16_8", PROJECT, False, COMPANY, 90 * M, "none", True),
    ("art16_8", HOUSE, False, COMPANY, 100 * M, "aggravating", True),
]


@pytest.mark.parametrize(
    ("clause", "works", "heritage", "kind", "fine", "factor", "accepted"), EDGES
)
def test_a_fine_must_lie_in_its_band_for_the_tier_and_the_violator(
    api: Any,
    actors: Any,
    leader_a: Any,
    clause: str,
    works: str,
    heritage: bool,
    kind: str,
    fine: int,
    factor: str,
    accepted: bool,
) -> None:
    case = suspended_case(actors, clause, works, kind, heritage)
    response = decide(api, leader_a, case, fine_amount=fine, **circumstances(factor))
    case.refresh_from_db()
    if accepted:
        assert response.status_code == 200, response.content
        step = CaseStep.objects.get(case=case, action="issue_sanction_decision")
        assert step.data["fine_total"] == fine
        assert [v["fine"] for v in step.data["violations"]] == [fine]
        assert case.stage == Stage.HALTED
    else:
        assert response.status_code == 400, response.content
        assert "fine_amount" in response.json()
        assert case.stage == Stage.SUSPENDED
        assert not CaseStep.objects.filter(case=case, action="issue_sanction_decision").exists()


def test_left_out_the_fine_is_the_midpoint_the_form_proposes(
    api: Any, actors: Any, leader_a: Any
) -> None:
    case = suspended_case(actors, "art16_7", HOUSE, PERSON)
    body = api(leader_a, "en").get(f"/api/cases/{case.pk}/actions/").json()
    decision = next(a for a in body["actions"] if a["action"] == "issue_sanction_decision")
    fields = {f["name"]: f for f in decision["fields"]}
    fine = fields["fine_amount"]
    assert fine["initial"] == 35 * M
    assert (fine["band"]["minimum"], fine["band"]["maximum"], fine["band"]["midpoint"]) == (
        30 * M,
        40 * M,
        35 * M,
    )
    assert fine["band"]["tier"] == "a" and fine["band"]["violator_kind"] == PERSON
    assert fine["cap"]["amount"] == 250 * M and "189/2025" in fine["cap"]["basis"]
    assert "30.000.000 đ" in fine["help_text"] and "250.000.000 đ" in fine["help_text"]
    assert fields["fine_factor"]["initial"] == "none"
    # Each other violation offered with its band for this tier and violator.
    other = fields["other_fine_1"]["bands"]
    assert other["art16_1"]["minimum"] == 1_500_000 and other["art16_1"]["midpoint"] == 2 * M
    assert "art16_7" not in other and "art16_11" not in other

    assert decide(api, leader_a, case).status_code == 200
    step = CaseStep.objects.get(case=case, action="issue_sanction_decision")
    assert step.data["fine_amount"] == step.data["fine_total"] == 35 * M


def test_a_fine_away_from_the_midpoint_needs_the_circumstances_written_down(
    api: Any, actors: Any, leader_a: Any
) -> None:
    case = suspended_case(actors, "art16_7", HOUSE, PERSON)
    response = decide(api, leader_a, case, fine_amount=30 * M, fine_factor="mitigating")
    assert response.status_code == 400
    assert "factors" in response.json()


def test_several_violations_get_a_fine_each_and_a_total(
    api: Any, actors: Any, leader_a: Any
) -> None:
    case = suspended_case(actors, "art16_7", HOUSE, PERSON)
    response = decide(
        api,
        leader_a,
        case,
        fine_amount=35 * M,
        fine_factor="none",
        other_violation_1="art16_1",  # 3–5M ÷ 2: midpoint 2M
        other_fine_1="2.000.000",
        other_violation_2="art16_5",  # 30–40M ÷ 2: 15–20M, aggravated to the maximum
        other_fine_2="20.000.000",
        other_factor_2="aggravating",
        factors="Vi phạm hành chính nhiều lần.",
    )
    assert response.status_code == 200, response.content
    step = CaseStep.objects.get(case=case, action="issue_sanction_decision")
    assert step.data["fine_total"] == 57 * M
    assert [(v["clause"], v["fine"], v["factor"]) for v in step.data["violations"]] == [
        ("art16_7", 35 * M, "none"),
        ("art16_1", 2 * M, "none"),
        ("art16_5", 20 * M, "aggravating"),
    ]
    event = case.events.get(payload__action="issue_sanction_decision")
    assert event.payload["data"]["fine_total"] == 57 * M


@pytest.mark.parametrize(
    ("other", "problem"),
    [
        ({"other_violation_1": "art16_1"}, "other_fine_1"),
        ({"other_fine_1": 2 * M}, "other_violation_1"),
        ({"other_violation_1": "art16_7", "other_fine_1": 35 * M}, "other_violation_1"),
        ({"other_violation_1": "art16_1", "other_fine_1": 3 * M}, "other_fine_1"),
        ({"other_violation_1": "art16_11", "other_fine_1": 3 * M}, "other_violation_1"),
    ],
)
def test_another_violation_needs_its_clause_and_a_fine_in_its_band(
    api: Any, actors: Any, leader_a: Any, other: dict[str, Any], problem: str
) -> None:
    case = suspended_case(actors, "art16_7", HOUSE, PERSON)
    response = decide(api, leader_a, case, **other)
    assert response.status_code == 400, response.content
    assert problem in response.json()


@pytest.mark.parametrize(
    ("clause", "kind", "other", "accepted"),
    [
        # Clause 12, tier c, an organisation: 400–500M, midpoint 450M ≤ the 500M cap.
        ("art16_12", COMPANY, {}, True),
        # ... plus clause 5, tier c (80–100M, midpoint 90M): 540M > 500M.
        ("art16_12", COMPANY, {"other_violation_1": "art16_5", "other_fine_1": 90 * M}, False),
        # Clause 12, tier c, an individual: 200–250M, midpoint 225M ≤ the 250M cap ...
        ("art16_12", PERSON, {}, True),
        # ... plus clause 1, tier c (15–20M ÷ 2: midpoint 8.75M): 233.75M, still within.
        ("art16_12", PERSON, {"other_violation_1": "art16_1", "other_fine_1": 8_750_000}, True),
        # ... plus clause 5, tier c (80–100M ÷ 2: midpoint 45M): 270M > 250M.
        ("art16_12", PERSON, {"other_violation_1": "art16_5", "other_fine_1": 45 * M}, False),
    ],
)
def test_a_total_above_the_wards_cap_is_refused_and_the_transfer_offered(
    api: Any,
    actors: Any,
    leader_a: Any,
    clause: str,
    kind: str,
    other: dict[str, Any],
    accepted: bool,
) -> None:
    case = suspended_case(actors, clause, PROJECT, kind)
    response = decide(api, leader_a, case, **other)
    if accepted:
        assert response.status_code == 200, response.content
        return
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "beyond_competence"
    cap = "500.000.000 đ" if kind == COMPANY else "250.000.000 đ"
    assert cap in body["fine_amount"][0] and "189/2025" in body["fine_amount"][0]
    assert body["offer"]["action"] == "transfer" and cap in body["offer"]["reason"]
    transfer = api(leader_a, "en").post(
        f"/api/cases/{case.pk}/transitions/",
        {
            "action": "transfer",
            "occurred_on": timezone.localdate().isoformat(),
            "authority": "chu-tich-ubnd-thanh-pho",
            "reason": body["offer"]["reason"],
        },
        format="json",
    )
    assert transfer.status_code == 200, transfer.content
    case.refresh_from_db()
    assert case.stage == Stage.TRANSFERRED


def test_a_case_whose_lowest_fine_is_beyond_the_ward_is_offered_only_the_transfer(
    api: Any, actors: Any, leader_a: Any
) -> None:
    """Clause 13, tier c, an individual: 950M–1bn ÷ 2 = 475–500M, above the 250M cap."""
    case = suspended_case(actors, "art16_13", PROJECT, PERSON)
    body = api(leader_a, "vi").get(f"/api/cases/{case.pk}/actions/").json()
    blocked = {b["action"]: b["reason"] for b in body["blocked"]}
    assert "475.000.000 đ" in blocked["issue_sanction_decision"]
    assert "250.000.000 đ" in blocked["issue_sanction_decision"]
    transfer = next(a for a in body["actions"] if a["action"] == "transfer")
    reason = next(f for f in transfer["fields"] if f["name"] == "reason")
    assert reason["initial"] == blocked["issue_sanction_decision"]
    refused = decide(api, leader_a, case)
    assert refused.status_code == 409
    assert "250.000.000 đ" in refused.json()["detail"]


def test_the_refusal_names_the_band_in_vietnamese_with_vietnamese_amounts(
    api: Any, actors: Any, leader_a: Any
) -> None:
    case = suspended_case(actors, "art16_1", HOUSE, PERSON)  # 3–5M ÷ 2 = 1,5–2,5M
    response = decide(
        api, leader_a, case, "vi", fine_amount="1.499.999", **circumstances("mitigating")
    )
    assert response.status_code == 400
    message = response.json()["fine_amount"][0]
    assert "1.500.000 đ" in message and "2.500.000 đ" in message
    assert "khung" in message and "khoản 1 Điều 16 Nghị định số 16/2022/NĐ-CP" in message


def test_the_recorded_alternative_reading_changes_the_cap_once_applied(
    api: Any, actors: Any, leader_a: Any
) -> None:
    """An administrator switching readings is a data change: the 1 bn / 2 bn reading
    gives the ward 500M for an individual, so clause 13 tier c becomes the ward's."""
    from backend.cases.models import FineRule

    FineRule.objects.filter(applies=True).update(applies=False)
    FineRule.objects.filter(name__contains="Điều 4").update(applies=True)
    case = suspended_case(actors, "art16_13", PROJECT, PERSON)
    response = decide(api, leader_a, case, fine_amount=475 * M, **circumstances("mitigating"))
    assert response.status_code == 200, response.content
