"""Reads of cases, all through the access rules."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from backend.accounts.selectors import restrict_to_user_wards
from backend.cases.models import ViolationCase


def cases_visible_to(user: Any) -> QuerySet[ViolationCase]:
    """Every case list, detail, tile, export and download starts here."""
    qs = ViolationCase.objects.select_related(
        "ward", "permit", "assigned_inspector", "opened_by"
    )
    return restrict_to_user_wards(qs, user)
