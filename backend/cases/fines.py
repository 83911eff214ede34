"""Reading the catalogue and the fine rules: which clause and which band apply, and the cap.

- The clause: the catalogue version in force on the violation date (the
  case's detection date), so a case keeps the clause it was recorded under.
- The tier (Decree 16/2022 Art. 16, points a/b/c) from the case's facts.
- The band: the organisation's band for the tier; an individual pays the
  share FineRule sets (Decree 16/2022 Art. 4(3)(c): half).
- The cap: the commune chairman's share of the sector maximum (Decree
  189/2025 Art. 5), from the FineRule in force on the decision's date.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from backend.cases.catalogue import FineRule, FineTier, ViolationClause
from backend.cases.models import ViolatorKind
from backend.permits.models import WorksClass


def vnd(amount: int) -> str:
    """An amount as Vietnamese write it: 1.500.000 đ."""
    return f"{amount:,}".replace(",", ".") + " đ"


def violation_day(case: Any) -> datetime.date:
    """The date whose catalogue applies: when the violation was detected."""
    return timezone.localdate(case.detected_at)


def _in_force(on_date: datetime.date) -> Q:
    return Q(effective_from__lte=on_date) & (
        Q(effective_to__isnull=True) | Q(effective_to__gte=on_date)
    )


def clause_in_force(code: str, on_date: datetime.date) -> ViolationClause | None:
    """The version of the clause recorded as `code` that applied on `on_date` (None: none did)."""
    return (
        ViolationClause.objects.filter(_in_force(on_date), code=code)
        .order_by("-effective_from")
        .first()
    )


def clauses_in_force(on_date: datetime.date) -> list[ViolationClause]:
    """Every clause in force on the date, one version each, in the decree's order."""
    latest: dict[str, ViolationClause] = {}
    for row in ViolationClause.objects.filter(_in_force(on_date)).order_by(
        "article", "clause", "-effective_from"
    ):
        latest.setdefault(row.code, row)
    return list(latest.values())


def fine_rule_in_force(on_date: datetime.date) -> FineRule | None:
    """The applied reading of the fine and competence rules on the date (None: none)."""
    return (
        FineRule.objects.filter(_in_force(on_date), applies=True)
        .order_by("-effective_from")
        .first()
    )


def case_tier(case: Any) -> str:
    """Decree 16/2022 Art. 16 points a/b/c from the case's works class.

    (a) an individual house; (b) a house in a conservation zone or at a
    historical-cultural relic, or other works; (c) works that need a
    feasibility or techno-economic report.
    """
    if case.works_class == WorksClass.FEASIBILITY_PROJECT:
        return FineTier.C
    if case.works_class == WorksClass.OTHER_WORKS or case.in_heritage_zone:
        return FineTier.B
    return FineTier.A


@dataclass(frozen=True)
class FineBand:
    """The band one violator faces for one clause, in whole đồng."""

    clause: ViolationClause
    tier: str
    violator_kind: str
    minimum: int
    maximum: int

    @property
    def midpoint(self) -> int:
        # LXLVPHC Art. 23(4): the usual fine is the band's middle.
        return (self.minimum + self.maximum) // 2

    def as_dict(self) -> dict[str, Any]:
        return {
            "clause": self.clause.code,
            "clause_label": self.clause.label_vi,
            "citation": self.clause.citation,
            "tier": self.tier,
            "violator_kind": self.violator_kind,
            "minimum": self.minimum,
            "maximum": self.maximum,
            "midpoint": self.midpoint,
        }


def fine_band(
    clause: ViolationClause, *, tier: str, violator_kind: str, rule: FineRule
) -> FineBand | None:
    """The clause's band for the tier and the violator (None: the clause has no band)."""
    band = clause.band_for_organisation(tier)
    if band is None:
        return None
    share = 100 if violator_kind == ViolatorKind.ORGANISATION else rule.individual_share_percent
    low, high = band
    return FineBand(
        clause=clause,
        tier=tier,
        violator_kind=violator_kind,
        minimum=low * share // 100,
        maximum=high * share // 100,
    )


@dataclass(frozen=True)
class CompetenceCap:
    """The highest total the commune chairman may impose on this violator."""

    amount: int
    violator_kind: str
    rule: FineRule

    def as_dict(self) -> dict[str, Any]:
        return {
            "amount": self.amount,
            "violator_kind": self.violator_kind,
            "rule": self.rule.name,
            "basis": f"{self.rule.commune_cap_basis} {self.rule.sector_max_basis}",
        }


def competence_cap(rule: FineRule, violator_kind: str) -> CompetenceCap:
    sector_max = (
        rule.sector_max_organisation_vnd
        if violator_kind == ViolatorKind.ORGANISATION
        else rule.sector_max_individual_vnd
    )
    return CompetenceCap(
        amount=int(sector_max) * rule.commune_cap_percent // 100,
        violator_kind=violator_kind,
        rule=rule,
    )


@dataclass(frozen=True)
class CaseFines:
    """What a case's decision is measured against on a given day."""

    clause: ViolationClause | None
    rule: FineRule | None
    band: FineBand | None
    cap: CompetenceCap | None
    tier: str


def case_fines(case: Any, decision_day: datetime.date) -> CaseFines:
    """The case's clause (at its violation date), band, and the cap on the decision's day."""
    clause = clause_in_force(case.violation_type, violation_day(case))
    rule = fine_rule_in_force(decision_day)
    tier = case_tier(case)
    band = (
        fine_band(clause, tier=tier, violator_kind=case.violator_kind, rule=rule)
        if clause is not None and rule is not None
        else None
    )
    cap = competence_cap(rule, case.violator_kind) if rule is not None else None
    return CaseFines(clause=clause, rule=rule, band=band, cap=cap, tier=tier)
