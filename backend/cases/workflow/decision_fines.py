"""The fines of the ward's own sanction decision: one per violation, each within its band.

- Each violation's fine lies in its clause's band for the case's tier and
  violator (Decree 16/2022 Art. 16; an individual pays half, Art. 4(3)(c)).
- The form proposes the band's midpoint; a fine below it needs a mitigating
  circumstance, above it an aggravating one (LXLVPHC Art. 23(4): unverified,
  so FineRule.proposes_midpoint can switch it off).
- Several violations: a fine each, added up (LXLVPHC Art. 52).
- A total above the commune chairman's cap (Decree 189/2025 Art. 5) is not
  the ward's to impose: the decision is refused and the transfer to the
  competent authority is offered with its reason filled in.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.cases.catalogue import ViolationClause
from backend.cases.fines import (
    CaseFines,
    CompetenceCap,
    FineBand,
    case_fines,
    clause_in_force,
    clauses_in_force,
    fine_band,
    violation_day,
    vnd,
)
from backend.cases.models import ViolatorKind
from backend.cases.workflow.fields import Field
from backend.cases.workflow.guards import GuardContext, validate_fine_in_time
from backend.cases.workflow.input_cleaning import ActionInputInvalid
from backend.cases.workflow.plausible_values import FINE_MAX_VND

# Besides the case's own clause, a decision may fine this many more violations.
EXTRA_VIOLATIONS = 2

NO_FACTOR = "none"
MITIGATING = "mitigating"
AGGRAVATING = "aggravating"
BOTH_FACTORS = "both"
FACTOR_CHOICES = (
    (NO_FACTOR, gettext_lazy("None: the band's midpoint")),
    (MITIGATING, gettext_lazy("Mitigating: towards the minimum")),
    (AGGRAVATING, gettext_lazy("Aggravating: towards the maximum")),
    (BOTH_FACTORS, gettext_lazy("Both mitigating and aggravating")),
)
LOWERS = {MITIGATING, BOTH_FACTORS}
RAISES = {AGGRAVATING, BOTH_FACTORS}


def clause_label(clause: ViolationClause) -> str:
    """The catalogue's short label in the reader's language."""
    english = (translation.get_language() or "").startswith("en")
    return clause.label_en if english else clause.label_vi


def _who(violator_kind: str) -> str:
    return str(ViolatorKind(violator_kind).label).lower()


def _band_text(band: FineBand) -> str:
    return _(
        "from %(minimum)s to %(maximum)s (%(citation)s, tier %(tier)s, %(who)s; midpoint "
        "%(midpoint)s)"
    ) % {
        "minimum": vnd(band.minimum),
        "maximum": vnd(band.maximum),
        "citation": band.clause.citation,
        "tier": band.tier,
        "who": _who(band.violator_kind),
        "midpoint": vnd(band.midpoint),
    }


def _cap_text(cap: CompetenceCap) -> str:
    return _(
        "the ward chairman may impose at most %(cap)s on %(who)s (%(percent)s%% of the sector "
        "maximum; rule “%(rule)s”: %(basis)s %(sector_basis)s)"
    ) % {
        "cap": vnd(cap.amount),
        "who": _who(cap.violator_kind),
        "percent": cap.rule.commune_cap_percent,
        "rule": cap.rule.name,
        "basis": cap.rule.commune_cap_basis,
        "sector_basis": cap.rule.sector_max_basis,
    }


def beyond_competence_text(total: int, cap: CompetenceCap) -> str:
    return _(
        "The fine of %(total)s is beyond the ward's competence: %(cap)s. Transfer the case to "
        "the competent authority (LXLVPHC Art. 58(5))."
    ) % {"total": vnd(total), "cap": _cap_text(cap)}


class BeyondCompetence(ActionInputInvalid):
    """The fines add up past the ward's cap: the transfer is offered instead."""

    def __init__(self, errors: dict[str, str], reason: str) -> None:
        super().__init__(errors)
        self.code = "beyond_competence"
        self.reason = reason

    def as_dict(self) -> dict[str, Any]:
        body = super().as_dict()
        body["offer"] = {"action": "transfer", "reason": self.reason}
        return body


def _why_no_band(case: Any, fines: CaseFines) -> str | None:
    """Why the case's own clause cannot be fined by this ward's decision, or None."""
    if fines.rule is None:
        return _(
            "No fine and competence rule is in force: an administrator adds one before a "
            "sanction decision can be issued."
        )
    if fines.clause is None:
        return _(
            "The violation catalogue has no version of “%(type)s” in force on the violation "
            "date %(day)s: an administrator adds it before a sanction decision can be issued."
        ) % {
            "type": case.get_violation_type_display(),
            "day": violation_day(case).strftime("%d/%m/%Y"),
        }
    if fines.band is None:
        if fines.clause.fined_elsewhere:
            return _("“%(clause)s” is fined under %(text)s, not by this decision.") % {
                "clause": clause_label(fines.clause),
                "text": fines.clause.fined_elsewhere,
            }
        return _("The catalogue gives “%(clause)s” no fine for tier %(tier)s.") % {
            "clause": clause_label(fines.clause),
            "tier": fines.tier,
        }
    return None


def competence_refusal(case: Any, day: datetime.date) -> str | None:
    """Why the ward cannot issue this case's decision at all (even its lowest fine), or None."""
    fines = case_fines(case, day)
    reason = _why_no_band(case, fines)
    if reason or fines.band is None or fines.cap is None:
        return reason
    if fines.band.minimum > fines.cap.amount:
        return beyond_competence_text(fines.band.minimum, fines.cap)
    return None


def guard_decision_within_competence(ctx: GuardContext) -> str | None:
    return competence_refusal(ctx.case, ctx.today)


def initial_transfer_reason(case: Any, actor: Any) -> str:
    """The transfer's reason, filled in when the fine is beyond the ward's competence."""
    return competence_refusal(case, timezone.localdate()) or ""


def _initial_fine(case: Any, actor: Any) -> int | None:
    band = case_fines(case, timezone.localdate()).band
    return band.midpoint if band is not None else None


def _about_fine(case: Any) -> dict[str, Any]:
    fines = case_fines(case, timezone.localdate())
    help_text = _why_no_band(case, fines) or ""
    if fines.band is not None:
        help_text = _("Band: %(band)s.") % {"band": _band_text(fines.band)}
    if fines.cap is not None:
        help_text += " " + _("Ward's cap: %(cap)s.") % {"cap": vnd(fines.cap.amount)}
    return {
        "help_text": help_text.strip(),
        "band": fines.band.as_dict() if fines.band else None,
        "cap": fines.cap.as_dict() if fines.cap else None,
        "proposes_midpoint": bool(fines.rule and fines.rule.proposes_midpoint),
    }


def _other_clauses(case: Any) -> list[ViolationClause]:
    return [
        c
        for c in clauses_in_force(violation_day(case))
        if c.code != case.violation_type and not c.fined_elsewhere
    ]


def _other_clause_choices(case: Any) -> list[tuple[str, Any]]:
    return [(c.code, clause_label(c)) for c in _other_clauses(case)]


def _about_other_fine(case: Any) -> dict[str, Any]:
    fines = case_fines(case, timezone.localdate())
    bands: dict[str, Any] = {}
    if fines.rule is not None:
        for clause in _other_clauses(case):
            band = fine_band(
                clause, tier=fines.tier, violator_kind=case.violator_kind, rule=fines.rule
            )
            if band is not None:
                bands[clause.code] = band.as_dict()
    return {"bands": bands, "cap": fines.cap.as_dict() if fines.cap else None}


def _fine_field(name: str, label: Any, required: bool, **kw: Any) -> Field:
    return Field(name, "int", label, required, maximum=FINE_MAX_VND, money=True, **kw)


def _factor_field(name: str, required: bool) -> Field:
    return Field(
        name,
        "choice",
        gettext_lazy("Circumstances that move the fine"),
        required,
        choices=FACTOR_CHOICES,
        initial=NO_FACTOR if required else None,
    )


DECISION_FINE_FIELDS = (
    _fine_field(
        "fine_amount",
        gettext_lazy("Fine for the recorded violation (VND)"),
        True,
        initial=_initial_fine,
        about=_about_fine,
    ),
    _factor_field("fine_factor", True),
    *(
        field
        for n in range(1, EXTRA_VIOLATIONS + 1)
        for field in (
            Field(
                f"other_violation_{n}",
                "choice",
                gettext_lazy("Another violation on this decision"),
                choices=_other_clause_choices,
            ),
            _fine_field(
                f"other_fine_{n}",
                gettext_lazy("Fine for that violation (VND)"),
                False,
                about=_about_other_fine,
            ),
            _factor_field(f"other_factor_{n}", False),
        )
    ),
    Field(
        "factors",
        "textarea",
        gettext_lazy("The mitigating or aggravating circumstances"),
        help_text=gettext_lazy(
            "Required when a fine is away from its band's midpoint (LXLVPHC Art. 9, 10, 23)."
        ),
    ),
)


def _check_fine(band: FineBand, fine: int, factor: str, proposes_midpoint: bool) -> str | None:
    if not band.minimum <= fine <= band.maximum:
        return _("%(fine)s is outside the band: %(band)s.") % {
            "fine": vnd(fine),
            "band": _band_text(band),
        }
    if not proposes_midpoint:
        return None
    if fine < band.midpoint and factor not in LOWERS:
        return _(
            "%(fine)s is below the band's midpoint %(midpoint)s: choose the mitigating "
            "circumstance that lowers it (LXLVPHC Art. 23(4))."
        ) % {"fine": vnd(fine), "midpoint": vnd(band.midpoint)}
    if fine > band.midpoint and factor not in RAISES:
        return _(
            "%(fine)s is above the band's midpoint %(midpoint)s: choose the aggravating "
            "circumstance that raises it (LXLVPHC Art. 23(4))."
        ) % {"fine": vnd(fine), "midpoint": vnd(band.midpoint)}
    return None


def validate_decision_fines(ctx: GuardContext, values: dict[str, Any]) -> dict[str, str]:
    """Each fine within its band, the factors given, the total within the ward's cap.

    Puts the decision's violations (one row each) and their total into
    values["derived"], which the step stores beside its fields.
    """
    case = ctx.case
    fines = case_fines(case, values["occurred_on"])
    reason = _why_no_band(case, fines)
    if reason or fines.band is None or fines.rule is None or fines.cap is None:
        return {"fine_amount": reason or ""}
    rule = fines.rule
    # (the fine's field, its band, the fine, the factor moving it)
    rows: list[tuple[str, FineBand, int, str]] = [
        ("fine_amount", fines.band, values["fine_amount"], values["fine_factor"] or NO_FACTOR)
    ]
    errors: dict[str, str] = {}
    seen = {case.violation_type}
    for n in range(1, EXTRA_VIOLATIONS + 1):
        code, fine = values[f"other_violation_{n}"], values[f"other_fine_{n}"]
        if not code and fine is None:
            continue
        if not code:
            errors[f"other_violation_{n}"] = _("Choose the violation this fine is for.")
            continue
        if fine is None:
            errors[f"other_fine_{n}"] = _("Enter the fine for this violation.")
            continue
        if code in seen:
            errors[f"other_violation_{n}"] = _("This violation is already on the decision.")
            continue
        seen.add(code)
        clause = clause_in_force(code, violation_day(case))
        band = (
            fine_band(clause, tier=fines.tier, violator_kind=case.violator_kind, rule=rule)
            if clause is not None
            else None
        )
        if band is None:
            errors[f"other_violation_{n}"] = _("The catalogue has no fine for this violation.")
            continue
        rows.append((f"other_fine_{n}", band, fine, values[f"other_factor_{n}"] or NO_FACTOR))
    for name, band, fine, factor in rows:
        problem = _check_fine(band, fine, factor, rule.proposes_midpoint)
        if problem:
            errors[name] = problem
    if any(row[3] != NO_FACTOR for row in rows) and not values["factors"]:
        errors["factors"] = _(
            "Describe the mitigating or aggravating circumstances the fines rely on."
        )
    if errors:
        return errors
    total = sum(row[2] for row in rows)
    if total > fines.cap.amount:
        text = beyond_competence_text(total, fines.cap)
        raise BeyondCompetence({"fine_amount": text}, text)
    values["derived"] = {
        "violations": [
            {**band.as_dict(), "fine": fine, "factor": factor} for _name, band, fine, factor in rows
        ],
        "fine_total": total,
        "competence_cap": fines.cap.as_dict(),
        "fine_rule": rule.name,
    }
    return {}


def validate_fine_in_time_and_bands(ctx: GuardContext, values: dict[str, Any]) -> dict[str, str]:
    """A fining decision: first in time (past the period to decide or the
    limitation only the remedy-only decision may be issued, LXLVPHC Art. 66, 6),
    then each fine within its band and the total within the ward's cap."""
    late = validate_fine_in_time(ctx, values)
    if late:
        return late
    return validate_decision_fines(ctx, values)
