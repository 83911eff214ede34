"""What case_transition checks before it writes anything, in the order it checks them.

The actor's role and ward (403), the attachment (400), that nobody moved the
case since the actor looked, that the action is allowed from its stage and
its guard holds (409), and the action's input (400).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.selectors import ward_ids_of
from backend.cases.models import ViolationCase
from backend.cases.workflow.action import Action
from backend.cases.workflow.guards import GuardContext
from backend.cases.workflow.input_cleaning import ActionInputInvalid, clean_action_input
from backend.cases.workflow.roles import role_refusal
from backend.cases.workflow.signing import signing_authority_errors
from backend.cases.workflow.table import ACTIONS, action_or_error
from backend.core.errors import Conflict, InvalidInput, NotAllowed

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


def check_attachment(attachment: Any) -> None:
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


def check_actor(actor: Any, case: ViolationCase, action: str) -> Action:
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


def check_imported(case: ViolationCase, action: str, imported: Any) -> Action:
    """The action of a step replayed from a register into the ward the import may write."""
    spec = action_or_error(action)
    if case.ward.code != imported.ward_code:
        raise NotAllowed(_("You do not work in the ward of this case."), code="ward")
    return spec


def check_case(
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


def clean_input(
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
    errors.update(signing_authority_errors(values))
    if errors:
        raise ActionInputInvalid(errors)
    return values
