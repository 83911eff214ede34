"""Reads of notifications: a user sees only their own, about cases they may still see."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from backend.cases.selectors import cases_visible_to
from backend.notifications.models import Notification


def notifications_of(user: Any) -> QuerySet[Notification]:
    if not (user and user.is_authenticated):
        return Notification.objects.none()
    # An inspector moved to another ward keeps no window on the old ward's cases.
    visible_cases = cases_visible_to(user).values("pk")
    return Notification.objects.filter(recipient=user).filter(
        Q(case__isnull=True) | Q(case__in=visible_cases)
    )


def unread_count(user: Any) -> int:
    return notifications_of(user).filter(read_at__isnull=True).count()
