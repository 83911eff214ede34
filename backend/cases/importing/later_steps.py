"""The steps a register row may have reached after the record: each as the workflow takes it.

The remedy-only decision (MQĐ15), the transfer to a competent authority
(with its handover record), the permit shown within the legalisation
period, the notice to self-demolish after it (Decree 16 Art. 81(2)), the
enforcement decision (MQĐ11) and its record (MBB11). Each is an action of
the workflow table (backend.cases.workflow), given the row's dates and
numbers; `replay` takes it through `case_transition` with its guards and
deadline rules. Where the register leaves a required text out, the step
says so ("not recorded in the register") rather than inventing it.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _

from backend.cases.importing.rows import document_sequence_of
from backend.cases.importing.stage_checks import decision_remedy
from backend.cases.models import CompetentAuthority, ViolationCase
from backend.cases.workflow.choices import Remedy
from backend.cases.workflow.guards import fine_barred
from backend.cases.workflow.table import ACTIONS
from backend.core.tabular.text import fold

# A step: (the step's name for its columns, the workflow action, its data).
Step = tuple[str, str, dict[str, Any]]

_SIGNER = {"signer": "signer", "signer_title": "signer_title"}
# A step's field → the register's column it came from (else the step's date column).
COLUMNS: dict[str, dict[str, str]] = {
    "issue_remedy_decision": {
        "occurred_on": "decision_on",
        "document_number": "decision_number",
        "no_fine_reason": "no_fine_reason",
        "remedy": "remedy",
        "remedy_days": "remedy_days",
        "delegation_number": "delegation_number",
        "delegation_date": "delegation_date",
        **_SIGNER,
    },
    "transfer": {
        "occurred_on": "transfer_on",
        "document_number": "handover_number",
        "authority": "transfer_authority",
        "reason": "transfer_reason",
    },
    "show_permit": {
        "occurred_on": "permit_shown_on",
        "permit_number": "permit_number",
        "permit_date": "permit_date",
        "permit_issuer": "permit_issuer",
    },
    "legalisation_failed": {
        "occurred_on": "notice_on",
        "document_number": "notice_number",
        "reason": "notice_reason",
        "delivery_method": "notice_delivery",
        "delivered_on": "notice_delivered_on",
        "signer": "notice_signer",
    },
    "decide_enforcement": {
        "occurred_on": "enforcement_on",
        "document_number": "enforcement_number",
        "measures": "enforcement_measures",
        "enforcement_date": "enforcement_planned_on",
        "signer": "enforcement_signer",
    },
    "record_enforcement": {
        "occurred_on": "enforced_on",
        "document_number": "enforced_number",
        "result": "enforcement_result",
    },
}
DATE_COLUMN = {step: columns["occurred_on"] for step, columns in COLUMNS.items()}


class StepRefused(Exception):
    """The law's rules refused a step of the row: (column key, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(problems[0][1])
        self.problems = problems


def not_recorded() -> str:
    return _("Not recorded in the register")


def _initial(action: str, field: str, case: ViolationCase, actor: Any) -> Any:
    spec = next(f for f in ACTIONS[action].fields if f.name == field)
    return spec.initial_for(case, actor)


def remedy_decision_step(values: dict[str, Any], case: ViolationCase, actor: Any) -> Step:
    """The decision on remedial measures without a fine (MQĐ15), past the period to decide
    or the limitation: the reason is the register's, else the one the decision date gives."""
    reason = values.get("no_fine_reason")
    if reason is None:
        barred = fine_barred(case, datetime.date.fromisoformat(values["decision_on"]))
        reason = barred[0] if barred else None
    return (
        "issue_remedy_decision",
        "issue_remedy_decision",
        {
            "occurred_on": values["decision_on"],
            "document_number": document_sequence_of(values["decision_number"]),
            "no_fine_reason": reason,
            "remedy": Remedy.DEMOLISH,
            "measures": _initial("issue_remedy_decision", "measures", case, actor),
            "remedy_days": values.get("remedy_days"),
            "signer": values.get("signer") or not_recorded(),
            "signer_title": values.get("signer_title") or "chairman",
            "delegation_number": values.get("delegation_number"),
            "delegation_date": values.get("delegation_date"),
        },
    )


def transfer_step(values: dict[str, Any]) -> Step:
    """The transfer to the competent authority, with the record of handing the file over."""
    return (
        "transfer",
        "transfer",
        {
            "occurred_on": values["transfer_on"],
            "document_number": document_sequence_of(values["handover_number"]),
            "authority": authority_code(values["transfer_authority"]),
            "reason": values.get("transfer_reason") or not_recorded(),
        },
    )


def authority_code(text: str) -> str:
    """The competent authority the register names, by its code or its name."""
    wanted = fold(text)
    for code, name in CompetentAuthority.objects.filter(active=True).values_list("code", "name"):
        if wanted in (fold(code), fold(name)):
            return str(code)
    names = CompetentAuthority.objects.filter(active=True).values_list("name", flat=True)
    raise StepRefused(
        [
            (
                "transfer_authority",
                _(
                    "“%(value)s” is not in the list of competent authorities: write one of "
                    "%(names)s, or have an administrator add it."
                )
                % {"value": text, "names": ", ".join(f"“{n}”" for n in names)},
            )
        ]
    )


def after_service_steps(values: dict[str, Any], case: ViolationCase, actor: Any) -> list[Step]:
    """The steps after the decision was served, in the order the row's path took them."""
    steps: list[Step] = []
    if "permit_number" in values:
        steps.append(
            (
                "show_permit",
                "show_permit",
                {
                    "occurred_on": values.get("permit_shown_on") or values["permit_date"],
                    "permit_number": values["permit_number"],
                    "permit_date": values["permit_date"],
                    "permit_issuer": values.get("permit_issuer") or not_recorded(),
                },
            )
        )
    if "notice_on" in values:
        steps.append(
            (
                "legalisation_failed",
                "legalisation_failed",
                {
                    "occurred_on": values["notice_on"],
                    "document_number": document_sequence_of(values["notice_number"]),
                    "reason": values.get("notice_reason") or "window_expired",
                    "delivery_method": values["notice_delivery"],
                    "delivered_on": values["notice_delivered_on"],
                    "signer": values.get("notice_signer") or not_recorded(),
                    "signer_title": "chairman",
                },
            )
        )
    if "enforcement_on" in values:
        steps.append(
            (
                "decide_enforcement",
                "decide_enforcement",
                {
                    "occurred_on": values["enforcement_on"],
                    "document_number": document_sequence_of(values["enforcement_number"]),
                    "measures": values.get("enforcement_measures")
                    or _initial("decide_enforcement", "measures", case, actor),
                    "enforcement_date": values.get("enforcement_planned_on"),
                    "signer": values.get("enforcement_signer") or not_recorded(),
                    "signer_title": "chairman",
                },
            )
        )
    if "enforced_on" in values:
        steps.append(
            (
                "record_enforcement",
                "record_enforcement",
                {
                    "occurred_on": values["enforced_on"],
                    "document_number": document_sequence_of(values["enforced_number"]),
                    "result": values.get("enforcement_result") or not_recorded(),
                },
            )
        )
    return steps


def serve_action(values: dict[str, Any]) -> str:
    if decision_remedy(values) == Remedy.LEGALISE:
        return "serve_decision_legalise"
    return "serve_decision_demolish"
