"""The deadline scan also tells the ward of unpaid fines, of a decision nearing the
one-year limit on its execution, and of preventive measures not reported in 24 hours.

Dates are counted by hand (see tests/cases/test_serving_and_fines.py): a fine
received on Mon 09/03/2026 is due Thu 19/03/2026 (10 days, LXLVPHC Art. 73).
"""

from __future__ import annotations

import datetime
from typing import Any

import time_machine
from django.utils import translation

from backend.cases.services.deadline_scan import deadlines_scan
from backend.notifications.models import Notification, NotificationKind
from tests.cases.test_serving_and_fines import D, act, at, decided


def _served(api: Any, inspector: Any, leader: Any) -> Any:
    case = decided(api, inspector, leader, D(2026, 2, 26), D(2026, 3, 2))
    act(
        api(inspector, "en"),
        case,
        "serve_decision_demolish",
        D(2026, 3, 4),
        method="post",
        postmark_on="2026-03-04",
        received_on="2026-03-09",
    )
    return case


def _notices(kind: str) -> list[Notification]:
    return list(Notification.objects.filter(kind=kind).order_by("recipient_id"))


def test_an_unpaid_fine_is_announced_once_the_day_after_it_was_due(
    api: Any, inspector_a: Any, leader_a: Any, inspector_b: Any
) -> None:
    with time_machine.travel(at(D(2026, 3, 19)), tick=False):
        case = _served(api, inspector_a, leader_a)
        deadlines_scan(today=D(2026, 3, 19))
    assert _notices(NotificationKind.FINE_OVERDUE) == []  # due that day: not late yet

    with time_machine.travel(at(D(2026, 3, 21)), tick=False):
        deadlines_scan(today=D(2026, 3, 21))
        deadlines_scan(today=D(2026, 3, 21))  # a second run adds nothing
    notices = _notices(NotificationKind.FINE_OVERDUE)
    assert {n.recipient_id for n in notices} == {inspector_a.pk, leader_a.pk}
    assert all(n.case_id == case.pk for n in notices)
    with translation.override("vi"):
        message = notices[0].message
    assert case.code in message and "19/03/2026" in message and "5.000.000" in message
    assert "2 ngày" in message


def test_a_paid_fine_is_not_announced(api: Any, inspector_a: Any, leader_a: Any) -> None:
    with time_machine.travel(at(D(2026, 3, 18)), tick=False):
        case = _served(api, inspector_a, leader_a)
        act(api(inspector_a, "en"), case, "record_fine_payment", D(2026, 3, 18), amount="5.000.000")
    with time_machine.travel(at(D(2026, 4, 1)), tick=False):
        deadlines_scan(today=D(2026, 4, 1))
    assert _notices(NotificationKind.FINE_OVERDUE) == []


def test_an_unpaid_fine_near_the_one_year_limit_warns_the_ward(
    api: Any, inspector_a: Any, leader_a: Any
) -> None:
    with time_machine.travel(at(D(2026, 3, 19)), tick=False):
        case = _served(api, inspector_a, leader_a)
    late = D(2027, 2, 25)
    with time_machine.travel(at(late), tick=False):
        deadlines_scan(today=late)
    (first, *_rest) = _notices(NotificationKind.FINE_EXECUTION_LIMIT)
    assert first.case_id == case.pk
    with translation.override("vi"):
        assert case.code in first.message and "2027" in first.message


def test_a_seizure_not_reported_within_24_hours_is_announced(
    api: Any, inspector_a: Any, leader_a: Any
) -> None:
    with time_machine.travel(at(D(2026, 3, 20)), tick=False):
        case = decided(api, inspector_a, leader_a, D(2026, 2, 26), D(2026, 3, 2))
        act(
            api(inspector_a, "en"),
            case,
            "apply_preventive_measure",
            D(2026, 3, 14),
            taken_at="15:30",
        )
    # Due Sun 15/03 at 15:30: at 15:00 not yet, at 16:00 late.
    deadlines_scan(today=D(2026, 3, 15), now=at(D(2026, 3, 15), 15))
    assert _notices(NotificationKind.PREVENTIVE_REPORT_MISSED) == []
    deadlines_scan(today=D(2026, 3, 15), now=at(D(2026, 3, 15), 16))
    notices = _notices(NotificationKind.PREVENTIVE_REPORT_MISSED)
    assert {n.recipient_id for n in notices} == {inspector_a.pk, leader_a.pk}
    with translation.override("vi"):
        assert "15:30 15/03/2026" in notices[0].message


def test_a_reported_seizure_is_not_announced(api: Any, inspector_a: Any, leader_a: Any) -> None:
    with time_machine.travel(at(D(2026, 3, 20)), tick=False):
        case = decided(api, inspector_a, leader_a, D(2026, 2, 26), D(2026, 3, 2))
        act(api(inspector_a, "en"), case, "apply_preventive_measure", D(2026, 3, 14))
        measure = case.steps.get(action="apply_preventive_measure").pk
        act(
            api(inspector_a, "en"),
            case,
            "report_preventive_measure",
            D(2026, 3, 14),
            measure_step=measure,
            reported_at="20:00",
        )
    deadlines_scan(today=D(2026, 3, 20), now=at(D(2026, 3, 20)) + datetime.timedelta(hours=1))
    assert _notices(NotificationKind.PREVENTIVE_REPORT_MISSED) == []
