from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import FailedLogin, User, WardMembership


class WardMembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = WardMembership
    extra = 0
    autocomplete_fields = ["ward"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):  # type: ignore[type-arg]
    list_display = ["username", "full_name", "role", "is_active"]
    list_filter = ["role", "is_active"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("TTXD"), {"fields": ("role", "full_name", "phone")}),
    )
    inlines = [WardMembershipInline]


@admin.register(FailedLogin)
class FailedLoginAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Failed sign-ins still counted by the throttle (backend.accounts.throttle).

    Deleting a username's rows lifts its lock early, once the person is known.
    """

    list_display = ["username", "ip_address", "attempted_at"]
    search_fields = ["username"]
    ordering = ["-attempted_at"]
    date_hierarchy = "attempted_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
