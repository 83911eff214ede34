"""The user's notifications: a list, and marking them read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from backend.notifications.selectors import notifications_of
from backend.notifications.services import notification_mark_read


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = notifications_of(request.user).select_related("case")[:200]
    unread = notifications_of(request.user).filter(read_at__isnull=True).exists()
    return render(
        request, "notifications/list.html", {"notifications": notifications, "unread": unread}
    )


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification_mark_read(actor=request.user, notification_ids=[pk])
    return redirect("notification_list")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    notification_mark_read(actor=request.user)
    return redirect("notification_list")
