from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from backend.admin_base import WardScopedAdmin
from backend.cases.selectors import cases_visible_to
from backend.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(WardScopedAdmin):
    """Delivery of notices, for checking who was told what.

    Outside superusers: the notices about cases the user may see, and their own
    (a notice names its case, ward and deadline).
    """

    list_display = ["created_at", "recipient", "kind", "case", "read_at", "emailed_at"]
    list_filter = ["kind"]
    list_select_related = ["recipient", "case"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def visible_rows(self, request: HttpRequest) -> QuerySet[Any]:
        user = request.user
        visible_cases = cases_visible_to(user).values("pk")
        return Notification.objects.filter(Q(case__in=visible_cases) | Q(recipient=user))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
