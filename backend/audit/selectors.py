"""Reads of history. Access to a case is decided by the caller (cases_visible_to)."""

from __future__ import annotations

from typing import Any

from django.db.models import DateField, F, Func, QuerySet

from backend.audit.models import CaseEvent
from backend.audit.verification import chain_head
from backend.audit.verification_report import ChainHead

__all__ = ["ChainHead", "EventDay", "chain_head", "events_of_case"]


class EventDay(Func):
    """The legal date of an event (SQL function audit_event_day, migration 0003)."""

    function = "audit_event_day"
    output_field = DateField()

    def __init__(self, payload: Any = None, at: Any = None, **extra: Any) -> None:
        super().__init__(payload or F("payload"), at or F("at"), **extra)


def events_of_case(case_id: int) -> QuerySet[CaseEvent]:
    """A case's events in chain order, with their actors."""
    return CaseEvent.objects.filter(case_id=case_id).select_related("actor").order_by("seq")
