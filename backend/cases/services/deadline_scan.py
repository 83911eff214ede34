"""The deadline scan, run hourly by the scheduler (manage.py scan_deadlines).

It flags the cases whose stage deadline has passed, clears flags left from a
deadline that no longer stands, notifies the people who must act, and
records each flag it sets or clears in the case's history under the system
account.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation

from backend.accounts.models import Role
from backend.accounts.selectors import users_of_ward
from backend.accounts.services import system_actor
from backend.audit.models import EventKind
from backend.audit.services import case_event_record
from backend.cases.models import ViolationCase
from backend.cases.selectors import cases_overdue
from backend.cases.services.obligation_scan import fine_notices, preventive_report_notices
from backend.notifications.models import NotificationKind
from backend.notifications.services import (
    NewNotification,
    notifications_email_pending,
    notifications_record,
)

# Arbitrary but fixed: the advisory lock that lets only one scan run at a time.
SCAN_LOCK_KEY = 7_484_788_001


@dataclass
class ScanResult:
    skipped: bool = False
    overdue: int = 0
    newly_marked: int = 0
    cleared: int = 0
    notifications: int = 0
    emails: int = 0


def deadlines_scan(
    *, today: datetime.date | None = None, now: datetime.datetime | None = None
) -> ScanResult:
    """Mark overdue cases and tell the people who must act.

    The assigned inspector and the ward's leaders hear of every passed deadline;
    the city auditors of cases overdue more than TTXD_OVERDUE_CITY_AFTER_DAYS.
    Idempotent: each notification has a key (case, stage, deadline, audience)
    unique per recipient, so a second run adds nothing. Two runs at once: the
    second finds the advisory lock taken and stops; even without it the unique
    keys and the SKIP LOCKED mail claim keep every message single.
    """
    today = today or timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [SCAN_LOCK_KEY])
        if not cursor.fetchone()[0]:
            return ScanResult(skipped=True)
    try:
        result = _deadlines_scan_locked(today, now)
        result.emails = notifications_email_pending()
        return result
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [SCAN_LOCK_KEY])


@transaction.atomic
def _deadlines_scan_locked(today: datetime.date, now: datetime.datetime | None) -> ScanResult:
    overdue = list(cases_overdue(today).select_related("ward", "deadline_rule").order_by("id"))
    result = ScanResult(overdue=len(overdue))
    ids = [case.pk for case in overdue]
    # Flags left from a deadline that no longer stands (a step clears its own).
    to_clear = list(
        ViolationCase.objects.select_for_update()
        .filter(overdue_since__isnull=False)
        .exclude(pk__in=ids)
        .order_by("id")
    )
    cleared_since = {case.pk: case.overdue_since for case in to_clear}
    for case in to_clear:
        case.overdue_since = None
    ViolationCase.objects.bulk_update(to_clear, ["overdue_since"], batch_size=500)
    result.cleared = len(to_clear)
    to_mark = []
    for case in overdue:
        assert case.stage_deadline is not None  # filtered on stage_deadline__lt
        first_late_day = case.stage_deadline + datetime.timedelta(days=1)
        if case.overdue_since != first_late_day:
            case.overdue_since = first_late_day
            to_mark.append(case)
    ViolationCase.objects.bulk_update(to_mark, ["overdue_since"], batch_size=500)
    result.newly_marked = len(to_mark)

    leaders: dict[int, list[int]] = {}
    inspectors: dict[int, set[int]] = {}

    def ward_people_of(case: ViolationCase) -> list[int]:
        """The ward's leaders, and the assigned inspector while an inspector of the ward."""
        if case.ward_id not in leaders:
            leaders[case.ward_id] = list(
                users_of_ward(case.ward_id, role=Role.WARD_LEADER).values_list("id", flat=True)
            )
            # The assignment may be stale: only an active inspector still in the ward hears.
            inspectors[case.ward_id] = set(
                users_of_ward(case.ward_id, role=Role.INSPECTOR).values_list("id", flat=True)
            )
        people = set(leaders[case.ward_id])
        if case.assigned_inspector_id in inspectors[case.ward_id]:
            people.add(case.assigned_inspector_id)
        return sorted(people)

    auditors = list(
        get_user_model()
        .objects.filter(role=Role.CITY_AUDITOR, is_active=True)
        .values_list("id", flat=True)
    )
    city_after = settings.TTXD_OVERDUE_CITY_AFTER_DAYS
    items: list[NewNotification] = []
    for case in overdue:
        due = case.stage_deadline
        assert due is not None
        with translation.override("en"):
            rule_label = str(case.deadline_rule.get_code_display()) if case.deadline_rule else ""
        days_overdue = (today - due).days
        params = {
            "case_code": case.code,
            "ward": case.ward.name,
            "stage": case.stage,
            "rule": case.deadline_rule.code if case.deadline_rule else "",
            "rule_label": rule_label,
            "due": due.isoformat(),
            "due_display": due.strftime("%d/%m/%Y"),
            "days_overdue": days_overdue,
            "url": reverse("case_detail", kwargs={"pk": case.pk}),
        }
        event = f"{case.pk}:{case.stage}:{due.isoformat()}"
        items += [
            {
                "recipient_id": user_id,
                "case_id": case.pk,
                "kind": NotificationKind.DEADLINE_PASSED,
                "key": f"deadline:{event}",
                "params": params,
            }
            for user_id in ward_people_of(case)
        ]
        if days_overdue > city_after:
            items += [
                {
                    "recipient_id": user_id,
                    "case_id": case.pk,
                    "kind": NotificationKind.OVERDUE_ESCALATED,
                    "key": f"overdue-city:{event}",
                    "params": params,
                }
                for user_id in auditors
            ]
    # Besides the stage deadlines: unpaid fines and late reports of preventive measures.
    items += fine_notices(today, ward_people_of)
    items += preventive_report_notices(now or timezone.now(), ward_people_of)
    result.notifications = notifications_record(items)
    # Last, as every service's history: the chain lock is held from the first
    # event to the end of the scan's transaction.
    _record_overdue_flags(to_mark, to_clear, cleared_since)
    return result


def _record_overdue_flags(
    marked: list[ViolationCase],
    cleared: list[ViolationCase],
    cleared_since: dict[int, datetime.date | None],
) -> None:
    """One event per flag the scan set or cleared, under the system account."""
    if not (marked or cleared):
        return
    flags: list[tuple[ViolationCase, str, dict[str, Any]]] = []
    for case in marked:
        assert case.stage_deadline is not None and case.overdue_since is not None
        payload = {
            "due": case.stage_deadline.isoformat(),
            "rule": case.deadline_rule.code if case.deadline_rule else "",
            "overdue_since": case.overdue_since.isoformat(),
        }
        flags.append((case, EventKind.OVERDUE, payload))
    for case in cleared:
        since = cleared_since.get(case.pk)
        payload = {
            "due": case.stage_deadline.isoformat() if case.stage_deadline else "",
            "was_overdue_since": since.isoformat() if since else "",
        }
        flags.append((case, EventKind.OVERDUE_CLEARED, payload))
    actor = system_actor()
    for case, kind, payload in flags:
        case_event_record(
            case=case,
            actor=actor,
            kind=kind,
            stage_before=case.stage,
            stage_after=case.stage,
            payload=payload,
        )
