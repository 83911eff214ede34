"""Reads of cases, all through the access rules."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.utils import timezone

from backend.accounts.selectors import Viewer, restrict_to_user_wards, ward_ids_of
from backend.audit.models import CaseEvent

# The catalogue and the fine rules, for other apps and the demo (backend.cases.fines).
from backend.cases.appeals import case_appeals as case_appeals

# The working-day calendar, for other apps' schedules (backend.sites).
from backend.cases.deadlines import WorkCalendar as WorkCalendar
from backend.cases.deadlines import add_period as add_period
from backend.cases.deadlines import calendar_seeded_until
from backend.cases.deadlines import deadline_from as deadline_from
from backend.cases.deadlines import work_calendar as work_calendar
from backend.cases.fine_payment import FineStatus, fine_status
from backend.cases.fines import case_fines as case_fines
from backend.cases.fines import clause_in_force as clause_in_force
from backend.cases.fines import clauses_in_force as clauses_in_force
from backend.cases.models import OPEN_STAGES, CaseStep, DocumentType, ViolationCase
from backend.cases.workflow.action import Action
from backend.cases.workflow.guards import GuardContext

# Other apps read the workflow table through this module: the earliest date
# a record may carry (their filters offer no earlier year).
from backend.cases.workflow.roles import role_refusal
from backend.cases.workflow.table import (
    ACTIONS,
    actions_from,
)


def cases_visible_to(user: Viewer) -> QuerySet[ViolationCase]:
    """Every case list, detail, tile, export and download starts here."""
    qs = ViolationCase.objects.select_related(
        "ward", "permit", "assigned_inspector", "opened_by", "deadline_rule", "parent"
    )
    return restrict_to_user_wards(qs, user)


def case_steps_visible_to(user: Viewer) -> QuerySet[CaseStep]:
    """Workflow steps of the cases this user may see (cases_visible_to)."""
    return CaseStep.objects.filter(case__in=cases_visible_to(user).values("pk"))


def overdue_q(today: datetime.date) -> Q:
    """The one definition of "overdue" (shared contract 3): an open stage whose
    deadline is before `today`, the local date in Asia/Ho_Chi_Minh. Lists,
    tiles, the dashboard and the deadline scan all filter with it. A case whose
    decision's execution is suspended (MQĐ31) is not overdue meanwhile."""
    return Q(stage__in=sorted(OPEN_STAGES), stage_deadline__lt=today, execution_suspended=False)


def overdue_flag(today: datetime.date) -> Case:
    """overdue_q as a boolean column, for statements that select the flag
    (exports, the dashboard's map, the map's tiles)."""
    return Case(
        When(overdue_q(today), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def case_is_overdue(case: ViolationCase, today: datetime.date) -> bool:
    """overdue_q for one case already in memory (a page showing it).

    tests/cases/test_overdue.py holds it to overdue_q for every stage.
    """
    return (
        case.stage in OPEN_STAGES
        and case.stage_deadline is not None
        and case.stage_deadline < today
    )


def cases_overdue(today: datetime.date | None = None) -> QuerySet[ViolationCase]:
    """Open cases whose stage deadline has passed (shared contract 3), for every ward.

    Only for system jobs (the deadline scan); pages filter cases_visible_to.
    """
    today = today or timezone.localdate()
    return ViolationCase.objects.filter(overdue_q(today))


@dataclass(frozen=True)
class DeadlineView:
    """A case's current deadline as pages and the API show it."""

    due: datetime.date
    rule_code: str
    rule_label: str
    basis: str
    days_left: int  # negative when overdue
    # Where the holiday table ends: past it, the count saw weekends only.
    calendar_until: datetime.date | None = None
    # What the period counts from, as the law names it (ViolationCase.stage_deadline_start).
    counted_from: dict[str, Any] | None = None

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def beyond_calendar(self) -> bool:
        return self.calendar_until is not None and self.due > self.calendar_until

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days_left)

    def as_dict(self) -> dict[str, Any]:
        return {
            "due": self.due.isoformat(),
            "rule": self.rule_code,
            "rule_label": self.rule_label,
            "basis": self.basis,
            "days_left": max(0, self.days_left),
            "days_overdue": self.days_overdue,
            "overdue": self.overdue,
            "beyond_calendar": self.beyond_calendar,
            "calendar_until": self.calendar_until.isoformat() if self.calendar_until else None,
            "counted_from": self.counted_from,
        }


def case_deadline(
    case: ViolationCase,
    today: datetime.date | None = None,
    calendar_until: datetime.date | None = None,
) -> DeadlineView | None:
    """The case's deadline as shown; `calendar_until` (read once per request by the
    caller, else here) says whether the count ran past the holiday table."""
    if case.stage not in OPEN_STAGES or case.stage_deadline is None:
        return None
    today = today or timezone.localdate()
    rule = case.deadline_rule
    return DeadlineView(
        due=case.stage_deadline,
        rule_code=rule.code if rule else "",
        rule_label=str(rule.get_code_display()) if rule else "",
        basis=rule.basis if rule else "",
        days_left=(case.stage_deadline - today).days,
        calendar_until=calendar_until or calendar_seeded_until(),
        counted_from=_counted_from(case.stage_deadline_start),
    )


def open_deadlines_beyond_calendar() -> tuple[datetime.date, int]:
    """Where the holiday table ends, and how many open cases have a deadline past it."""
    until = calendar_seeded_until()
    count = ViolationCase.objects.filter(
        stage__in=sorted(OPEN_STAGES), stage_deadline__gt=until
    ).count()
    return until, count


def _counted_from(start: dict[str, Any] | None) -> dict[str, Any] | None:
    """The event and day a deadline counts from, as the page and the API show them."""
    if not start or not start.get("on"):
        return None
    shown = {"event": start.get("event", "act"), "on": start["on"]}
    if start.get("method"):
        shown["method"] = start["method"]
    return shown


def case_fine(case: ViolationCase, today: datetime.date | None = None) -> FineStatus | None:
    """The case's fine on `today`: owed, due, paid, late interest, limits (None: no fine)."""
    steps = list(case.steps.order_by("occurred_on", "id"))
    return fine_status(case, steps, today or timezone.localdate())


@dataclass(frozen=True)
class AvailableActions:
    available: list[Action]
    blocked: list[tuple[Action, str]]  # allowed for this user and stage, but a guard says not yet


def case_actions_for(
    user: Viewer, case: ViolationCase, today: datetime.date | None = None
) -> AvailableActions:
    """What this user may do on this case now (the forms the case page shows)."""
    if case.ward_id not in ward_ids_of(user):
        return AvailableActions([], [])
    candidates = [a for a in actions_from(case.stage) if role_refusal(user, a) is None]
    if not candidates:
        return AvailableActions([], [])
    ctx = GuardContext(
        case=case,
        steps=list(case.steps.order_by("occurred_on", "id")),
        today=today or timezone.localdate(),
    )
    available: list[Action] = []
    blocked: list[tuple[Action, str]] = []
    for spec in candidates:
        reason = spec.guard(ctx) if spec.guard else None
        if reason and not spec.answers_earlier_step:
            blocked.append((spec, reason))
        elif reason:
            continue  # nothing to answer yet: not offered, not listed
        else:
            available.append(spec)
    return AvailableActions(available, blocked)


def case_steps(case: ViolationCase) -> QuerySet[CaseStep]:
    return case.steps.select_related("actor").order_by("occurred_on", "id")


def case_history(case: ViolationCase) -> QuerySet[CaseEvent]:
    return CaseEvent.objects.filter(case=case).select_related("actor").order_by("at", "id")


def case_document_step(case: ViolationCase, document_type: str) -> CaseStep | None:
    """The latest step that issued a document of this type for the case."""
    if document_type not in DocumentType.values:
        return None
    return (
        case.steps.filter(document_type=document_type)
        .select_related("actor")
        .order_by("-occurred_on", "-id")
        .first()
    )


def action_label(code: str) -> str:
    spec = ACTIONS.get(code)
    return str(spec.label) if spec else code


# Who may import a ward's case register (backend.cases.importing).
from backend.cases.selectors.imports import may_import_cases as may_import_cases  # noqa: E402
from backend.cases.selectors.imports import (  # noqa: E402
    wards_for_case_import as wards_for_case_import,
)
