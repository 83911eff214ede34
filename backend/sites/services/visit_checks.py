"""A visit's checklist read and compared with the permit's limits, before anything is written.

- `checklist_read`: the inspector's answers, checked (a 400 names the field);
- `visit_findings`: where the site departs from its permit (or has none),
  each finding with the Decree 16/2022 Art. 16 clause it points to, if any;
- `clause_suggestion`: the clause a case opened on the visit is suggested
  under, read from the violation catalogue in force on the visit's day.

The mapping of findings to clauses follows the conduct each clause names
(LAW.md §3, Decree 16/2022/NĐ-CP Art. 16, read in the original):

- more storeys, height, footprint or floor area than permitted → clause 6,
  "building contrary to the content of a new-build permit" (the permit
  register does not say whether a permit is for repair or relocation, the
  case of clause 4: the officer changes the clause then);
- building under way with no permit where one is required → clause 7;
- building outside its own parcel → clause 10 (encroaching on the land of
  others or on public space);
- site not screened → clause 1; permit not displayed on site → clause 2.

Setbacks not respected and a works class other than recorded are findings
without a clause of their own: which rule they break depends on facts the
checklist does not hold (the plan, the permit's drawings), so the officer
chooses the clause.
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from backend.cases.models import FineTier, ViolationType
from backend.cases.selectors import clause_in_force
from backend.core.control_characters import (
    control_character_code,
    control_character_message,
    first_control_character,
)
from backend.core.errors import InvalidInput
from backend.permits.models import WorksClass
from backend.sites.models import ACTIVE_STATUSES, Site, SiteStatus

NOTES_MAX_LENGTH = 4000
MAX_STOREYS = 200
MAX_HEIGHT_M = Decimal("1000")
MAX_FOOTPRINT_M2 = Decimal("10000000")

# Finding codes.
NO_PERMIT = "no_permit"
STOREYS_OVER = "storeys_over"
HEIGHT_OVER = "height_over"
FOOTPRINT_OVER = "footprint_over"
FLOOR_AREA_OVER = "floor_area_over"
PERMIT_NOT_DISPLAYED = "permit_not_displayed"
NOT_SCREENED = "not_screened"
OUTSIDE_PARCEL = "outside_parcel"
SETBACKS_NOT_RESPECTED = "setbacks_not_respected"
WORKS_CLASS_DIFFERS = "works_class_differs"

WRONG_PERMIT_CONTENT = ViolationType.CLAUSE_6


@dataclass(frozen=True)
class Checklist:
    """The inspector's answers (None: not checked)."""

    status_seen: str = ""
    permit_displayed: bool | None = None
    site_screened: bool | None = None
    storeys_built: int | None = None
    height_m: Decimal | None = None
    footprint_m2: Decimal | None = None
    within_parcel: bool | None = None
    setbacks_respected: bool | None = None
    works_class: str = ""
    notes: str = ""

    def as_dict(self) -> dict[str, Any]:
        values = asdict(self)
        for name in ("height_m", "footprint_m2"):
            if values[name] is not None:
                values[name] = str(values[name])
        return values


def _yes_no(data: Any, field: str) -> bool | None:
    value = data.get(field)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "yes", "1"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("false", "no", "0"):
        return False
    raise InvalidInput(_("Answer yes, no, or leave it unchecked."), field=field, code="not_boolean")


def _decimal(data: Any, field: str, upper: Decimal) -> Decimal | None:
    value = data.get(field)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise InvalidInput(_("This must be a number."), field=field, code="not_a_number")
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise InvalidInput(_("This must be a number."), field=field, code="not_a_number") from None
    if not number.is_finite() or number < 0 or number > upper:
        raise InvalidInput(
            _("Enter a measure between 0 and %(limit)s.") % {"limit": upper},
            field=field,
            code="out_of_range",
        )
    return number.quantize(Decimal("0.01"))


def _storeys(data: Any) -> int | None:
    value = data.get("storeys_built")
    if value is None or value == "":
        return None
    try:
        number = int(str(value).strip()) if not isinstance(value, bool) else None
    except ValueError:
        number = None
    if number is None or not 0 <= number <= MAX_STOREYS:
        raise InvalidInput(
            _("Enter the storeys built as a whole number from 0 to %(limit)d.")
            % {"limit": MAX_STOREYS},
            field="storeys_built",
            code="out_of_range",
        )
    return number


def _choice(data: Any, field: str, values: list[str]) -> str:
    value = data.get(field) or ""
    if not isinstance(value, str) or (value and value not in values):
        raise InvalidInput(
            _("Unknown value “%(value)s”. Use one of: %(choices)s.")
            % {"value": str(value)[:40], "choices": ", ".join(values)},
            field=field,
            code="unknown_choice",
        )
    return value


def _notes(data: Any) -> str:
    value = data.get("notes") or ""
    if not isinstance(value, str):
        raise InvalidInput(_("The notes must be text."), field="notes", code="not_text")
    char = first_control_character(value)
    if char:
        raise InvalidInput(
            control_character_message(_("notes"), char),
            field="notes",
            code=control_character_code(char),
        )
    text = value.strip()
    if len(text) > NOTES_MAX_LENGTH:
        raise InvalidInput(
            _("The notes are limited to %(limit)d characters.") % {"limit": NOTES_MAX_LENGTH},
            field="notes",
            code="too_long",
        )
    return text


def checklist_read(data: Any) -> Checklist:
    """The checklist from a request's fields (JSON or form), every value checked."""
    return Checklist(
        status_seen=_choice(data, "status_seen", list(SiteStatus.values)),
        permit_displayed=_yes_no(data, "permit_displayed"),
        site_screened=_yes_no(data, "site_screened"),
        storeys_built=_storeys(data),
        height_m=_decimal(data, "height_m", MAX_HEIGHT_M),
        footprint_m2=_decimal(data, "footprint_m2", MAX_FOOTPRINT_M2),
        within_parcel=_yes_no(data, "within_parcel"),
        setbacks_respected=_yes_no(data, "setbacks_respected"),
        works_class=_choice(data, "works_class", list(WorksClass.values)),
        notes=_notes(data),
    )


def _number(value: Decimal) -> float | int:
    return int(value) if value == value.to_integral_value() else float(value)


def _works_under_way(site: Site, checklist: Checklist) -> bool:
    seen = checklist.status_seen or site.status
    return seen in ACTIVE_STATUSES or seen == SiteStatus.COMPLETED


def visit_findings(site: Site, checklist: Checklist) -> list[dict[str, Any]]:
    """Where the site departs from its permit, as seen: [{code, permitted, seen, clause}]."""
    found: list[dict[str, Any]] = []

    def add(code: str, clause: str | None, permitted: Any = None, seen: Any = None) -> None:
        found.append({"code": code, "permitted": permitted, "seen": seen, "clause": clause})

    permit = site.permit
    if permit is None:
        # Permit-exempt works that notified their start need no permit (small works).
        if not site.small_works and _works_under_way(site, checklist):
            add(NO_PERMIT, ViolationType.CLAUSE_7)
    else:
        storeys = checklist.storeys_built
        limit_storeys = permit.permitted_storeys
        if storeys is not None and limit_storeys is not None and storeys > limit_storeys:
            add(STOREYS_OVER, WRONG_PERMIT_CONTENT, permit.permitted_storeys, storeys)
        for code, seen, limit in (
            (HEIGHT_OVER, checklist.height_m, permit.permitted_height_m),
            (FOOTPRINT_OVER, checklist.footprint_m2, permit.permitted_footprint_m2),
        ):
            if seen is not None and limit is not None and seen > limit:
                add(code, WRONG_PERMIT_CONTENT, _number(limit), _number(seen))
        footprint = checklist.footprint_m2
        if storeys and footprint is not None and permit.permitted_floor_area_m2 is not None:
            # An estimate (every storey as large as the footprint): the finding says so.
            estimate = footprint * storeys
            if estimate > permit.permitted_floor_area_m2:
                add(
                    FLOOR_AREA_OVER,
                    WRONG_PERMIT_CONTENT,
                    _number(permit.permitted_floor_area_m2),
                    _number(estimate),
                )
        if checklist.permit_displayed is False:
            add(PERMIT_NOT_DISPLAYED, ViolationType.CLAUSE_2)
    if checklist.site_screened is False:
        add(NOT_SCREENED, ViolationType.CLAUSE_1)
    if checklist.within_parcel is False:
        add(OUTSIDE_PARCEL, ViolationType.CLAUSE_10)
    if checklist.setbacks_respected is False:
        add(SETBACKS_NOT_RESPECTED, None)
    if checklist.works_class and checklist.works_class != site.works_class:
        add(WORKS_CLASS_DIFFERS, None, site.works_class, checklist.works_class)
    return found


def finding_message(finding: dict[str, Any]) -> str:
    """A finding worded for the reader, in the active language."""
    code = finding.get("code")
    values = {"permitted": finding.get("permitted"), "seen": finding.get("seen")}
    if code == NO_PERMIT:
        return _("Building is under way and no construction permit is known for the site.")
    if code == STOREYS_OVER:
        return _("%(seen)s storeys built; the permit allows %(permitted)s.") % values
    if code == HEIGHT_OVER:
        return _("Height %(seen)s m; the permit allows %(permitted)s m.") % values
    if code == FOOTPRINT_OVER:
        return _("Building footprint %(seen)s m²; the permit allows %(permitted)s m².") % values
    if code == FLOOR_AREA_OVER:
        return (
            _(
                "Floor area about %(seen)s m² (footprint × storeys, an estimate); "
                "the permit allows %(permitted)s m²."
            )
            % values
        )
    if code == PERMIT_NOT_DISPLAYED:
        return _("The construction permit is not displayed at the site.")
    if code == NOT_SCREENED:
        return _("The site is not screened.")
    if code == OUTSIDE_PARCEL:
        return _("The building extends beyond its parcel.")
    if code == SETBACKS_NOT_RESPECTED:
        return _("The setbacks are not respected.")
    if code == WORKS_CLASS_DIFFERS:
        return _("Works class seen: %(seen)s; recorded: %(permitted)s.") % {
            "seen": _works_class_label(finding.get("seen")),
            "permitted": _works_class_label(finding.get("permitted")),
        }
    return str(code)


def _works_class_label(value: Any) -> str:
    return str(WorksClass(value).label) if value in WorksClass.values else str(value)


def _tier(works_class: str) -> str:
    # Decree 16/2022 Art. 16 points a/b/c (backend.cases.fines.case_tier); a
    # heritage zone is not known from a visit.
    if works_class == WorksClass.FEASIBILITY_PROJECT:
        return FineTier.C
    if works_class == WorksClass.OTHER_WORKS:
        return FineTier.B
    return FineTier.A


@dataclass(frozen=True)
class ClauseSuggestion:
    code: str
    label: str
    citation: str
    findings: list[str]  # the finding codes pointing to it
    others: list[str]  # other clauses the findings point to, gravest first

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def clause_suggestion(
    findings: list[dict[str, Any]], *, works_class: str, day: datetime.date
) -> ClauseSuggestion | None:
    """The gravest clause the findings point to (the highest fine of the site's tier in
    the catalogue in force on `day`); None when no finding points to one."""
    codes: list[str] = []
    for finding in findings:
        clause = finding.get("clause")
        if clause and clause not in codes:
            codes.append(clause)
    if not codes:
        return None
    tier = _tier(works_class)

    def gravity(code: str) -> int:
        row = clause_in_force(code, day)
        if row is None:
            return -1
        band = row.band_for_organisation(tier) or row.band_for_organisation(FineTier.A)
        return band[1] if band else -1

    ranked = sorted(codes, key=lambda code: (-gravity(code), codes.index(code)))
    best = ranked[0]
    row = clause_in_force(best, day)
    return ClauseSuggestion(
        code=best,
        label=str(ViolationType(best).label),
        citation=row.citation if row is not None else "",
        findings=[str(f["code"]) for f in findings if f.get("clause") == best],
        others=ranked[1:],
    )
