from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.core.admin_base import WardScopedAdmin
from backend.core.models import IdempotencyRecord, ScheduledJob


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(WardScopedAdmin):
    list_display = ["user", "key", "scope", "result_id", "response_status", "created_at"]
    search_fields = ["key", "user__username"]

    def visible_rows(self, request):  # type: ignore[no-untyped-def]
        # Kept answers carry case and photo data: others' are for superusers only.
        return IdempotencyRecord.objects.filter(user=request.user)

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(ScheduledJob)
class ScheduledJobAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """When each periodic job runs next and how its last run went (superusers)."""

    list_display = [
        "name",
        "every_minutes",
        "next_run",
        "last_run",
        "last_ok",
        "running_on",
    ]
    readonly_fields = [
        "name",
        "command",
        "every_minutes",
        "next_run_at",
        "last_started_at",
        "last_finished_at",
        "last_ok",
        "last_output",
        "running_on",
    ]
    actions = ["run_soon"]

    @admin.display(description=_("next run"), ordering="next_run_at")
    def next_run(self, job: ScheduledJob) -> str:
        return timezone.localtime(job.next_run_at).strftime("%d/%m/%Y %H:%M")

    @admin.display(description=_("last run"), ordering="last_started_at")
    def last_run(self, job: ScheduledJob) -> str:
        if job.last_started_at is None:
            return "—"
        return timezone.localtime(job.last_started_at).strftime("%d/%m/%Y %H:%M")

    @admin.action(description=_("Run at the scheduler's next pass"))
    def run_soon(self, request: HttpRequest, queryset: QuerySet[ScheduledJob]) -> None:
        count = queryset.update(next_run_at=timezone.now())
        self.message_user(
            request,
            _("%(count)d job(s) will run within a minute, if a scheduler is running.")
            % {"count": count},
            messages.SUCCESS,
        )

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The change form stays read-only; the list's action needs this.
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # jobs come from TTXD_SCHEDULED_JOBS

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
