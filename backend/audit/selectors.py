"""Reads of history. Access to a case is decided by the caller (cases_visible_to)."""

from __future__ import annotations

from django.db.models import QuerySet

from backend.audit.models import CaseEvent
from backend.audit.verification import chain_head
from backend.audit.verification_report import ChainHead

__all__ = ["ChainHead", "chain_head", "events_of_case"]


def events_of_case(case_id: int) -> QuerySet[CaseEvent]:
    """A case's events in chain order, with their actors."""
    return CaseEvent.objects.filter(case_id=case_id).select_related("actor").order_by("seq")
