"""A sanction decision's fine: what is owed, by when, what was paid, and the late interest.

Read from the case's steps, never stored twice: the decision and its fine,
the decision's effective service (the payment period runs from receipt,
LXLVPHC Art. 73 ⚠️), the payment receipts, the decisions on a request to
postpone or to pay in instalments (Art. 76–77 ⚠️), the enforcement of an
unpaid fine (Decree 296/2025 ⚠️) and the 1-year limit on executing the
decision (Art. 74(1) ⚠️). Every number is a versioned rule row
(backend.cases.deadlines); amounts are whole đồng.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from backend.cases.deadlines import (
    WorkCalendar,
    add_period,
    rate_in_force,
    rule_in_force,
    work_calendar,
)
from backend.cases.models import Outcome
from backend.cases.workflow.choices import FineRelief
from backend.cases.workflow.guards import DECISION_ACTIONS
from backend.cases.workflow.service_records import effective_service

PAYMENT_ACTION = "record_fine_payment"
RELIEF_REQUEST_ACTION = "request_fine_relief"
RELIEF_DECISION_ACTION = "decide_fine_relief"
ENFORCEMENT_ACTION = "enforce_fine"
# How early the page warns that the limit for executing the decision is near:
# a choice of this system, not a legal number.
EXECUTION_LIMIT_WARNING_DAYS = 30


def decision_fine_total(decision: Any) -> int:
    """The total fine a decision step imposes, in đồng (0: none).

    The one reader of a decision's fine: a decision with one fine records
    `fine_amount`; one with a fine per violation records `fines` (each with
    an `amount`) and their `fine_total`.
    """
    data = (decision.data or {}) if decision is not None else {}
    if data.get("fine_total") not in (None, ""):
        return int(data["fine_total"])
    fines = data.get("fines")
    if isinstance(fines, list) and fines:
        return sum(int(f.get("amount") or 0) for f in fines if isinstance(f, dict))
    return int(data.get("fine_amount") or 0)


def vnd(amount: int) -> str:
    """An amount as Vietnamese write it: 1.500.000 đ."""
    return f"{amount:,}".replace(",", ".") + " đ"


@dataclass(frozen=True)
class Instalment:
    due: datetime.date
    amount: int

    def as_dict(self) -> dict[str, Any]:
        return {"due": self.due.isoformat(), "amount": self.amount}


_SCHEDULE_LINE = re.compile(
    r"^\s*([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})\s*[:–-]?\s*"
    r"([0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)\s*(?:đ|đồng|vnd)?\s*$",
    re.IGNORECASE,
)


def parse_schedule(text: str) -> list[Instalment]:
    """Instalments written one a line, "dd/mm/yyyy 1.500.000"; ValueError naming the bad line."""
    out: list[Instalment] = []
    for number, line in enumerate(str(text or "").replace(";", "\n").splitlines(), start=1):
        if not line.strip():
            continue
        match = _SCHEDULE_LINE.match(line)
        day = None
        if match:
            try:
                day = datetime.date(int(match[3]), int(match[2]), int(match[1]))
            except ValueError:
                day = None
        if match is None or day is None:
            raise ValueError(
                _(
                    "Line %(line)d: write each instalment as its date and amount, for example "
                    "“15/03/2026 2.000.000”."
                )
                % {"line": number}
            )
        amount = int(match[4].replace(".", ""))
        if amount <= 0:
            raise ValueError(_("Line %(line)d: the amount must be more than 0.") % {"line": number})
        if out and day <= out[-1].due:
            raise ValueError(
                _("Line %(line)d: each instalment must fall after the one before.")
                % {"line": number}
            )
        out.append(Instalment(day, amount))
    if not out:
        raise ValueError(_("Enter at least one instalment."))
    return out


@dataclass(frozen=True)
class Payment:
    paid_on: datetime.date
    amount: int
    interest_paid: int
    receipt_number: str
    place_paid: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "paid_on": self.paid_on.isoformat(),
            "amount": self.amount,
            "interest_paid": self.interest_paid,
            "receipt_number": self.receipt_number,
            "place_paid": self.place_paid,
        }


def overdue_amount(schedule: list[Instalment], payments: list[Payment], day: datetime.date) -> int:
    """What was due before `day` and not paid before it: the amount `day` is late on."""
    due = sum(i.amount for i in schedule if i.due < day)
    paid = sum(p.amount for p in payments if p.paid_on < day)
    return max(0, due - paid)


def late_interest(
    schedule: list[Instalment],
    payments: list[Payment],
    parts_per_million: int,
    through: datetime.date,
) -> int:
    """Interest on every day from the day after a due date through `through` (Art. 78 ⚠️).

    Each late day adds the rate times the fine due and still unpaid that day;
    a payment on day d ends the interest with day d. Rounded to the nearest
    đồng (half up) once, on the total.
    """
    if not schedule:
        return 0
    total = Fraction(0)
    day = schedule[0].due + datetime.timedelta(days=1)
    while day <= through:
        total += Fraction(overdue_amount(schedule, payments, day) * parts_per_million, 1_000_000)
        day += datetime.timedelta(days=1)
    return int(total + Fraction(1, 2))


def late_days(schedule: list[Instalment], payments: list[Payment], through: datetime.date) -> int:
    """Days the oldest unpaid part of the fine is late by on `through` (0: nothing late)."""
    paid = sum(p.amount for p in payments if p.paid_on <= through)
    owed = 0
    for instalment in schedule:
        owed += instalment.amount
        if owed > paid:
            return max(0, (through - instalment.due).days)
    return 0


@dataclass(frozen=True)
class FineStatus:
    """A case's fine as the page and the API show it on `today`."""

    amount: int
    decision_step_id: int
    decided_on: datetime.date
    received_on: datetime.date | None
    service: dict[str, Any] | None
    schedule: list[Instalment]
    due_basis: str
    payments: list[Payment]
    paid: int
    outstanding: int
    days_late: int
    interest_rate_ppm: int
    interest_basis: str
    interest_accrued: int
    interest_paid: int
    relief_pending: dict[str, Any] | None
    relief_decisions: list[dict[str, Any]]
    enforcement: dict[str, Any] | None
    enforcement_due: datetime.date | None
    enforcement_basis: str
    execution_limit: datetime.date
    execution_limit_basis: str
    today: datetime.date
    notes: list[str] = field(default_factory=list)

    @property
    def interest_outstanding(self) -> int:
        return max(0, self.interest_accrued - self.interest_paid)

    @property
    def is_paid(self) -> bool:
        return self.outstanding == 0 and self.interest_outstanding == 0

    @property
    def due(self) -> datetime.date | None:
        """The next date something must be paid by (the last one once all are past)."""
        if not self.schedule:
            return None
        owed = 0
        for instalment in self.schedule:
            owed += instalment.amount
            if owed > self.paid:
                return instalment.due
        return self.schedule[-1].due

    @property
    def state(self) -> str:
        if self.is_paid:
            return "paid"
        if self.enforcement is not None:
            return "enforcement"
        if self.received_on is None and not self.relief_decisions:
            return "awaiting_service"
        if self.days_late > 0:
            return "overdue"
        return "due"

    @property
    def execution_days_left(self) -> int:
        return (self.execution_limit - self.today).days

    @property
    def execution_warning(self) -> bool:
        return not self.is_paid and self.execution_days_left <= EXECUTION_LIMIT_WARNING_DAYS

    def as_dict(self) -> dict[str, Any]:
        return {
            "amount": self.amount,
            "amount_display": vnd(self.amount),
            "state": self.state,
            "decided_on": self.decided_on.isoformat(),
            "received_on": self.received_on.isoformat() if self.received_on else None,
            "service": self.service,
            "due": self.due.isoformat() if self.due else None,
            "due_counted_from": (
                {"event": "receipt", "on": self.received_on.isoformat()}
                if self.received_on and not self.relief_decisions
                else None
            ),
            "due_basis": self.due_basis,
            "schedule": [i.as_dict() for i in self.schedule],
            "payments": [p.as_dict() for p in self.payments],
            "paid": self.paid,
            "outstanding": self.outstanding,
            "outstanding_display": vnd(self.outstanding),
            "days_late": self.days_late,
            "interest_rate_percent_per_day": f"{self.interest_rate_ppm / 10_000:g}",
            "interest_basis": self.interest_basis,
            "interest_accrued": self.interest_accrued,
            "interest_paid": self.interest_paid,
            "interest_outstanding": self.interest_outstanding,
            "interest_outstanding_display": vnd(self.interest_outstanding),
            "relief_pending": self.relief_pending,
            "relief_decisions": self.relief_decisions,
            "enforcement": self.enforcement,
            "enforcement_due": self.enforcement_due.isoformat() if self.enforcement_due else None,
            "enforcement_basis": self.enforcement_basis,
            "execution_limit": self.execution_limit.isoformat(),
            "execution_limit_basis": self.execution_limit_basis,
            "execution_days_left": self.execution_days_left,
            "execution_warning": self.execution_warning,
        }


def _payments(steps: list[Any]) -> list[Payment]:
    return [
        Payment(
            paid_on=s.occurred_on,
            amount=int(s.data.get("amount") or 0),
            interest_paid=int(s.data.get("interest_paid") or 0),
            receipt_number=str(s.data.get("receipt_number") or ""),
            place_paid=str(s.data.get("place_paid") or ""),
        )
        for s in steps
        if s.action == PAYMENT_ACTION
    ]


@dataclass(frozen=True)
class _Granted:
    step: Any
    kind: str


def _relief(
    steps: list[Any],
) -> tuple[dict[str, Any] | None, list[dict[str, Any]], _Granted | None]:
    """The request awaiting a decision, every decision taken, and the last one granted."""
    pending: dict[str, Any] | None = None
    decisions: list[dict[str, Any]] = []
    granted: _Granted | None = None
    for s in steps:
        if s.action == RELIEF_REQUEST_ACTION:
            pending = {"kind": s.data.get("relief"), "requested_on": s.occurred_on.isoformat()}
        elif s.action == RELIEF_DECISION_ACTION and pending is not None:
            kind = str(pending.get("kind") or "")
            plan = (
                parse_schedule(s.data["instalments"])
                if kind == FineRelief.INSTALMENTS and s.data.get("instalments")
                else []
            )
            decisions.append(
                {
                    "kind": kind,
                    "outcome": s.data.get("outcome"),
                    "decided_on": s.occurred_on.isoformat(),
                    "number": s.data.get("decision_number") or "",
                    "new_due_date": s.data.get("new_due_date"),
                    "instalments": [i.as_dict() for i in plan],
                }
            )
            pending = None
            if s.data.get("outcome") == "granted":
                granted = _Granted(s, kind)
    return pending, decisions, granted


def _schedule(
    granted: _Granted | None, payments: list[Payment], base: list[Instalment], total: int
) -> list[Instalment]:
    """The payment dates in force: the decision's period, or the relief granted on it.

    A granted postponement or instalment plan replaces the dates from its start;
    what was paid before it counts as due on the day it was granted.
    """
    if granted is None:
        return base
    decided_on = granted.step.occurred_on
    paid_before = sum(p.amount for p in payments if p.paid_on <= decided_on)
    prefix = [Instalment(decided_on, paid_before)] if paid_before else []
    if granted.kind == FineRelief.POSTPONEMENT:
        new_due = datetime.date.fromisoformat(granted.step.data["new_due_date"])
        return [*prefix, Instalment(new_due, total - paid_before)]
    return [*prefix, *parse_schedule(granted.step.data.get("instalments") or "")]


def fine_status(
    case: Any,
    steps: list[Any],
    today: datetime.date | None = None,
    calendar: WorkCalendar | None = None,
) -> FineStatus | None:
    """The fine of the case's latest sanction decision on `today`; None when there is none."""
    if case.outcome in (Outcome.CANCELLED, Outcome.TRANSFERRED):
        return None
    decision = next((s for s in reversed(steps) if s.action in DECISION_ACTIONS), None)
    total = decision_fine_total(decision)
    if decision is None or total <= 0:
        return None
    today = today or timezone.localdate()
    detected_on = timezone.localdate(case.detected_at)
    cal = calendar if calendar is not None else work_calendar()
    later = [s for s in steps if (s.occurred_on, s.pk) >= (decision.occurred_on, decision.pk)]
    service = effective_service(later, decision.pk)
    received = service.received_on if service else None
    pay_rule = rule_in_force("pay_fine", detected_on)
    base = (
        [Instalment(add_period(received, pay_rule.amount, pay_rule.unit, cal), total)]
        if received
        else []
    )
    payments = _payments(later)
    pending, decisions, granted = _relief(later)
    schedule = _schedule(granted, payments, base, total)
    paid = sum(p.amount for p in payments)
    rate = rate_in_force("late_payment_interest", detected_on)
    last_payment = max((p.paid_on for p in payments), default=None)
    interest_through = last_payment if paid >= total and last_payment else today
    enforcement_step = next((s for s in reversed(later) if s.action == ENFORCEMENT_ACTION), None)
    enforcement_rule = rule_in_force("fine_enforcement", detected_on)
    first_due = schedule[0].due if schedule else None
    limit_rule = rule_in_force("execution_limit", detected_on)
    return FineStatus(
        amount=total,
        decision_step_id=decision.pk,
        decided_on=decision.occurred_on,
        received_on=received,
        service=service.as_dict() if service else None,
        schedule=schedule,
        due_basis=pay_rule.basis,
        payments=payments,
        paid=paid,
        outstanding=max(0, total - paid),
        days_late=late_days(schedule, payments, today),
        interest_rate_ppm=rate.parts_per_million,
        interest_basis=rate.basis,
        interest_accrued=late_interest(
            schedule, payments, rate.parts_per_million, interest_through
        ),
        interest_paid=sum(p.interest_paid for p in payments),
        relief_pending=pending,
        relief_decisions=decisions,
        enforcement=(
            {
                "decided_on": enforcement_step.occurred_on.isoformat(),
                "number": enforcement_step.data.get("decision_number") or "",
                "measure": enforcement_step.data.get("measure") or "",
            }
            if enforcement_step
            else None
        ),
        enforcement_due=(
            add_period(first_due, enforcement_rule.amount, enforcement_rule.unit, cal)
            if first_due
            else None
        ),
        enforcement_basis=enforcement_rule.basis,
        execution_limit=add_period(decision.occurred_on, limit_rule.amount, limit_rule.unit, cal),
        execution_limit_basis=limit_rule.basis,
        today=today,
    )
