"""The inputs an action asks for, and the groups of them several actions share.

A Field says what kind of value it takes, its label, whether it is required,
its bounds and choices, its initial value, and whether it is a fact about the
case (entered once, reused by every later document) or belongs to the step.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy

from backend.cases.models import ViolatorKind
from backend.cases.violator_facts import Sex
from backend.cases.workflow.choices import REMEDY_CHOICES, SIGNER_TITLE_CHOICES, Remedy
from backend.cases.workflow.guards import refuse_legalisation
from backend.cases.workflow.plausible_values import (
    EARLIEST_BIRTH_DAY,
    FINE_MAX_VND,
    REMEDY_DAYS_MAX,
    STOREYS_MAX,
)
from backend.permits.models import WorksClass


@dataclass(frozen=True)
class Field:
    """One input an action asks for.

    `target="case"`: a fact about the case (violator, parcel...) entered once
    and reused by every later document; the form shows the case's value and
    the step writes it back. `target="step"`: belongs to this step only.
    """

    name: str
    kind: str  # date | time (hh:mm) | text | textarea | int | decimal | choice | bool
    label: Any
    required: bool = False
    target: str = "step"
    choices: Sequence[tuple[str, Any]] | Callable[[Any], Sequence[tuple[str, Any]]] = ()
    initial: Any = None  # a value, or callable(case, actor) -> value
    help_text: Any = ""
    max_length: int = 2000
    # Why a choice is not offered for this case (a legal reason beats "choose one of").
    refusal: Callable[[Any, str], str | None] | None = None
    # int: the accepted range (within the column's), and whether it is an amount
    # of money that may be written with thousands separators ("1.500.000").
    minimum: int = 0
    maximum: int = 2_147_483_647
    money: bool = False
    # date: the earliest plausible day, and whether the day is planned (may lie ahead).
    earliest: datetime.date | None = None
    planned: bool = False
    # What the form shows beside the input that depends on the case (a fine's
    # band and the ward's cap): JSON for the API; its "help_text" for the page.
    about: Callable[[Any], dict[str, Any]] | None = None

    def help_text_for(self, case: Any) -> Any:
        if self.about is not None:
            return self.about(case).get("help_text") or self.help_text
        return self.help_text

    def choices_for(self, case: Any) -> list[tuple[str, Any]]:
        return list(self.choices(case) if callable(self.choices) else self.choices)

    def initial_for(self, case: Any, actor: Any) -> Any:
        if self.target == "case":
            return getattr(case, self.name)
        if callable(self.initial):
            return self.initial(case, actor)
        return self.initial


def initial_today(case: Any = None, actor: Any = None) -> datetime.date:
    return timezone.localdate()


def initial_actor_name(case: Any, actor: Any) -> str:
    return str(actor) if actor is not None else ""


def initial_case_description(case: Any, actor: Any) -> str:
    return case.description or ""


def authority_choices(case: Any) -> list[tuple[str, Any]]:
    """The competent authorities the administrators list (CompetentAuthority rows)."""
    from backend.cases.models import CompetentAuthority

    return list(CompetentAuthority.objects.filter(active=True).values_list("code", "name"))


def initial_transferred_to(case: Any, actor: Any) -> str:
    """The authority the case was transferred to, by name (an old step holds the name)."""
    from backend.cases.models import CompetentAuthority

    step = case.steps.filter(action="transfer").order_by("-occurred_on", "-id").first()
    if step is None:
        return ""
    code = str(step.data.get("authority") or "")
    named = CompetentAuthority.objects.filter(code=code).values_list("name", flat=True).first()
    return named or code


def _remedy_choices(case: Any) -> list[tuple[str, Any]]:
    # Decree 16/2022 Art. 81: only clauses 4, 6, 7 and 8 of Art. 16 may be legalised.
    if case.is_legalisable:
        return list(REMEDY_CHOICES)
    return [c for c in REMEDY_CHOICES if c[0] != Remedy.LEGALISE]


def _case_field(name: str, kind: str, label: Any, required: bool = False, **kw: Any) -> Field:
    return Field(name=name, kind=kind, label=label, required=required, target="case", **kw)


VIOLATOR_FIELDS = (
    _case_field(
        "violator_kind",
        "choice",
        gettext_lazy("The violator is"),
        True,
        choices=ViolatorKind.choices,
    ),
    _case_field("violator_name", "text", gettext_lazy("Violator's name"), True, max_length=200),
    _case_field(
        "violator_birth_date",
        "date",
        gettext_lazy("Violator's date of birth"),
        earliest=EARLIEST_BIRTH_DAY,
    ),
    _case_field("violator_sex", "choice", gettext_lazy("Sex"), choices=Sex.choices),
    _case_field("violator_nationality", "text", gettext_lazy("Nationality"), max_length=100),
    _case_field("violator_occupation", "text", gettext_lazy("Occupation"), max_length=200),
    _case_field("violator_id_number", "text", gettext_lazy("ID card number"), max_length=30),
    _case_field(
        "violator_id_issued_on",
        "date",
        gettext_lazy("ID card issued on"),
        earliest=EARLIEST_BIRTH_DAY,
    ),
    _case_field("violator_id_issued_by", "text", gettext_lazy("ID card issued by"), max_length=200),
    _case_field(
        "violator_address", "text", gettext_lazy("Violator's address"), True, max_length=300
    ),
    _case_field("violator_org_code", "text", gettext_lazy("Enterprise code"), max_length=30),
    _case_field(
        "violator_org_registration",
        "text",
        gettext_lazy("Registration certificate (number, date, issuer)"),
        max_length=300,
    ),
    _case_field(
        "violator_representative", "text", gettext_lazy("Legal representative"), max_length=200
    ),
    _case_field(
        "violator_representative_title",
        "text",
        gettext_lazy("Legal representative's title"),
        max_length=200,
    ),
)

SITE_FIELDS = (
    _case_field("address", "text", gettext_lazy("Address of the site"), True, max_length=300),
    _case_field("map_sheet", "text", gettext_lazy("Map sheet no."), max_length=20),
    _case_field("parcel_number", "text", gettext_lazy("Parcel no."), max_length=20),
    _case_field("storeys", "int", gettext_lazy("Storeys"), minimum=1, maximum=STOREYS_MAX),
    _case_field("floor_area_m2", "decimal", gettext_lazy("Floor area (m²)")),
    _case_field(
        "works_class", "choice", gettext_lazy("Works class"), True, choices=WorksClass.choices
    ),
    _case_field(
        "in_heritage_zone",
        "bool",
        gettext_lazy("In a conservation zone or at a historical-cultural relic"),
        help_text=gettext_lazy("An individual house there is fined as other works (tier b)."),
    ),
)

SIGNER_FIELDS = (
    Field(
        "signer",
        "text",
        gettext_lazy("Signed by"),
        True,
        initial=initial_actor_name,
        max_length=200,
    ),
    Field(
        "signer_title",
        "choice",
        gettext_lazy("Signs as"),
        True,
        choices=SIGNER_TITLE_CHOICES,
        initial="chairman",
    ),
    # A vice-chairman signs on a delegation decision, which the document cites
    # (workflow/signing.py checks both are given).
    Field(
        "delegation_number",
        "text",
        gettext_lazy("Delegation decision no. (vice-chairman signing)"),
        max_length=60,
    ),
    Field(
        "delegation_date",
        "date",
        gettext_lazy("Delegation decision date (vice-chairman signing)"),
    ),
)


# The remedy a sanction decision orders, with its period (Decree 16/2022 Art. 81).
REMEDY_FIELDS = (
    Field(
        "remedy",
        "choice",
        gettext_lazy("Remedy"),
        True,
        choices=_remedy_choices,
        refusal=refuse_legalisation,
    ),
    Field(
        "remedy_days",
        "int",
        gettext_lazy("Days given to demolish (empty: the legal default)"),
        minimum=1,
        maximum=REMEDY_DAYS_MAX,
    ),
)

# The competent authority's decision after a transfer, as the ward records it:
# its fine is the authority's, checked only for plausibility. The ward's own
# decision checks its fines against the catalogue (workflow/decision_fines.py).
SANCTION_FIELDS = (
    Field(
        "fine_amount",
        "int",
        gettext_lazy("Fine (VND)"),
        True,
        maximum=FINE_MAX_VND,
        money=True,
    ),
    *REMEDY_FIELDS,
)
