"""What must hold before an action is taken, each with the legal reason it gives.

A guard looks at the locked case and its earlier steps and answers why the
action may not be taken now (a 409), or None. A validator checks the
cleaned values against the case (a 400 on the field). A refusal says why a
choice is not offered for this case. The table (workflow/table.py) names
which of them each action uses.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from backend.cases.workflow.choices import Remedy

# The steps that are a sanction decision: the ward's own, the competent
# authority's after a transfer, or the remedy-only decision (MQĐ15).
DECISION_ACTIONS = ("issue_sanction_decision", "receive_decision", "issue_remedy_decision")
# The deadline rules that time the sanction decision (LXLVPHC Art. 66).
DECISION_RULES = frozenset(
    {"decision", "decision_explanation", "decision_extension", "decision_transferred"}
)


@dataclass
class GuardContext:
    """What a guard may look at: the locked case, its earlier steps, today."""

    case: Any
    steps: list[Any]
    today: datetime.date

    def last_step(self, *actions: str) -> Any:
        for step in reversed(self.steps):
            if step.action in actions:
                return step
        return None

    @property
    def decision(self) -> Any:
        return self.last_step(*DECISION_ACTIONS)

    @property
    def record(self) -> Any:
        return self.last_step("record_violation")


def _day(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def decision_period_end(case: Any) -> datetime.date | None:
    """The last day to issue the sanction decision (the running decision deadline)."""
    rule = case.deadline_rule
    if case.stage_deadline is None or rule is None or rule.code not in DECISION_RULES:
        return None
    return case.stage_deadline  # type: ignore[no-any-return]


def limitation_end(case: Any) -> datetime.date:
    """The last day of the 2-year limitation (D16 Art. 5; Law 88 Art. 6), from detection."""
    from django.utils import timezone

    from backend.cases.deadlines import deadline_from

    detected_on = timezone.localdate(case.detected_at)
    return deadline_from("sanction_limitation", detected_on=detected_on, anchor=detected_on).due


def fine_barred(case: Any, day: datetime.date) -> tuple[str, str] | None:
    """Why a fine may no longer be imposed by a decision dated `day`, or None.

    Returns (reason code, message naming the deadline). Past the period to
    decide (LXLVPHC Art. 66) or the limitation (Art. 6; Decree 16 Art. 5) only
    the remedial measures may be decided, without a fine (Art. 65, 66; MQĐ15).
    """
    end = limitation_end(case)
    if day > end:
        return "limitation", _(
            "The 2-year limitation for sanctioning (Decree 16/2022 Art. 5; Law on Handling "
            "Administrative Violations Art. 6) ended on %(due)s: no fine may be imposed. "
            "Issue the decision on remedial measures (MQĐ15) instead."
        ) % {"due": _day(end)}
    period = decision_period_end(case)
    if period is not None and day > period:
        return "period_over", _(
            "The period to issue the sanction decision (“%(rule)s”) ended on %(due)s: "
            "no fine may be imposed now. Issue the decision on remedial measures (MQĐ15) "
            "instead."
        ) % {"rule": case.deadline_rule.get_code_display(), "due": _day(period)}
    return None


def validate_fine_in_time(ctx: GuardContext, values: dict[str, Any]) -> dict[str, str]:
    barred = fine_barred(ctx.case, values["occurred_on"])
    return {"occurred_on": barred[1]} if barred else {}


def guard_fine_barred(ctx: GuardContext) -> str | None:
    """The remedy-only decision is for a case that can no longer be fined."""
    if fine_barred(ctx.case, ctx.today) is None:
        period = decision_period_end(ctx.case)
        return _(
            "A fine can still be imposed (the period to decide ends on %(due)s): issue the "
            "sanction decision."
        ) % {"due": _day(period) if period else _day(limitation_end(ctx.case))}
    return None


def validate_remedy_only(ctx: GuardContext, values: dict[str, Any]) -> dict[str, str]:
    barred = fine_barred(ctx.case, values["occurred_on"])
    if barred is None:
        return {
            "occurred_on": _(
                "On this date a fine could still be imposed: the decision on remedial "
                "measures without a fine is only for a case past the period to decide or "
                "the limitation."
            )
        }
    if values.get("no_fine_reason") and values["no_fine_reason"] != barred[0]:
        return {"no_fine_reason": barred[1]}
    return {}


def initial_no_fine_reason(case: Any, actor: Any) -> str | None:
    from django.utils import timezone

    barred = fine_barred(case, timezone.localdate())
    return barred[0] if barred else None


ONE_MONTH_PERIODS = ("decision_explanation", "decision_verification")


def guard_explanation_extendable(ctx: GuardContext) -> str | None:
    """Art. 66(1) ⚠️: one extension, of the one-month period that runs because the
    violator explains or the facts are verified."""
    rule = ctx.case.deadline_rule
    if rule is None or rule.code not in ONE_MONTH_PERIODS:
        return _(
            "Only the one-month period after an explanation or a verification can be "
            "extended; record the violator's request to explain or order the verification first."
        )
    return None


def guard_verification_not_started(ctx: GuardContext) -> str | None:
    """The one-month period starts once (a second order would not lengthen it)."""
    rule = ctx.case.deadline_rule
    if rule is not None and rule.code in ONE_MONTH_PERIODS + ("decision_extension",):
        return _("The one-month period to decide already runs: the case has it.")
    return None


def validate_extension_in_time(ctx: GuardContext, values: dict[str, Any]) -> dict[str, str]:
    due = ctx.case.stage_deadline
    if due is not None and values["occurred_on"] > due:
        return {
            "occurred_on": _("The period to decide ended on %(due)s: it can no longer be extended.")
            % {"due": _day(due)}
        }
    return {}


def legalisation_window_over(case: Any, day: datetime.date) -> bool:
    due = case.stage_deadline
    return due is None or day > due


def validate_demolition_notice(ctx: GuardContext, values: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    due = ctx.case.stage_deadline
    if values.get("reason") == "window_expired" and not legalisation_window_over(
        ctx.case, values["occurred_on"]
    ):
        errors["reason"] = _(
            "The period to obtain a permit runs until %(due)s: “no permit within the period” "
            "can only be the reason after it ends."
        ) % {"due": _day(due)}
    delivered = values.get("delivered_on")
    if delivered is not None and delivered < values["occurred_on"]:
        errors["delivered_on"] = _(
            "The notice cannot be received before it was sent (%(day)s)."
        ) % {"day": _day(values["occurred_on"])}
    return errors


def refuse_window_expired(case: Any, value: str) -> str | None:
    from django.utils import timezone

    if value == "window_expired" and not legalisation_window_over(case, timezone.localdate()):
        return _(
            "The period to obtain a permit runs until %(due)s: “no permit within the period” "
            "can only be the reason after it ends."
        ) % {"due": _day(case.stage_deadline)}
    return None


def _decision_remedy(ctx: GuardContext) -> str | None:
    decision = ctx.decision
    return decision.data.get("remedy") if decision is not None else None


def guard_remedy_legalise(ctx: GuardContext) -> str | None:
    if not ctx.case.is_legalisable:
        return _(
            "Only violations under Decree 16 Art. 16 clauses 4, 6, 7 and 8 may be legalised; "
            "this case is “%(type)s”."
        ) % {"type": ctx.case.get_violation_type_display()}
    if _decision_remedy(ctx) != Remedy.LEGALISE:
        return _("The sanction decision orders demolition, not legalisation.")
    return None


def guard_remedy_demolish(ctx: GuardContext) -> str | None:
    if _decision_remedy(ctx) != Remedy.DEMOLISH:
        return _("The sanction decision gives a period to legalise, not an order to demolish.")
    return None


def guard_demolition_period_over(ctx: GuardContext) -> str | None:
    # Enforcement answers non-compliance: only once the violator's period has ended.
    due = ctx.case.stage_deadline
    if due is not None and ctx.today <= due:
        return _(
            "The violator has until %(due)s to demolish; enforcement can be decided after that."
        ) % {"due": due.strftime("%d/%m/%Y")}
    return None


def validate_enforcement_date(ctx: GuardContext, values: dict[str, Any]) -> dict[str, str]:
    due = ctx.case.stage_deadline
    if due is not None and values["occurred_on"] <= due:
        return {
            "occurred_on": _(
                "Enforcement can only be decided after the demolition period, which ends on "
                "%(due)s."
            )
            % {"due": due.strftime("%d/%m/%Y")}
        }
    return {}


def refuse_legalisation(case: Any, value: str) -> str | None:
    if value == Remedy.LEGALISE and not case.is_legalisable:
        return _(
            "Only violations under Decree 16 Art. 16 clauses 4, 6, 7 and 8 may be "
            "legalised; order demolition for “%(type)s”."
        ) % {"type": case.get_violation_type_display()}
    return None
