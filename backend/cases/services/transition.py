"""Taking one action of the workflow table on a case: the one place a case changes stage.

Under the case's row lock and in one transaction: the checks, the step with
its document number, the case's new stage and deadline, and the event.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.selectors import ward_ids_of
from backend.audit.services import case_event_record
from backend.cases.deadlines import Deadline, deadline_from
from backend.cases.models import (
    CaseStep,
    ViolationCase,
    ViolationType,
)
from backend.cases.services.numbering import document_number_take
from backend.cases.services.opening import case_open
from backend.cases.services.plain_values import json_value, plain_value
from backend.cases.workflow.action import Action
from backend.cases.workflow.deadline_starts import KEEP, DeadlineStart
from backend.cases.workflow.guards import GuardContext
from backend.cases.workflow.input_cleaning import ActionInputInvalid, clean_action_input
from backend.cases.workflow.roles import role_refusal
from backend.cases.workflow.table import (
    ACTIONS,
    action_or_error,
)
from backend.errors import Conflict, InvalidInput, NotAllowed

# Attachments (a scan of the signed paper) are evidence, not photos: a PDF or an image.
ATTACHMENT_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png", ".webp", ".heic", ".docx", ".odt")


def _conflict_message(case: ViolationCase) -> str:
    """What happened to a case someone else just moved, for the one who lost the race."""
    last = case.steps.select_related("actor").order_by("-recorded_at", "-id").first()
    stage = case.get_stage_display()
    if last is None:
        return _("The case changed while you were looking: it is now in stage “%(stage)s”.") % {
            "stage": stage
        }
    spec = ACTIONS.get(last.action)
    return _(
        "The case changed while you were looking: %(user)s recorded “%(action)s” at "
        "%(time)s and the case is now in stage “%(stage)s”. Reload it and check before acting."
    ) % {
        "user": last.actor,
        "action": spec.label if spec else last.action,
        "time": timezone.localtime(last.recorded_at).strftime("%H:%M %d/%m/%Y"),
        "stage": stage,
    }


def _check_attachment(attachment: Any) -> None:
    if attachment is None:
        return
    name = (getattr(attachment, "name", "") or "").lower()
    if not name.endswith(ATTACHMENT_SUFFIXES):
        raise InvalidInput(
            _("Attach a PDF, an image or a DOCX file (%(types)s).")
            % {"types": ", ".join(ATTACHMENT_SUFFIXES)},
            field="attachment",
        )
    if attachment.size > settings.TTXD_STEP_ATTACHMENT_MAX_BYTES:
        raise InvalidInput(
            _("The attachment is larger than %(mb)d MB.")
            % {"mb": settings.TTXD_STEP_ATTACHMENT_MAX_BYTES // (1024 * 1024)},
            field="attachment",
        )


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
) -> ViolationCase:
    """Take one workflow action (backend.cases.workflow.table) on a case.

    Checks, in order: the action exists (400), the actor's role and ward (403),
    that nobody moved the case since the actor looked (409), that the action is
    allowed from the current stage and its guard holds (409), the data (400).
    Then stores the step, writes the case event and sets the next deadline,
    all in this one transaction, under the case's row lock.
    """
    spec = _check_actor(actor, case, action)
    _check_attachment(attachment)
    locked = _lock(case)
    ctx = _check_case(spec, locked, expected_version, expected_stage)
    values = _clean(spec, ctx, data, actor=actor)
    occurred_on: datetime.date = values["occurred_on"]
    case_changes = _apply_case_facts(spec, locked, values)
    answered = _answered_deadline(spec, locked, occurred_on)
    next_deadline = _next_deadline(spec, ctx, values)
    document_sequence, document_number = _number_document(spec, locked, values)
    step_data = _step_data(spec, values)
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


def _check_actor(actor: Any, case: ViolationCase, action: str) -> Action:
    """The action, if this user's role and wards allow it; NotAllowed otherwise."""
    # Who first: a city role is refused whatever it sends.
    city_refusal = role_refusal(actor, None)
    if city_refusal:
        raise NotAllowed(city_refusal, code="role")
    spec = action_or_error(action)
    refusal = role_refusal(actor, spec)
    if refusal:
        raise NotAllowed(refusal, code="role")
    if case.ward_id not in ward_ids_of(actor):
        raise NotAllowed(_("You do not work in the ward of this case."), code="ward")
    return spec


def _lock(case: ViolationCase) -> ViolationCase:
    """The case's row, locked to the end of the transaction: concurrent actions queue here."""
    return ViolationCase.objects.select_for_update().get(pk=case.pk)


def _check_case(
    spec: Action,
    locked: ViolationCase,
    expected_version: int | None,
    expected_stage: str | None,
) -> GuardContext:
    """What the guard saw, once the locked case is as the actor saw it and the action allowed."""
    if expected_version is not None and int(expected_version) != locked.version:
        raise Conflict(_conflict_message(locked), code="stale")
    if expected_stage and expected_stage != locked.stage:
        raise Conflict(_conflict_message(locked), code="stale")
    if locked.stage not in spec.sources:
        raise Conflict(
            _("“%(action)s” cannot be taken while the case is in stage “%(stage)s”.")
            % {"action": spec.label, "stage": locked.get_stage_display()},
            code="wrong_stage",
        )
    today = timezone.localdate()
    ctx = GuardContext(
        case=locked, steps=list(locked.steps.order_by("occurred_on", "id")), today=today
    )
    if spec.guard is not None:
        reason = spec.guard(ctx)
        if reason:
            raise Conflict(reason, code="guard")
    return ctx


def _clean(
    spec: Action, ctx: GuardContext, data: dict[str, Any] | None, *, actor: Any
) -> dict[str, Any]:
    """The action's typed values, or ActionInputInvalid listing every problem."""
    locked = ctx.case
    raw = dict(data or {})
    nested = raw.pop("data", None)
    if isinstance(nested, dict):
        raw = {**nested, **raw}
    elif nested not in (None, ""):
        # Never dropped in silence: the client meant something by it.
        raise InvalidInput(
            _("“data” must be an object of the action's fields, or left out."),
            field="data",
            code="not_an_object",
        )
    # Dates in the future (but a planned one) and implausible years are refused here.
    values = clean_action_input(spec, raw, case=locked, actor=actor)
    occurred_on: datetime.date = values["occurred_on"]
    errors: dict[str, str] = {}
    if locked.stage_since and occurred_on < locked.stage_since:
        errors["occurred_on"] = _(
            "The date cannot be before the previous step of the case (%(day)s)."
        ) % {"day": locked.stage_since.strftime("%d/%m/%Y")}
    if spec.validate is not None and not errors:
        errors.update(spec.validate(ctx, values))
    if errors:
        raise ActionInputInvalid(errors)
    return values


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
    spec: Action, locked: ViolationCase, occurred_on: datetime.date
) -> _AnsweredDeadline:
    left_due, left_rule = locked.stage_deadline, locked.deadline_rule
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
    locked = ctx.case
    occurred_on: datetime.date = values["occurred_on"]
    detected_on = timezone.localdate(locked.detected_at)
    if not isinstance(spec.deadline, DeadlineStart):
        return None
    anchor = occurred_on
    if spec.deadline.anchor == "record" and ctx.record is not None:
        anchor = ctx.record.occurred_on
    elif spec.deadline.anchor == "decision" and ctx.decision is not None:
        anchor = ctx.decision.occurred_on
    override = spec.deadline.override_days(ctx, values) if spec.deadline.override_days else None
    return deadline_from(
        spec.deadline.rule_code(locked),
        detected_on=detected_on,
        anchor=anchor,
        override_calendar_days=override,
    )


def _number_document(
    spec: Action, locked: ViolationCase, values: dict[str, Any]
) -> tuple[int | None, str]:
    """The number of the document the action issues, from the ward's register (None, "": none)."""
    if not spec.document:
        return None, ""
    occurred_on: datetime.date = values["occurred_on"]
    return document_number_take(
        ward=locked.ward,
        document_type=spec.document,
        year=occurred_on.year,
        manual=values.get("document_number"),
    )


def _step_data(spec: Action, values: dict[str, Any]) -> dict[str, Any]:
    """The step's own fields, as JSON (the signer has a column of its own)."""
    return {
        f.name: json_value(values[f.name])
        for f in spec.fields
        if f.target == "step" and f.name != "signer"
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
        ward=locked.ward,
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
    if spec.deadline != KEEP:
        locked.stage_deadline = next_deadline.due if next_deadline else None
        locked.deadline_rule = next_deadline.rule if next_deadline else None
        locked.overdue_since = None
    if spec.outcome:
        locked.outcome = spec.outcome
        locked.closed_on = occurred_on
    locked.save()


def _deadline_running(
    spec: Action, locked: ViolationCase, next_deadline: Deadline | None
) -> dict[str, Any] | None:
    """The deadline running after the step: the one kept, or the one it started."""
    if spec.target is None and spec.deadline == KEEP:
        if locked.stage_deadline and locked.deadline_rule:
            return {
                "due": locked.stage_deadline.isoformat(),
                "rule": locked.deadline_rule.code,
                "basis": locked.deadline_rule.basis,
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
        },
    )
