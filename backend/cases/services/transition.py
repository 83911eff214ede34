"""Taking one action of the workflow table on a case: the one place a case changes stage.

Under the case's row lock and in one transaction: the checks, the step with
its document number, the case's new stage and deadline, and the event.
"""

from __future__ import annotations

import datetime
import uuid
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.selectors import ward_ids_of
from backend.audit.services import case_event_record
from backend.cases.deadlines import deadline_from
from backend.cases.models import (
    CaseStep,
    ViolationCase,
    ViolationType,
)
from backend.cases.services.numbering import document_number_take
from backend.cases.services.opening import case_open
from backend.cases.services.plain_values import json_value, plain_value
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
    _check_attachment(attachment)

    locked = ViolationCase.objects.select_for_update().get(pk=case.pk)
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

    # Facts about the case the step confirms or corrects (entered once, reused).
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

    # The deadline this step answers: the one of the stage being left.
    left_due, left_rule = locked.stage_deadline, locked.deadline_rule
    answered = spec.target is not None and left_due is not None
    on_time: bool | None = None
    days_late = 0
    if answered and spec.answers_deadline and left_due is not None:
        on_time = occurred_on <= left_due
        days_late = max(0, (occurred_on - left_due).days)

    detected_on = timezone.localdate(locked.detected_at)
    next_deadline = None
    if isinstance(spec.deadline, DeadlineStart):
        anchor = occurred_on
        if spec.deadline.anchor == "record" and ctx.record is not None:
            anchor = ctx.record.occurred_on
        elif spec.deadline.anchor == "decision" and ctx.decision is not None:
            anchor = ctx.decision.occurred_on
        override = spec.deadline.override_days(ctx, values) if spec.deadline.override_days else None
        next_deadline = deadline_from(
            spec.deadline.rule_code(locked),
            detected_on=detected_on,
            anchor=anchor,
            override_calendar_days=override,
        )

    document_sequence, document_number = None, ""
    if spec.document:
        document_sequence, document_number = document_number_take(
            ward=locked.ward,
            document_type=spec.document,
            year=occurred_on.year,
            manual=values.get("document_number"),
        )

    step_data = {
        f.name: json_value(values[f.name])
        for f in spec.fields
        if f.target == "step" and f.name != "signer"
    }
    stage_before = locked.stage
    stage_after = spec.target_stage(stage_before)

    child = None
    if spec.opens_child_case:
        now = timezone.now()
        detected_at = (
            now
            if occurred_on == today
            else timezone.make_aware(datetime.datetime.combine(occurred_on, datetime.time(12, 0)))
        )
        child = case_open(
            actor=actor,
            location=locked.location,
            violation_type=ViolationType.CLAUSE_12,
            address=locked.address,
            description=values["description"],
            detected_at=detected_at,
            assigned_inspector=locked.assigned_inspector,
            parent=locked,
        )
        step_data["child_case"] = child.code

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
        deadline_due=left_due if answered else None,
        deadline_rule=left_rule.code if (answered and left_rule) else "",
        on_time=on_time,
        days_late=days_late,
    )
    if attachment is not None:
        suffix = PurePosixPath(attachment.name or "").suffix.lower()
        step.attachment.save(f"{uuid.uuid4().hex}{suffix}", attachment, save=False)
    step.save()

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

    if spec.target is None and spec.deadline == KEEP:
        current = (
            {
                "due": locked.stage_deadline.isoformat(),
                "rule": locked.deadline_rule.code,
                "basis": locked.deadline_rule.basis,
            }
            if locked.stage_deadline and locked.deadline_rule
            else None
        )
    else:
        current = next_deadline.as_payload() if next_deadline else None
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
                    "number": document_number,
                    "date": occurred_on.isoformat(),
                    "signer": step.signer,
                }
                if spec.document
                else None
            ),
            "deadline": (
                {"due": left_due.isoformat(), "rule": left_rule.code, "basis": left_rule.basis}
                if answered and left_due and left_rule
                else None
            ),
            "on_time": on_time,
            "days_late": days_late,
            "next_deadline": current,
            "note": step.note,
            "data": {
                **step_data,
                **({"case_changes": case_changes} if case_changes else {}),
                **({"attachment": step.attachment.name} if step.attachment else {}),
            },
            "step_id": step.pk,
        },
    )
    return locked
