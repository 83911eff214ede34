"""Which deadline an action starts, and from which date it is counted.

The rules themselves (the number of days, working or calendar, and their
legal basis) are rows of the deadline rule table; backend.cases.deadlines
counts them against the holiday calendar.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from backend.cases.models import DeadlineRuleCode
from backend.cases.workflow.guards import GuardContext
from backend.permits.models import WorksClass


@dataclass(frozen=True)
class DeadlineStart:
    """The deadline an action starts: which rule, counted from which date.

    anchor: "act" (this step's legal date), "record" (the violation record),
    "decision" (the sanction decision's issue date, Decree 16 Art. 81),
    "deadline" (the end of the period running now: an extension), or
    "field:<name>" (a date the step records, e.g. the notice's postmark).
    """

    rule: str | Callable[[Any], str]
    anchor: str = "act"
    # The period a decision itself set (calendar days) replaces the default.
    override_days: Callable[[GuardContext, dict[str, Any]], int | None] | None = None

    def rule_code(self, case: Any) -> str:
        return self.rule(case) if callable(self.rule) else self.rule


def legalise_rule(case: Any) -> str:
    if case.works_class == WorksClass.INDIVIDUAL_HOUSE:
        return DeadlineRuleCode.LEGALISE_HOUSE
    return DeadlineRuleCode.LEGALISE_PROJECT


def decision_demolition_days(ctx: GuardContext, values: dict[str, Any]) -> int | None:
    decision = ctx.decision
    days = decision.data.get("remedy_days") if decision is not None else None
    return int(days) if days else None


KEEP = "keep"  # the action leaves the current deadline running (complaints: Art. 15 Law 2011)
