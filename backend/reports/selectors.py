"""Reads for the audit: filtered cases, timelines. All through cases_visible_to."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from backend.audit.models import CaseEvent
from backend.audit.selectors import EventDay
from backend.cases.models import OPEN_STAGES, Stage, ViolationCase
from backend.cases.selectors import cases_visible_to, overdue_flag
from backend.cases.selectors.query import CaseQuery

OPEN_STAGE_VALUES = [s.value for s in Stage if s in OPEN_STAGES]


def cases_matching(
    user: Any, query: CaseQuery, today: datetime.date | None = None
) -> QuerySet[ViolationCase]:
    """The cases this user may see that the query selects."""
    return query.apply_on(cases_visible_to(user), today or timezone.localdate())


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
