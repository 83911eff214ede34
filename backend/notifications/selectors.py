"""Reads of notifications: a user sees only their own."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from backend.notifications.models import Notification


def notifications_of(user: Any) -> QuerySet[Notification]:
    if not (user and user.is_authenticated):
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def unread_count(user: Any) -> int:
    return notifications_of(user).filter(read_at__isnull=True).count()
