"""Guards and validators of serving documents and of the fine, each with its legal reason."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from backend.cases.fine_payment import (
    FineStatus,
    fine_status,
    parse_schedule,
    vnd,
)
from backend.cases.workflow.choices import FineRelief
from backend.cases.workflow.guards import GuardContext
from backend.cases.workflow.service_records import (
    is_served_document,
    validate_service,
)


def _status(ctx: GuardContext) -> FineStatus | None:
    return fine_status(ctx.case, ctx.steps, ctx.today)


def _document(ctx: GuardContext, values: dict[str, Any]) -> Any:
    wanted = str(values.get("document_step") or "")
    return next((s for s in ctx.steps if str(s.pk) == wanted), None)


# --- Serving -----------------------------------------------------------------------
def guard_document_to_serve(ctx: GuardContext) -> str | None:
    if not any(is_served_document(s) for s in ctx.steps):
        return _("The case has no decision yet to serve.")
    return None


def validate_serving_decision(ctx: GuardContext, values: dict[str, Any]) -> dict[str, str]:
    return validate_service(values, _document(ctx, values), moves_stage=True)


def validate_record_service(ctx: GuardContext, values: dict[str, Any]) -> dict[str, str]:
    return validate_service(values, _document(ctx, values), moves_stage=False)


# --- The fine --------------------------------------------------------------------------
def _unpaid_refusal(status: FineStatus | None) -> str | None:
    if status is None:
        return _("The case has no sanction decision with a fine.")
    if status.is_paid:
        return _("The fine has been paid in full.")
    return None


def guard_fine_unpaid(ctx: GuardContext) -> str | None:
    return _unpaid_refusal(_status(ctx))


def guard_relief_requested(ctx: GuardContext) -> str | None:
    status = _status(ctx)
    refusal = _unpaid_refusal(status)
    if refusal:
        return refusal
    if status is not None and status.relief_pending is None:
        return _("No request to postpone or to pay in instalments awaits a decision.")
    return None


def guard_fine_enforceable(ctx: GuardContext) -> str | None:
    # Enforcement answers a fine not paid in time (LXLVPHC Art. 86; Decree 296/2025 ⚠️).
    status = _status(ctx)
    refusal = _unpaid_refusal(status)
    if refusal or status is None:
        return refusal
    if status.enforcement is not None:
        return _("Enforcement of the fine has already been decided.")
    if status.due is None:
        return _(
            "The period to pay has not started: it runs from the violator's receipt of the "
            "decision, which is not recorded yet."
        )
    if status.days_late <= 0:
        return _("The fine may be paid until %(due)s; enforcement can be decided after that.") % {
            "due": status.due.strftime("%d/%m/%Y")
        }
    return None


def guard_fine_paid_before_legalised(ctx: GuardContext) -> str | None:
    # LAW.md §2: the permit application must prove the fine was paid (Decree 16 Art. 81).
    status = _status(ctx)
    if status is None or status.is_paid:
        return None
    owed = status.outstanding + status.interest_outstanding
    return _(
        "The fine is not paid (%(owed)s still owed): the permit application must prove "
        "payment (Decree 16/2022 Art. 81), so legalisation cannot close the case."
    ) % {"owed": vnd(owed)}


def validate_payment(ctx: GuardContext, values: dict[str, Any]) -> dict[str, str]:
    status = _status(ctx)
    if status is None:
        return {}
    errors: dict[str, str] = {}
    if values["occurred_on"] < status.decided_on:
        errors["occurred_on"] = _(
            "A fine cannot be paid before the decision imposing it (%(day)s)."
        ) % {"day": status.decided_on.strftime("%d/%m/%Y")}
    amount = values.get("amount") or 0
    if amount > status.outstanding:
        errors["amount"] = _("The amount is more than the fine still owed (%(owed)s).") % {
            "owed": vnd(status.outstanding)
        }
    if amount == 0 and not values.get("interest_paid"):
        errors["amount"] = _("Enter the amount paid.")
    return errors


def validate_relief_decision(ctx: GuardContext, values: dict[str, Any]) -> dict[str, str]:
    status = _status(ctx)
    if status is None or status.relief_pending is None:
        return {}
    if values.get("outcome") != "granted":
        return {}
    kind = status.relief_pending.get("kind")
    errors: dict[str, str] = {}
    if kind == FineRelief.POSTPONEMENT:
        new_due = values.get("new_due_date")
        if new_due is None:
            errors["new_due_date"] = _("Enter the new date by which the fine is to be paid.")
        elif new_due <= values["occurred_on"]:
            errors["new_due_date"] = _("The new date must fall after the decision.")
        if values.get("instalments"):
            errors["instalments"] = _("The request is to postpone: leave the instalments empty.")
        return errors
    if values.get("new_due_date"):
        errors["new_due_date"] = _("The request is for instalments: give their dates below.")
    try:
        plan = parse_schedule(values.get("instalments") or "")
    except ValueError as exc:
        errors["instalments"] = str(exc)
        return errors
    paid_before = sum(p.amount for p in status.payments if p.paid_on <= values["occurred_on"])
    owed = status.amount - paid_before
    if plan[0].due <= values["occurred_on"]:
        errors["instalments"] = _("The first instalment must fall after the decision.")
    elif sum(i.amount for i in plan) != owed:
        errors["instalments"] = _(
            "The instalments add up to %(total)s, but %(owed)s of the fine is owed."
        ) % {"total": vnd(sum(i.amount for i in plan)), "owed": vnd(owed)}
    return errors
