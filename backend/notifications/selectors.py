"""Reads of notifications: only those about cases the reader may still see."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from backend.accounts.selectors import Viewer
from backend.cases.selectors import cases_visible_to
from backend.notifications.models import Notification


def notifications_visible_to(user: Viewer) -> QuerySet[Notification]:
    """The notices a user may look at: those about cases they may see (anyone's),
    and their own that are about no case.

    Their own notices about a case they can no longer see are hidden with the
    case: an inspector moved to another ward keeps no window on the old ward.
    """
    if not (user and user.is_authenticated):
        return Notification.objects.none()
    visible_cases = cases_visible_to(user).values("pk")
    return Notification.objects.filter(
        Q(case__in=visible_cases) | Q(case__isnull=True, recipient=user)
    )


def notifications_of(user: Viewer) -> QuerySet[Notification]:
    """The user's own notices (their list and unread count)."""
    if not (user and user.is_authenticated):
        return Notification.objects.none()  # as notifications_visible_to: no one's
    return notifications_visible_to(user).filter(recipient=user)


def unread_count(user: Viewer) -> int:
    return notifications_of(user).filter(read_at__isnull=True).count()
