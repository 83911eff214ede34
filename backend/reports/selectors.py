"""Reads for the audit: filtered cases, timelines. All through cases_visible_to."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import DateField, Exists, F, Func, OuterRef, QuerySet
from django.utils import timezone

from backend.audit.models import CaseEvent
from backend.cases.models import OPEN_STAGES, Stage, ViolationCase
from backend.cases.selectors import cases_visible_to, overdue_flag, overdue_q

# CaseFilters is the parameter of cases_matching: other apps take it from here.
from backend.reports.filters import CaseFilters as CaseFilters
from backend.reports.filters import month_bounds

OPEN_STAGE_VALUES = [s.value for s in Stage if s in OPEN_STAGES]


class EventDay(Func):
    """The legal date of an event (SQL function audit_event_day, audit migration 0003)."""

    function = "audit_event_day"
    output_field = DateField()

    def __init__(self, payload: Any = None, at: Any = None, **extra: Any) -> None:
        super().__init__(payload or F("payload"), at or F("at"), **extra)


def _events_of(**conditions: Any) -> Exists:
    return Exists(CaseEvent.objects.filter(case_id=OuterRef("pk"), **conditions))


def cases_matching(
    user: Any, filters: CaseFilters, today: datetime.date | None = None
) -> QuerySet[ViolationCase]:
    """The cases this user may see that match the filters."""
    today = today or timezone.localdate()
    qs = cases_visible_to(user)
    if filters.ward:
        qs = qs.filter(ward__code__in=filters.ward)
    if filters.violation_type:
        qs = qs.filter(violation_type__in=filters.violation_type)
    # __date converts to the current time zone (Asia/Ho_Chi_Minh).
    if filters.detected_from:
        qs = qs.filter(detected_at__date__gte=filters.detected_from)
    if filters.detected_to:
        qs = qs.filter(detected_at__date__lte=filters.detected_to)
    if filters.stage:
        qs = qs.filter(stage__in=filters.stage)
    if filters.overdue:
        qs = qs.filter(overdue_q(today))
    if filters.opened_month:
        first, after = month_bounds(filters.opened_month)
        qs = qs.filter(detected_at__date__gte=first, detected_at__date__lt=after)
    if filters.visited_stage:
        qs = qs.filter(_events_of(stage_after=filters.visited_stage))
    if filters.late:
        qs = qs.filter(_events_of(payload__on_time=False))
    if filters.timed:
        qs = qs.filter(_events_of(payload__on_time__in=[True, False]))
    if filters.closed_month:
        first, after = month_bounds(filters.closed_month)
        closing = (
            CaseEvent.objects.filter(case_id=OuterRef("pk"), stage_after=Stage.CLOSED)
            .exclude(stage_before=Stage.CLOSED)
            .annotate(day=EventDay())
            .filter(day__gte=first, day__lt=after)
        )
        qs = qs.filter(Exists(closing))
    return qs


def case_for_timeline(user: Any, pk: int) -> ViolationCase | None:
    return cases_visible_to(user).filter(pk=pk).first()


def timeline_events(case: ViolationCase) -> QuerySet[CaseEvent]:
    """Every event of the case in the order of the law: legal date, then chain order."""
    return (
        CaseEvent.objects.filter(case_id=case.pk)
        .select_related("actor")
        .annotate(day=EventDay())
        .order_by("day", "seq")
    )


def selection_sql(
    cases: QuerySet[ViolationCase], today: datetime.date | None = None
) -> tuple[str, list[Any]]:
    """SQL selecting the cases' ids, for the reports' `WITH sel AS (…)`
    statements; with `today`, also their `overdue` flag (overdue_q), so no
    statement spells the condition out again."""
    if today is not None:
        cases = cases.annotate(overdue=overdue_flag(today))
    fields = ["id", "overdue"] if today is not None else ["id"]
    sql, params = cases.order_by().values(*fields).query.sql_with_params()
    return sql, list(params)
