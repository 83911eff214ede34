from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from backend.core.admin_base import WardScopedAdmin
from backend.notifications.models import Notification
from backend.notifications.selectors import notifications_visible_to


@admin.register(Notification)
class NotificationAdmin(WardScopedAdmin):
    """Delivery of notices, for checking who was told what.

    Outside superusers: the notices the user may see anywhere else
    (notifications_visible_to; a notice names its case, ward and deadline).
    """

    list_display = [
        "created_at",
        "recipient",
        "kind",
        "case",
        "read_at",
        "emailed_at",
        "email_withheld_at",
    ]
    list_filter = ["kind"]
    list_select_related = ["recipient", "case"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def visible_rows(self, request: HttpRequest) -> QuerySet[Any]:
        return notifications_visible_to(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
