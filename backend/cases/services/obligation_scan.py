"""What the deadline scan also watches besides the stage deadlines: fines left
unpaid past their due date or near the one-year limit on executing the
decision, and preventive measures not reported within 24 hours.

None of these moves the case (the stage deadline does), so they change
nothing in it and leave no case event: they are notices to the ward's
leaders and the assigned inspector, each once per event (its key).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from backend.cases.appeals import appeals_status
from backend.cases.deadlines import work_calendar
from backend.cases.fine_payment import fine_status, vnd
from backend.cases.models import CaseStep, Outcome, ViolationCase
from backend.cases.workflow.guards import DECISION_ACTIONS
from backend.notifications.models import NotificationKind
from backend.notifications.services import NewNotification

# Who hears of a case: the ward's leaders and its assigned inspector while in the ward.
Audience = Callable[[ViolationCase], list[int]]


def _with_steps(cases: Any) -> Any:
    ordered = CaseStep.objects.order_by("occurred_on", "id")
    return cases.select_related("ward").prefetch_related(Prefetch("steps", queryset=ordered))


def _params(case: ViolationCase, **extra: Any) -> dict[str, Any]:
    return {
        "case_code": case.code,
        "ward": case.ward.name,
        "url": reverse("case_detail", kwargs={"pk": case.pk}),
        **extra,
    }


def _to(
    audience: list[int], case: ViolationCase, kind: str, key: str, params: dict[str, Any]
) -> list[NewNotification]:
    return [
        {"recipient_id": user_id, "case_id": case.pk, "kind": kind, "key": key, "params": params}
        for user_id in audience
    ]


def fine_notices(today: datetime.date, audience: Audience) -> list[NewNotification]:
    """Fines unpaid past their due date (LXLVPHC Art. 73, 78: 10 days from receipt)
    and decisions nearing the one-year limit on their execution (Art. 74)."""
    fined = (
        ViolationCase.objects.filter(steps__action__in=DECISION_ACTIONS)
        .exclude(outcome__in=[Outcome.CANCELLED, Outcome.TRANSFERRED])
        .distinct()
        .order_by("id")
    )
    calendar = work_calendar()
    items: list[NewNotification] = []
    for case in _with_steps(fined):
        status = fine_status(case, list(case.steps.all()), today, calendar)
        if status is None or status.is_paid:
            continue
        people = audience(case)
        if status.state == "overdue" and status.due is not None:
            params = _params(
                case,
                due_display=status.due.strftime("%d/%m/%Y"),
                amount_display=vnd(status.outstanding),
                days_late=status.days_late,
            )
            key = f"fine-overdue:{case.pk}:{status.decision_step_id}:{status.due.isoformat()}"
            items += _to(people, case, NotificationKind.FINE_OVERDUE, key, params)
        if status.execution_warning:
            params = _params(
                case,
                limit_display=status.execution_limit.strftime("%d/%m/%Y"),
                amount_display=vnd(status.outstanding),
            )
            key = f"fine-limit:{case.pk}:{status.decision_step_id}"
            items += _to(people, case, NotificationKind.FINE_EXECUTION_LIMIT, key, params)
    return items


def preventive_report_notices(now: datetime.datetime, audience: Audience) -> list[NewNotification]:
    """Seizures and sealings whose report to the head is late (LXLVPHC Art. 125(4): 24 h)."""
    # The measures' times are the local wall-clock times the records state.
    local_now = timezone.localtime(now).replace(tzinfo=None)
    measured = (
        ViolationCase.objects.filter(steps__action="apply_preventive_measure")
        .distinct()
        .order_by("id")
    )
    items: list[NewNotification] = []
    for case in _with_steps(measured):
        late = [
            m
            for m in appeals_status(case, list(case.steps.all())).unreported_measures
            if m.report_due_at < local_now
        ]
        for measure in late:
            params = _params(
                case,
                taken_display=measure.taken_at.strftime("%H:%M %d/%m/%Y"),
                due_display=measure.report_due_at.strftime("%H:%M %d/%m/%Y"),
            )
            key = f"preventive-report:{measure.step_id}"
            items += _to(
                audience(case), case, NotificationKind.PREVENTIVE_REPORT_MISSED, key, params
            )
    return items
