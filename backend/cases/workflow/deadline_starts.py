"""Which deadline an action starts, and from which date it is counted.

The rules themselves (the number of days, working or calendar, and their
legal basis) are rows of the deadline rule table; backend.cases.deadlines
counts them against the holiday calendar.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from backend.cases.deadlines import Deadline, add_period, work_calendar
from backend.cases.models import DeadlineRuleCode
from backend.cases.workflow.guards import GuardContext
from backend.cases.workflow.service_records import received_on
from backend.permits.models import WorksClass


@dataclass(frozen=True)
class DeadlineStart:
    """The deadline an action starts: which rule, counted from which date.

    anchor: "act" (this step's legal date), "record" (the violation record),
    "decision" (the sanction decision's issue date, Decree 16 Art. 81),
    "deadline" (the end of the period running now: an extension), or
    "field:<name>" (a date the step records, e.g. the notice's postmark), or
    "receipt" (the day the violator received the document this step serves:
    workflow/service_records.received_on).
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
# The action re-serves a document: a running deadline counted from that document's
# receipt is counted again from the new receipt; any other deadline is kept.
RECOUNT = "recount"

# The event each anchor names, as the case page and the API show it (LAW.md §1–2:
# the legalisation window runs from issuance, most other periods from receipt).
ANCHOR_EVENTS = {"act": "act", "record": "record", "decision": "issue", "receipt": "receipt"}


def recounted_deadline(case: Any, values: dict[str, Any]) -> Deadline | None:
    """The running deadline counted again from a new receipt of its document (None: kept).

    Only a deadline counted from the receipt of the document served now, and
    only when this service reached the violator (the latest effective one counts).
    """
    start = dict(case.stage_deadline_start or {})
    new_receipt = received_on(values)
    if (
        new_receipt is None
        or case.deadline_rule is None
        or start.get("event") != "receipt"
        or str(start.get("document_step")) != str(values.get("document_step"))
    ):
        return None
    amount, unit = int(start["amount"]), str(start["unit"])
    start.update(on=new_receipt.isoformat(), method=values.get("method"))
    return Deadline(
        due=add_period(new_receipt, amount, unit, work_calendar()),
        rule=case.deadline_rule,
        amount=amount,
        unit=unit,
        start=start,
    )
