"""Complaints, lawsuits, the suspension of a decision's execution, and preventive measures.

All of it is read from the case's steps (LAW.md §2 "Appeals", "Building
continues after the record"). The periods are rows of the deadline rule
table, every one a configurable default: LAW.md marks the complaint and
lawsuit periods ⚠️ (secondary sources). A complaint or a lawsuit does not
stop the decision: only a recorded suspension decision (MQĐ31) does.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from backend.cases.deadlines import add_period, rule_in_force, work_calendar
from backend.cases.models import DeadlineRuleCode
from backend.cases.workflow.service_records import document_label, effective_service

COMPLAINT_ACTION = "note_complaint"
COMPLAINT_DECISION_ACTION = "decide_complaint"
LAWSUIT_ACTION = "note_lawsuit"
JUDGMENT_ACTION = "record_court_judgment"
SUSPEND_ACTION = "suspend_execution"
LIFT_ACTION = "lift_suspension"
MEASURE_ACTION = "apply_preventive_measure"
REPORT_ACTION = "report_preventive_measure"
RELEASE_ACTION = "release_seized_items"


def _rule_end(case: Any, code: str, start: datetime.date) -> tuple[datetime.date, Any]:
    rule = rule_in_force(code, timezone.localdate(case.detected_at))
    return add_period(start, rule.amount, rule.unit, work_calendar()), rule


@dataclass(frozen=True)
class Window:
    """The period to complain or to sue against one decision, and what it counts from."""

    decision_step_id: int
    decision: str
    counted_from: str  # "receipt" (the decision's effective service) or "issue" (not served)
    start: datetime.date
    end: datetime.date
    basis: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "decision_step": self.decision_step_id,
            "decision": self.decision,
            "counted_from": {"event": self.counted_from, "on": self.start.isoformat()},
            "end": self.end.isoformat(),
            "basis": self.basis,
        }


def window_against(case: Any, steps: list[Any], decision_step_id: Any, code: str) -> Window | None:
    """The window of `code` against the decision, from its receipt (its issue while unserved)."""
    decision = next((s for s in steps if str(s.pk) == str(decision_step_id or "")), None)
    if decision is None:
        return None
    service = effective_service(steps, decision.pk)
    received = service.received_on if service is not None else None
    start = received or decision.occurred_on
    end, rule = _rule_end(case, code, start)
    return Window(
        decision_step_id=decision.pk,
        decision=document_label(decision),
        counted_from="receipt" if received else "issue",
        start=start,
        end=end,
        basis=rule.basis,
    )


@dataclass(frozen=True)
class Complaint:
    step_id: int
    received_on: datetime.date
    complainant: str
    complex: bool
    window: Window | None
    decide_by: datetime.date
    decide_basis: str
    decision: dict[str, Any] | None

    @property
    def in_time(self) -> bool | None:
        return None if self.window is None else self.received_on <= self.window.end

    def as_dict(self) -> dict[str, Any]:
        return {
            "step_id": self.step_id,
            "received_on": self.received_on.isoformat(),
            "complainant": self.complainant,
            "complex": self.complex,
            "window": self.window.as_dict() if self.window else None,
            "in_time": self.in_time,
            "decide_by": self.decide_by.isoformat(),
            "decide_basis": self.decide_basis,
            "decision": self.decision,
            "open": self.decision is None,
        }


@dataclass(frozen=True)
class Lawsuit:
    step_id: int
    filed_on: datetime.date
    court: str
    window: Window | None
    judgment: dict[str, Any] | None

    @property
    def in_time(self) -> bool | None:
        return None if self.window is None else self.filed_on <= self.window.end

    def as_dict(self) -> dict[str, Any]:
        return {
            "step_id": self.step_id,
            "filed_on": self.filed_on.isoformat(),
            "court": self.court,
            "window": self.window.as_dict() if self.window else None,
            "in_time": self.in_time,
            "judgment": self.judgment,
            "open": self.judgment is None,
        }


def _at(day: datetime.date, hhmm: str) -> datetime.datetime:
    hour, minute = (int(p) for p in (hhmm or "00:00").split(":"))
    return datetime.datetime.combine(day, datetime.time(hour, minute))


@dataclass(frozen=True)
class PreventiveMeasure:
    """A seizure or a sealing (D118 Art. 12(3)(a)) and its report to the head (LXLVPHC Art. 125(4))."""

    step_id: int
    kind: str
    items: str
    taken_at: datetime.datetime  # local wall-clock time, as the record states it
    report_due_at: datetime.datetime
    report_basis: str
    reported_at: datetime.datetime | None
    released: dict[str, Any] | None

    @property
    def report_on_time(self) -> bool | None:
        return None if self.reported_at is None else self.reported_at <= self.report_due_at

    def as_dict(self) -> dict[str, Any]:
        return {
            "step_id": self.step_id,
            "kind": self.kind,
            "items": self.items,
            "taken_at": self.taken_at.isoformat(timespec="minutes"),
            "report_due_at": self.report_due_at.isoformat(timespec="minutes"),
            "report_basis": self.report_basis,
            "reported_at": (
                self.reported_at.isoformat(timespec="minutes") if self.reported_at else None
            ),
            "report_on_time": self.report_on_time,
            "released": self.released,
        }


def report_due(case: Any, taken_at: datetime.datetime) -> tuple[datetime.datetime, Any]:
    """24 hours from the measure (LXLVPHC Art. 125(4), LAW.md §2 ✅), clock to clock.

    The rule row counts it as 1 calendar day, read as that many times 24
    hours from the time of the measure: a period in hours runs through rest
    days (no Civil Code roll-over, which is for periods in days).
    """
    rule = rule_in_force(DeadlineRuleCode.PREVENTIVE_REPORT, timezone.localdate(case.detected_at))
    return taken_at + datetime.timedelta(days=rule.amount), rule


@dataclass
class AppealsStatus:
    complaints: list[Complaint] = field(default_factory=list)
    lawsuits: list[Lawsuit] = field(default_factory=list)
    suspension: dict[str, Any] | None = None  # the suspension decision in force
    measures: list[PreventiveMeasure] = field(default_factory=list)

    @property
    def open_complaints(self) -> list[Complaint]:
        return [c for c in self.complaints if c.decision is None]

    @property
    def open_lawsuits(self) -> list[Lawsuit]:
        return [s for s in self.lawsuits if s.judgment is None]

    @property
    def unreported_measures(self) -> list[PreventiveMeasure]:
        return [m for m in self.measures if m.reported_at is None]

    @property
    def unreleased_measures(self) -> list[PreventiveMeasure]:
        return [m for m in self.measures if m.released is None]

    def is_empty(self) -> bool:
        return not (self.complaints or self.lawsuits or self.suspension or self.measures)

    def as_dict(self) -> dict[str, Any]:
        return {
            "complaints": [c.as_dict() for c in self.complaints],
            "lawsuits": [s.as_dict() for s in self.lawsuits],
            "open_complaints": len(self.open_complaints),
            "open_lawsuits": len(self.open_lawsuits),
            "execution_suspended": self.suspension is not None,
            "suspension": self.suspension,
            "preventive_measures": [m.as_dict() for m in self.measures],
        }


def _answered(steps: list[Any], action: str, key: str) -> dict[str, Any]:
    """The later steps answering an earlier one (by its id in `key`), the last one counting."""
    return {str(s.data.get(key)): s for s in steps if s.action == action}


def appeals_status(case: Any, steps: list[Any]) -> AppealsStatus:
    status = AppealsStatus()
    decisions = _answered(steps, COMPLAINT_DECISION_ACTION, "complaint_step")
    judgments = _answered(steps, JUDGMENT_ACTION, "lawsuit_step")
    reports = _answered(steps, REPORT_ACTION, "measure_step")
    releases = _answered(steps, RELEASE_ACTION, "measure_step")
    for step in steps:
        data = step.data or {}
        if step.action == COMPLAINT_ACTION:
            complex_ = bool(data.get("complex"))
            code = (
                DeadlineRuleCode.COMPLAINT_DECISION_COMPLEX
                if complex_
                else DeadlineRuleCode.COMPLAINT_DECISION
            )
            decide_by, rule = _rule_end(case, code, step.occurred_on)
            answer = decisions.get(str(step.pk))
            status.complaints.append(
                Complaint(
                    step_id=step.pk,
                    received_on=step.occurred_on,
                    complainant=str(data.get("complainant") or ""),
                    complex=complex_,
                    window=window_against(
                        case, steps, data.get("decision_step"), DeadlineRuleCode.COMPLAINT_WINDOW
                    ),
                    decide_by=decide_by,
                    decide_basis=rule.basis,
                    decision=_decision(answer),
                )
            )
        elif step.action == LAWSUIT_ACTION:
            judgment = judgments.get(str(step.pk))
            status.lawsuits.append(
                Lawsuit(
                    step_id=step.pk,
                    filed_on=step.occurred_on,
                    court=str(data.get("court") or ""),
                    window=window_against(
                        case, steps, data.get("decision_step"), DeadlineRuleCode.LAWSUIT_WINDOW
                    ),
                    judgment=_decision(judgment),
                )
            )
        elif step.action == SUSPEND_ACTION:
            status.suspension = {
                "step_id": step.pk,
                "on": step.occurred_on.isoformat(),
                "decision_number": str(data.get("decision_number") or ""),
                "reason": str(data.get("reason") or ""),
            }
        elif step.action == LIFT_ACTION:
            status.suspension = None
        elif step.action == MEASURE_ACTION:
            taken_at = _at(step.occurred_on, str(data.get("taken_at") or ""))
            due_at, rule = report_due(case, taken_at)
            report = reports.get(str(step.pk))
            status.measures.append(
                PreventiveMeasure(
                    step_id=step.pk,
                    kind=str(data.get("measure") or ""),
                    items=str(data.get("items") or ""),
                    taken_at=taken_at,
                    report_due_at=due_at,
                    report_basis=rule.basis,
                    reported_at=(
                        _at(report.occurred_on, str(report.data.get("reported_at") or ""))
                        if report is not None
                        else None
                    ),
                    released=_decision(releases.get(str(step.pk))),
                )
            )
    return status


def _decision(step: Any) -> dict[str, Any] | None:
    if step is None:
        return None
    data = step.data or {}
    return {
        "step_id": step.pk,
        "on": step.occurred_on.isoformat(),
        **{
            k: data[k]
            for k in ("outcome", "decision_number", "result", "items_returned")
            if k in data
        },
    }


def case_appeals(case: Any) -> AppealsStatus:
    return appeals_status(case, list(case.steps.order_by("occurred_on", "id")))
