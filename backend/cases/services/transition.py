"""Taking one action of the workflow table on a case: the one place a case changes stage.

Under the case's row lock and in one transaction: the checks, the step with
its document number, the case's new stage and deadline, and the event.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from typing import Any

from django.db import transaction
from django.utils import timezone

from backend.audit.services import case_event_record
from backend.cases.deadlines import Deadline, deadline_from
from backend.cases.models import CaseStep, ViolationCase, ViolationType
from backend.cases.services.import_source import ImportSource
from backend.cases.services.numbering import document_number_take
from backend.cases.services.opening import case_open
from backend.cases.services.plain_values import json_value, plain_value
from backend.cases.services.transition_checks import (
    check_actor,
    check_attachment,
    check_case,
    check_imported,
    clean_input,
)
from backend.cases.workflow.action import Action
from backend.cases.workflow.deadline_starts import (
    ANCHOR_EVENTS,
    KEEP,
    RECOUNT,
    DeadlineStart,
    recounted_deadline,
)
from backend.cases.workflow.guards import GuardContext
from backend.cases.workflow.service_records import received_on


@transaction.atomic
def case_transition(
    *,
    actor: Any,
    case: ViolationCase,
    action: str,
    data: dict[str, Any] | None = None,
    attachment: Any = None,
    expected_version: int | None = None,
    expected_stage: str | None = None,
    imported: ImportSource | None = None,
) -> ViolationCase:
    """Take one workflow action (backend.cases.workflow.table) on a case.

    Checks, in order: the action exists (400), the actor's role and ward (403),
    that nobody moved the case since the actor looked (409), that the action is
    allowed from the current stage and its guard holds (409), the data (400).
    Then stores the step, writes the case event and sets the next deadline,
    all in this one transaction, under the case's row lock.

    `imported`: a step from a ward's register, replayed with its paper dates by
    an importer whose right to the ward the import checked (the paper step was
    taken by whoever signed it); every other check applies, and the step and
    its event name the file and row.
    """
    spec = (
        check_actor(actor, case, action)
        if imported is None
        else check_imported(case, action, imported)
    )
    check_attachment(attachment)
    locked = _lock(case)
    ctx = check_case(spec, locked, expected_version, expected_stage)
    values = clean_input(spec, ctx, data, actor=actor)
    occurred_on: datetime.date = values["occurred_on"]
    case_changes = _apply_case_facts(spec, locked, values)
    answered = _answered_deadline(spec, ctx, values)
    next_deadline = _next_deadline(spec, ctx, values)
    document_sequence, document_number = _number_document(spec, locked, values)
    step_data = _step_data(spec, values)
    if imported is not None:
        step_data["imported"] = imported.as_payload()
    stage_before = locked.stage
    stage_after = spec.target_stage(stage_before)
    child = _open_child_case(spec, ctx, values, actor=actor)
    if child is not None:
        step_data["child_case"] = child.code
    step = _store_step(
        spec,
        locked,
        values,
        actor=actor,
        stage_before=stage_before,
        stage_after=stage_after,
        answered=answered,
        document_sequence=document_sequence,
        document_number=document_number,
        step_data=step_data,
        attachment=attachment,
    )
    _advance_case(spec, locked, stage_after, occurred_on, next_deadline)
    _record_event(
        spec,
        locked,
        step,
        actor=actor,
        stage_before=stage_before,
        stage_after=stage_after,
        answered=answered,
        next_deadline=next_deadline,
        step_data=step_data,
        case_changes=case_changes,
    )
    return locked


def _lock(case: ViolationCase) -> ViolationCase:
    """The case's row, locked to the end of the transaction: concurrent actions queue here."""
    return ViolationCase.objects.select_for_update().get(pk=case.pk)


def _apply_case_facts(
    spec: Action, locked: ViolationCase, values: dict[str, Any]
) -> dict[str, Any]:
    """Write back the case facts the step confirms or corrects (entered once, reused).

    Returns each change as before and after, for the event.
    """
    case_changes: dict[str, Any] = {}
    for f in spec.fields:
        if f.target == "case" and plain_value(getattr(locked, f.name)) != plain_value(
            values[f.name]
        ):
            case_changes[f.name] = {
                "before": plain_value(getattr(locked, f.name)),
                "after": values[f.name],
            }
            setattr(locked, f.name, values[f.name])
    return case_changes


@dataclass(frozen=True)
class _AnsweredDeadline:
    """The deadline a step answers (the one of the stage it leaves) and how the step met it."""

    due: datetime.date | None
    rule: Any  # backend.cases.models.DeadlineRule | None
    answered: bool
    on_time: bool | None
    days_late: int


def _answered_deadline(
    spec: Action, ctx: GuardContext, values: dict[str, Any]
) -> _AnsweredDeadline:
    locked = ctx.case
    occurred_on: datetime.date = values["occurred_on"]
    left_due, left_rule = locked.stage_deadline, locked.deadline_rule
    if spec.measured_by is not None:
        own = _deadline_of(spec.measured_by, ctx, values)
        return _AnsweredDeadline(
            due=own.due,
            rule=own.rule,
            answered=True,
            on_time=occurred_on <= own.due,
            days_late=max(0, (occurred_on - own.due).days),
        )
    answered = spec.target is not None and left_due is not None
    on_time: bool | None = None
    days_late = 0
    if answered and spec.answers_deadline and left_due is not None:
        on_time = occurred_on <= left_due
        days_late = max(0, (occurred_on - left_due).days)
    return _AnsweredDeadline(
        due=left_due, rule=left_rule, answered=answered, on_time=on_time, days_late=days_late
    )


def _next_deadline(spec: Action, ctx: GuardContext, values: dict[str, Any]) -> Deadline | None:
    """The deadline the action starts, counted from its anchor (None: it starts none)."""
    if spec.deadline == RECOUNT:
        return recounted_deadline(ctx.case, values)
    if not isinstance(spec.deadline, DeadlineStart):
        return None
    return _deadline_of(spec.deadline, ctx, values)


def _deadline_of(start: DeadlineStart, ctx: GuardContext, values: dict[str, Any]) -> Deadline:
    """A rule counted from the date its DeadlineStart names, by the rules of the
    detection day, with what it counts from (shown beside the deadline)."""
    locked = ctx.case
    occurred_on: datetime.date = values["occurred_on"]
    anchor = occurred_on
    anchor_step = None
    if start.anchor == "record" and ctx.record is not None:
        anchor_step = ctx.record
        anchor = ctx.record.occurred_on
    elif start.anchor == "decision" and ctx.decision is not None:
        anchor_step = ctx.decision
        anchor = ctx.decision.occurred_on
    elif start.anchor == "deadline" and locked.stage_deadline is not None:
        anchor = locked.stage_deadline
    elif start.anchor.startswith("field:") and values.get(start.anchor[6:]):
        anchor = values[start.anchor[6:]]
    elif start.anchor == "receipt":
        # Validated before: a step with a receipt anchor records an effective service.
        anchor = received_on(values) or occurred_on
    override = start.override_days(ctx, values) if start.override_days else None
    deadline = deadline_from(
        start.rule_code(locked),
        detected_on=timezone.localdate(locked.detected_at),
        anchor=anchor,
        override_calendar_days=override,
    )
    counted_from: dict[str, Any] = {
        "event": ANCHOR_EVENTS.get(start.anchor, "act"),
        "on": anchor.isoformat(),
        "amount": deadline.amount,
        "unit": deadline.unit,
    }
    if anchor_step is not None:
        counted_from["document_step"] = anchor_step.pk
    if start.anchor == "receipt":
        counted_from["document_step"] = int(values["document_step"])
        counted_from["method"] = values.get("method")
    return replace(deadline, start=counted_from)


def _number_document(
    spec: Action, locked: ViolationCase, values: dict[str, Any]
) -> tuple[int | None, str]:
    """The number of the document the action issues, from the ward's register (None, "": none)."""
    if not spec.document:
        return None, ""
    occurred_on: datetime.date = values["occurred_on"]
    return document_number_take(
        ward=register_ward(locked, occurred_on),
        document_type=spec.document,
        year=occurred_on.year,
        manual=values.get("document_number"),
    )


def register_ward(locked: ViolationCase, day: datetime.date) -> Any:
    """The ward whose registers number a document of the case dated `day`.

    The ward responsible today, except for a paper dated before that ward came
    into force (a register case detected before the 2025 merger): the ward
    the case was opened in issued it, and its register holds the number.
    """
    if locked.opened_in_ward_id != locked.ward_id and day < locked.ward.valid_from:
        return locked.opened_in_ward
    return locked.ward


def _step_data(spec: Action, values: dict[str, Any]) -> dict[str, Any]:
    """The step's own fields, as JSON (the signer has a column of its own), and what its
    validator derived from them (a decision's violations and their total)."""
    return {
        **{
            f.name: json_value(values[f.name])
            for f in spec.fields
            if f.target == "step" and f.name != "signer"
        },
        **values.get("derived", {}),
    }


def _open_child_case(
    spec: Action, ctx: GuardContext, values: dict[str, Any], *, actor: Any
) -> ViolationCase | None:
    """The linked case for building that went on after the record (Decree 16 Art. 16.12)."""
    if not spec.opens_child_case:
        return None
    locked = ctx.case
    occurred_on: datetime.date = values["occurred_on"]
    now = timezone.now()
    detected_at = (
        now
        if occurred_on == ctx.today
        else timezone.make_aware(datetime.datetime.combine(occurred_on, datetime.time(12, 0)))
    )
    return case_open(
        actor=actor,
        location=locked.location,
        violation_type=ViolationType.CLAUSE_12,
        address=locked.address,
        description=values["description"],
        detected_at=detected_at,
        assigned_inspector=locked.assigned_inspector,
        parent=locked,
    )


def _store_step(
    spec: Action,
    locked: ViolationCase,
    values: dict[str, Any],
    *,
    actor: Any,
    stage_before: str,
    stage_after: str,
    answered: _AnsweredDeadline,
    document_sequence: int | None,
    document_number: str,
    step_data: dict[str, Any],
    attachment: Any,
) -> CaseStep:
    """The step's row (append-only), with its signed scan if one was attached."""
    occurred_on: datetime.date = values["occurred_on"]
    step = CaseStep(
        case=locked,
        # The register the document's number belongs to (unique per ward and year).
        ward=register_ward(locked, occurred_on),
        action=spec.code,
        stage_before=stage_before,
        stage_after=stage_after,
        occurred_on=occurred_on,
        actor=actor,
        document_type=spec.document or "",
        document_year=occurred_on.year if spec.document else None,
        document_sequence=document_sequence,
        document_number=document_number,
        signer=values.get("signer") or "",
        note=values.get("note") or "",
        data=step_data,
        deadline_due=answered.due if answered.answered else None,
        deadline_rule=answered.rule.code if (answered.answered and answered.rule) else "",
        on_time=answered.on_time,
        days_late=answered.days_late,
    )
    if attachment is not None:
        suffix = PurePosixPath(attachment.name or "").suffix.lower()
        step.attachment.save(f"{uuid.uuid4().hex}{suffix}", attachment, save=False)
    step.save()
    return step


def _advance_case(
    spec: Action,
    locked: ViolationCase,
    stage_after: str,
    occurred_on: datetime.date,
    next_deadline: Deadline | None,
) -> None:
    """The case's new version, stage, deadline and outcome: the only writer of `stage`."""
    locked.version += 1
    if spec.target is not None:
        locked.stage = stage_after
        locked.stage_since = occurred_on
    if spec.deadline != KEEP and not (spec.deadline == RECOUNT and next_deadline is None):
        locked.stage_deadline = next_deadline.due if next_deadline else None
        locked.deadline_rule = next_deadline.rule if next_deadline else None
        locked.stage_deadline_start = next_deadline.start if next_deadline else {}
        locked.overdue_since = None
    if spec.suspends_execution is not None:
        locked.execution_suspended = spec.suspends_execution
    if spec.outcome:
        locked.outcome = spec.outcome
        locked.closed_on = occurred_on
    locked.save()


def _deadline_running(
    spec: Action, locked: ViolationCase, next_deadline: Deadline | None
) -> dict[str, Any] | None:
    """The deadline running after the step: the one kept, or the one it started."""
    kept = spec.deadline == KEEP or (spec.deadline == RECOUNT and next_deadline is None)
    if spec.target is None and kept:
        if locked.stage_deadline and locked.deadline_rule:
            return {
                "due": locked.stage_deadline.isoformat(),
                "rule": locked.deadline_rule.code,
                "basis": locked.deadline_rule.basis,
                **(
                    {"counted_from": locked.stage_deadline_start}
                    if locked.stage_deadline_start
                    else {}
                ),
            }
        return None
    return next_deadline.as_payload() if next_deadline else None


def _record_event(
    spec: Action,
    locked: ViolationCase,
    step: CaseStep,
    *,
    actor: Any,
    stage_before: str,
    stage_after: str,
    answered: _AnsweredDeadline,
    next_deadline: Deadline | None,
    step_data: dict[str, Any],
    case_changes: dict[str, Any],
) -> None:
    """The case event, carrying the hash of the step's row."""
    occurred_on = step.occurred_on
    left_due, left_rule = answered.due, answered.rule
    case_event_record(
        case=locked,
        actor=actor,
        kind=spec.event_kind,
        stage_before=stage_before,
        stage_after=stage_after,
        # The event carries the hash of the step's row: a step added or
        # changed around this service fails verify_audit.
        record=step,
        payload={
            "action": spec.code,
            "action_label": spec.english_label(),
            "occurred_on": occurred_on.isoformat(),
            "document": (
                {
                    "type": spec.document,
                    "number": step.document_number,
                    "date": occurred_on.isoformat(),
                    "signer": step.signer,
                }
                if spec.document
                else None
            ),
            "deadline": (
                {"due": left_due.isoformat(), "rule": left_rule.code, "basis": left_rule.basis}
                if answered.answered and left_due and left_rule
                else None
            ),
            "on_time": answered.on_time,
            "days_late": answered.days_late,
            "next_deadline": _deadline_running(spec, locked, next_deadline),
            "note": step.note,
            "data": {
                **step_data,
                **({"case_changes": case_changes} if case_changes else {}),
                **({"attachment": step.attachment.name} if step.attachment else {}),
            },
            "step_id": step.pk,
            **({"imported": step_data["imported"]} if "imported" in step_data else {}),
        },
    )
