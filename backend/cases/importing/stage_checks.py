"""Whether a row's stages hold together: each step with its date and number, in order.

A register row names the steps its paper history took; each needs the
document number and date the workflow records, and the step before it
(a notice follows a legalisation period, enforcement a demolition period).
Dates must follow one another. The law's own periods are the workflow's to
check, on replay; what is checked here is the row's own consistency.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _

from backend.cases.importing.fields import LABELS
from backend.cases.workflow.choices import Remedy

Problem = tuple[str, Any, str]  # column key, value shown, message

REMEDY_ONLY = "remedy_only"
# (number column, date column) of each document a step records.
DOCUMENTS = (
    ("record_number", "record_on"),
    ("decision_number", "decision_on"),
    ("handover_number", "transfer_on"),
    ("notice_number", "notice_on"),
    ("enforcement_number", "enforcement_on"),
    ("enforced_number", "enforced_on"),
)
# The steps' dates in the order the steps are taken (a row takes one path).
DATE_ORDER = (
    "detected_on",
    "record_on",
    "transfer_on",
    "decision_on",
    "served_on",
    "permit_shown_on",
    "notice_on",
    "enforcement_on",
    "enforced_on",
)
AFTER_TRANSFER = (
    "decision_on",
    "served_on",
    "permit_number",
    "notice_on",
    "enforcement_on",
    "enforced_on",
)


def is_remedy_only(values: dict[str, Any]) -> bool:
    return values.get("decision_kind") == REMEDY_ONLY


def decision_remedy(values: dict[str, Any]) -> str | None:
    """The decision's remedy: the remedy-only decision (MQĐ15) orders demolition."""
    if is_remedy_only(values):
        return str(values.get("remedy") or Remedy.DEMOLISH)
    return values.get("remedy")


def _day(values: dict[str, Any], key: str) -> datetime.date | None:
    value = values.get(key)
    return datetime.date.fromisoformat(value) if value else None


def stage_problems(values: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    for number_key, date_key in DOCUMENTS:
        if (number_key in values) != (date_key in values):
            missing = date_key if number_key in values else number_key
            problems.append((missing, "", _("Give both the number and the date of this document.")))
    recorded = "record_number" in values or "record_on" in values
    decided = "decision_number" in values or "decision_on" in values
    if decided:
        if not recorded:
            problems.append(
                (
                    "record_number",
                    "",
                    _("A decision follows a violation record: give the record's number and date."),
                )
            )
        problems += _decision_problems(values)
    if ("served_on" in values or "received_on" in values) and not decided:
        problems.append(
            (
                "served_on",
                values.get("served_on", ""),
                _("Only a decision is served: give the decision's number and date."),
            )
        )
    if "received_on" in values and "served_on" not in values:
        problems.append(("served_on", "", _("Give the date the decision was served.")))
    if not any(k in values for k in ("detected_on", "record_on")):
        problems.append(("detected_on", "", _("Give the detection date or the record's date.")))
    problems += _transfer_problems(values, recorded)
    problems += _legalisation_problems(values)
    problems += _enforcement_problems(values)
    problems += _order_problems(values)
    return problems


def _decision_problems(values: dict[str, Any]) -> list[Problem]:
    if not is_remedy_only(values):
        missing = [key for key in ("fine_amount", "remedy") if key not in values]
        return [(key, "", _("The decision's fine and remedy are needed.")) for key in missing]
    problems: list[Problem] = []
    if "fine_amount" in values:
        problems.append(
            (
                "fine_amount",
                values["fine_amount"],
                _(
                    "A decision on remedial measures (MQĐ15) imposes no fine: leave the fine "
                    "empty, or make it a sanction decision."
                ),
            )
        )
    if values.get("remedy") == Remedy.LEGALISE:
        problems.append(
            (
                "remedy",
                values["remedy"],
                _(
                    "A decision on remedial measures without a fine orders demolition; "
                    "legalisation follows a sanction decision."
                ),
            )
        )
    return problems


def _transfer_problems(values: dict[str, Any], recorded: bool) -> list[Problem]:
    if "transfer_on" not in values and "handover_number" not in values:
        return []
    problems: list[Problem] = []
    if not recorded:
        problems.append(
            (
                "record_number",
                "",
                _("A transfer follows a violation record: give the record's number and date."),
            )
        )
    if "transfer_authority" not in values:
        problems.append(
            ("transfer_authority", "", _("Name the authority the case was transferred to."))
        )
    later = [key for key in AFTER_TRANSFER if key in values]
    if later:
        problems.append(
            (
                later[0],
                values[later[0]],
                _(
                    "A transferred case is decided by the competent authority: import it at "
                    "the transfer, and record that authority's decision on the case page."
                ),
            )
        )
    return problems


def _legalisation_problems(values: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    shown = any(k in values for k in ("permit_number", "permit_date", "permit_shown_on"))
    noticed = "notice_number" in values or "notice_on" in values
    if not (shown or noticed):
        return problems
    if "served_on" not in values or decision_remedy(values) != Remedy.LEGALISE:
        key = "permit_number" if shown else "notice_on"
        problems.append(
            (
                key,
                values.get(key, ""),
                _(
                    "A permit is shown, or a notice to self-demolish sent, after a decision "
                    "ordering legalisation was served: give that decision and its service."
                ),
            )
        )
    if shown:
        for key in ("permit_number", "permit_date"):
            if key not in values:
                problems.append((key, "", _("Give the permit's number and its issue date.")))
    if shown and noticed:
        problems.append(
            (
                "notice_on",
                values.get("notice_on", ""),
                _(
                    "A permit obtained within the period and a notice to self-demolish "
                    "exclude each other: keep the one the case reached."
                ),
            )
        )
    if noticed:
        for key in ("notice_delivery", "notice_delivered_on"):
            if key not in values:
                problems.append(
                    (
                        key,
                        "",
                        _(
                            "Give how the notice was delivered and the postmark date or the "
                            "date of the handover record: the 15 days run from it."
                        ),
                    )
                )
    return problems


def _enforcement_problems(values: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    decided = "enforcement_number" in values or "enforcement_on" in values
    demolishing = "served_on" in values and (
        decision_remedy(values) == Remedy.DEMOLISH or "notice_on" in values
    )
    if decided and not demolishing:
        problems.append(
            (
                "enforcement_on",
                values.get("enforcement_on", ""),
                _(
                    "Enforcement follows a period to self-demolish: give the decision ordering "
                    "demolition and its service, or the notice to self-demolish."
                ),
            )
        )
    if ("enforced_number" in values or "enforced_on" in values) and not decided:
        problems.append(
            (
                "enforced_on",
                values.get("enforced_on", ""),
                _("Enforcement is carried out on a decision: give its number and date."),
            )
        )
    return problems


def _order_problems(values: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    earlier: tuple[str, datetime.date] | None = None
    for key in DATE_ORDER:
        day = _day(values, key)
        if day is None:
            continue
        if earlier is not None and day < earlier[1]:
            problems.append(
                (
                    key,
                    values[key],
                    _("This date is before the %(earlier)s (%(day)s): check the dates.")
                    % {"earlier": str(LABELS[earlier[0]]).lower(), "day": _shown(earlier[1])},
                )
            )
        else:
            earlier = (key, day)
    permit_date, shown_on = _day(values, "permit_date"), _day(values, "permit_shown_on")
    if permit_date and shown_on and shown_on < permit_date:
        problems.append(
            (
                "permit_shown_on",
                values["permit_shown_on"],
                _("This date is before the %(earlier)s (%(day)s): check the dates.")
                % {"earlier": str(LABELS["permit_date"]).lower(), "day": _shown(permit_date)},
            )
        )
    return problems


def _shown(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")
