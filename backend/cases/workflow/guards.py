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

# The steps that are a sanction decision: the ward's own, or the competent
# authority's after a transfer.
DECISION_ACTIONS = ("issue_sanction_decision", "receive_decision")


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
