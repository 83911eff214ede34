"""A register row replayed as the steps its paper history implies, through the live services.

Open the case on its detection day, record the violation on the record's date
under the record's number, issue the sanction decision on its date under its
number with its fine and remedy, serve it on the day it was served: each step
through `case_transition`, held to the workflow's guards, validators and
deadline rules as a live case is, so its deadlines run from the paper dates.
Past document numbers are taken as manual numbers of the ward's register
(clashes refused); no document is generated. A step the law refuses raises
its own message, which the import puts on the row and column it came from.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from backend.cases.importing.later_steps import (
    COLUMNS,
    DATE_COLUMN,
    StepRefused,
    after_service_steps,
    not_recorded,
    remedy_decision_step,
    serve_action,
    transfer_step,
)
from backend.cases.importing.rows import CaseRow, document_sequence_of, factor_of
from backend.cases.importing.stage_checks import is_remedy_only
from backend.cases.models import ViolationCase, ViolationType
from backend.cases.services.import_source import ImportSource
from backend.cases.services.opening import case_open
from backend.cases.services.transition import case_transition
from backend.cases.workflow.input_cleaning import ActionInputInvalid
from backend.core.errors import ServiceError

# The violator and site facts a case holds from its opening (its documents reuse them).
CASE_FACTS = (
    "violator_kind",
    "violator_name",
    "violator_address",
    "violator_id_number",
    "violator_birth_date",
    "violator_org_code",
    "violator_representative",
    "works_class",
    "map_sheet",
    "parcel_number",
    "storeys",
    "floor_area_m2",
)
# A step's field → the register's column it came from (else the step's date column).
_COLUMNS: dict[str, dict[str, str]] = {
    "open": {"location": "x", "detected_at": "detected_on", "violation_type": "violation_type"},
    "record_violation": {
        "occurred_on": "record_on",
        "document_number": "record_number",
        "signer": "recorded_by",
        **{fact: fact for fact in (*CASE_FACTS, "address", "conduct")},
    },
    "issue_sanction_decision": {
        "occurred_on": "decision_on",
        "document_number": "decision_number",
        "fine_amount": "fine_amount",
        "fine_factor": "factors",
        "factors": "factors",
        "remedy": "remedy",
        "remedy_days": "remedy_days",
        "signer": "signer",
        "signer_title": "signer_title",
        "delegation_number": "delegation_number",
        "delegation_date": "delegation_date",
    },
    "serve": {"occurred_on": "served_on", "method": "service_method", "received_on": "received_on"},
    **COLUMNS,
}
_DATE_COLUMN = {
    "open": "detected_on",
    "record_violation": "record_on",
    "issue_sanction_decision": "decision_on",
    "serve": "served_on",
    **DATE_COLUMN,
}


def _refusal(step: str, error: ServiceError) -> StepRefused:
    columns = _COLUMNS[step]
    default = _DATE_COLUMN[step]
    if isinstance(error, ActionInputInvalid):
        return StepRefused(
            [(columns.get(name, default), str(message)) for name, message in error.errors.items()]
        )
    field = getattr(error, "field", None)
    return StepRefused([(columns.get(str(field), default), str(error.message))])


def _noon(day: datetime.date) -> datetime.datetime:
    # A register gives the day only: noon keeps it the same day in every time zone
    # (or now, for a case detected this morning).
    noon = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))
    return min(noon, timezone.now())


def case_replay(*, row: CaseRow, actor: Any, source: ImportSource) -> ViolationCase:
    """The row's case, opened and taken to the stage its paper history reached."""
    values = row.values
    detected_on = row.day("detected_on") or row.day("record_on")
    assert detected_on is not None and row.location is not None  # checked by RowReader
    facts = {key: values[key] for key in CASE_FACTS if key in values}
    if "violator_birth_date" in facts:
        facts["violator_birth_date"] = row.day("violator_birth_date")
    if "floor_area_m2" in facts:
        facts["floor_area_m2"] = Decimal(facts["floor_area_m2"])
    try:
        case = case_open(
            actor=actor,
            location=row.location,
            violation_type=values["violation_type"],
            address=values["address"],
            description=values.get("conduct", ""),
            detected_at=_noon(detected_on),
            imported=source,
            facts=facts,
        )
    except ServiceError as error:
        raise _refusal("open", error) from None
    if "record_on" in values:
        case = _step(
            case,
            "record_violation",
            "record_violation",
            {
                "occurred_on": values["record_on"],
                "document_number": document_sequence_of(values["record_number"]),
                "address": values["address"],
                "conduct": values.get("conduct")
                or str(ViolationType(values["violation_type"]).label),
                "signer": values.get("recorded_by") or not_recorded(),
            },
            actor,
            source,
        )
    if "transfer_on" in values:
        step, action, data = transfer_step(values)
        case = _step(case, step, action, data, actor, source)
    if "decision_on" in values and is_remedy_only(values):
        step, action, data = remedy_decision_step(values, case, actor)
        case = _step(case, step, action, data, actor, source)
    elif "decision_on" in values:
        case = _step(
            case,
            "issue_sanction_decision",
            "issue_sanction_decision",
            {
                "occurred_on": values["decision_on"],
                "document_number": document_sequence_of(values["decision_number"]),
                "fine_amount": values["fine_amount"],
                "fine_factor": factor_of(values.get("factors", "")),
                "factors": values.get("factors", ""),
                "remedy": values["remedy"],
                "remedy_days": values.get("remedy_days"),
                "signer": values.get("signer") or not_recorded(),
                "signer_title": values.get("signer_title") or "chairman",
                "delegation_number": values.get("delegation_number"),
                "delegation_date": values.get("delegation_date"),
            },
            actor,
            source,
        )
    if "served_on" in values:
        data = {"occurred_on": values["served_on"], "received_on": values.get("received_on")}
        if values.get("service_method"):
            data["method"] = values["service_method"]
        case = _step(case, "serve", serve_action(values), data, actor, source)
        for step, action, data in after_service_steps(values, case, actor):
            case = _step(case, step, action, data, actor, source)
    return case


def _step(
    case: ViolationCase,
    step: str,
    action: str,
    data: dict[str, Any],
    actor: Any,
    source: ImportSource,
) -> ViolationCase:
    try:
        return case_transition(
            actor=actor,
            case=case,
            action=action,
            data={k: v for k, v in data.items() if v not in (None, "")},
            imported=source,
        )
    except ServiceError as error:
        raise _refusal(step, error) from None
