"""The violation catalogue: Decree 16/2022 Art. 16 as seeded, versioned by date, labels from it."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone, translation

from backend.cases.fines import case_tier, clause_in_force, clauses_in_force, fine_rule_in_force
from backend.cases.models import LEGALISABLE_TYPES, ViolationClause, ViolationType
from backend.permits.models import WorksClass
from tests.cases.conftest import open_case, walk

M = 1_000_000
DECREE_16_IN_FORCE = datetime.date(2022, 1, 28)

# LAW.md §3, row by row: organisations' bands (million VND) for tiers a / b / c.
LAW_TABLE: dict[int, tuple[tuple[int, int], tuple[int, int], tuple[int, int]] | None] = {
    1: ((3, 5), (3, 5), (15, 20)),
    2: ((5, 10), (10, 20), (20, 30)),
    3: ((15, 20), (25, 30), (60, 80)),
    4: ((15, 20), (25, 30), (70, 90)),
    5: ((30, 40), (50, 60), (80, 100)),
    6: ((30, 40), (50, 70), (100, 120)),
    7: ((60, 80), (80, 100), (120, 140)),
    8: ((80, 100), (80, 100), (80, 100)),  # one band, whatever the tier
    9: ((80, 100), (100, 120), (160, 180)),
    10: ((80, 100), (100, 120), (180, 200)),
    11: None,  # fined under the land decree
    12: ((100, 120), (120, 140), (400, 500)),
    13: ((120, 140), (140, 160), (950, 1000)),
}
LEGALISABLE_CLAUSES = {4, 6, 7, 8}


def test_the_seeded_catalogue_is_decree_16_article_16_row_by_row(db: Any) -> None:
    rows = clauses_in_force(datetime.date(2026, 6, 1))
    assert [row.clause for row in rows] == list(range(1, 14))
    for row in rows:
        expected = LAW_TABLE[row.clause]
        bands = tuple(row.band_for_organisation(tier) for tier in "abc")
        if expected is None:
            assert bands == (None, None, None), row.clause
            assert "123/2024/NĐ-CP" in row.fined_elsewhere
        else:
            assert bands == tuple((low * M, high * M) for low, high in expected), row.clause
            assert not row.fined_elsewhere
        assert row.code == f"art16_{row.clause}"
        assert (row.decree, row.article) == ("16/2022/NĐ-CP", 16)
        assert row.effective_from == DECREE_16_IN_FORCE and row.effective_to is None
        assert row.legalisable == (row.clause in LEGALISABLE_CLAUSES), row.clause
        assert row.citation == f"khoản {row.clause} Điều 16 Nghị định số 16/2022/NĐ-CP"
        assert row.conduct_vi and row.label_vi.startswith(f"Khoản {row.clause} Điều 16")


def test_demolition_is_the_remedy_of_the_clauses_the_law_orders_it_for(db: Any) -> None:
    demolish = {
        row.clause for row in clauses_in_force(datetime.date(2026, 6, 1)) if row.remedies_vi
    }
    assert demolish == {4, 6, 7, 8, 9, 10}


def test_the_case_codes_and_their_labels_are_the_catalogues(db: Any) -> None:
    by_code = {row.code: row for row in clauses_in_force(datetime.date(2026, 6, 1))}
    # Clause 11 is no case of this workflow: it goes to the land decree.
    assert set(ViolationType.values) == set(by_code) - {"art16_11"}
    for code in ViolationType.values:
        with translation.override("en"):
            assert str(ViolationType(code).label) == by_code[code].label_en
        with translation.override("vi"):
            assert str(ViolationType(code).label) == by_code[code].label_vi
    assert set(LEGALISABLE_TYPES) == {c for c, row in by_code.items() if row.legalisable}


def test_the_wrong_old_labels_are_gone() -> None:
    with translation.override("en"):
        assert "displayed" in str(ViolationType.CLAUSE_2.label)
        assert "screened" in str(ViolationType.CLAUSE_1.label)
        assert "adjusted or extended" in str(ViolationType.CLAUSE_3.label)
        assert "neighbouring" in str(ViolationType.CLAUSE_5.label)


def _new_decree_version(code: str, starts: datetime.date, band_a: tuple[int, int]) -> Any:
    old = ViolationClause.objects.get(code=code, effective_from=DECREE_16_IN_FORCE)
    old.effective_to = starts - datetime.timedelta(days=1)
    old.save()
    return ViolationClause.objects.create(
        code=code,
        decree="99/2027/NĐ-CP",
        article=20,
        clause=old.clause,
        effective_from=starts,
        conduct_vi=old.conduct_vi,
        label_vi=old.label_vi,
        label_en=old.label_en,
        fine_min_a=band_a[0],
        fine_max_a=band_a[1],
        citation="khoản 7 Điều 20 Nghị định số 99/2027/NĐ-CP",
    )


def test_the_version_in_force_on_the_date_is_the_one_that_applies(db: Any) -> None:
    new = _new_decree_version("art16_7", datetime.date(2027, 3, 1), (90 * M, 110 * M))
    assert clause_in_force("art16_7", datetime.date(2022, 1, 27)) is None
    first_day = clause_in_force("art16_7", DECREE_16_IN_FORCE)
    last_day = clause_in_force("art16_7", datetime.date(2027, 2, 28))
    assert first_day is not None and first_day == last_day
    assert first_day.decree == "16/2022/NĐ-CP"
    assert clause_in_force("art16_7", datetime.date(2027, 3, 1)) == new
    assert clause_in_force("art16_99", datetime.date(2026, 1, 1)) is None
    # The other clauses are untouched.
    assert clause_in_force("art16_9", datetime.date(2027, 3, 1)).decree == "16/2022/NĐ-CP"


def test_an_existing_case_keeps_the_clause_it_was_recorded_under(
    api: Any, actors: Any, leader_a: Any
) -> None:
    """A new decree in force after the violation does not change an old case's band."""
    case = walk(
        open_case(actors["inspector"], days_ago=30),
        [("record_violation", "inspector", {})],
        actors,
        gap_days=1,
    )
    _new_decree_version(
        "art16_7", timezone.localdate() - datetime.timedelta(days=5), (90 * M, 110 * M)
    )
    later = walk(
        open_case(actors["inspector"], days_ago=2),
        [("record_violation", "inspector", {})],
        actors,
        gap_days=1,
    )

    def band(c: Any) -> dict[str, Any]:
        body = api(leader_a, "en").get(f"/api/cases/{c.pk}/actions/").json()
        decision = next(a for a in body["actions"] if a["action"] == "issue_sanction_decision")
        return next(f for f in decision["fields"] if f["name"] == "fine_amount")["band"]

    assert case.violation_type == later.violation_type == "art16_7"
    assert band(case)["citation"].endswith("16/2022/NĐ-CP")
    assert (band(case)["minimum"], band(case)["maximum"]) == (30 * M, 40 * M)
    assert band(later)["citation"].endswith("99/2027/NĐ-CP")
    assert (band(later)["minimum"], band(later)["maximum"]) == (45 * M, 55 * M)


@pytest.mark.parametrize(
    ("works_class", "heritage", "tier"),
    [
        (WorksClass.INDIVIDUAL_HOUSE, False, "a"),
        (WorksClass.INDIVIDUAL_HOUSE, True, "b"),
        (WorksClass.OTHER_WORKS, False, "b"),
        (WorksClass.OTHER_WORKS, True, "b"),
        (WorksClass.FEASIBILITY_PROJECT, False, "c"),
        (WorksClass.FEASIBILITY_PROJECT, True, "c"),
    ],
)
def test_the_tier_follows_the_works_class_and_the_heritage_zone(
    inspector_a: Any, works_class: str, heritage: bool, tier: str
) -> None:
    case = open_case(inspector_a)
    case.works_class, case.in_heritage_zone = works_class, heritage
    assert case_tier(case) == tier


def test_the_law_88_reading_applies_and_the_decree_16_reading_is_only_recorded(db: Any) -> None:
    rule = fine_rule_in_force(datetime.date(2026, 6, 1))
    assert rule is not None and rule.applies
    assert (rule.sector_max_individual_vnd, rule.sector_max_organisation_vnd) == (500 * M, 1000 * M)
    assert rule.commune_cap_percent == 50 and rule.individual_share_percent == 50
    assert "189/2025" in rule.commune_cap_basis
    recorded = type(rule).objects.get(applies=False)
    assert (recorded.sector_max_individual_vnd, recorded.sector_max_organisation_vnd) == (
        1000 * M,
        2000 * M,
    )
    # Before Law 88 took effect the commune chairman had no such power: no rule applies.
    assert fine_rule_in_force(datetime.date(2025, 6, 30)) is None
