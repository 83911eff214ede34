from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import WARD_ROLES, FailedLogin, Role, User, WardMembership
from backend.accounts.selectors import (
    failed_logins_visible_to,
    user_sees_all_wards,
    users_visible_to,
)
from backend.admin_base import WardScopedMixin, sees_every_ward_in_admin
from backend.wards.selectors import wards_visible_to


class WardMembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = WardMembership
    extra = 0
    autocomplete_fields = ["ward"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        # Nobody adds a colleague to a ward they do not work in themselves.
        if db_field.name == "ward" and not sees_every_ward_in_admin(request):
            kwargs["queryset"] = wards_visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):  # type: ignore[type-arg]
    list_display = ["username", "full_name", "role", "is_active"]
    list_filter = ["role", "is_active"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("TTXD"), {"fields": ("role", "full_name", "phone")}),
    )
    inlines = [WardMembershipInline]

    def get_queryset(self, request: HttpRequest) -> Any:
        qs = super().get_queryset(request)
        if sees_every_ward_in_admin(request):
            return qs
        return qs.filter(pk__in=users_visible_to(request.user).values("pk"))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if not sees_every_ward_in_admin(request):
            # Each of these would lift a user out of the ward scope kept here.
            fields += ["is_superuser", "groups", "user_permissions"]
        return fields

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        # Ward staff may give ward roles only: a city role sees every ward.
        if db_field.name == "role" and not (
            sees_every_ward_in_admin(request) or user_sees_all_wards(request.user)
        ):
            kwargs["choices"] = [("", "---------")] + [
                (value, label) for value, label in Role.choices if value in WARD_ROLES
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


@admin.register(FailedLogin)
class FailedLoginAdmin(WardScopedMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Failed sign-ins still counted by the throttle (backend.accounts.throttle).

    Deleting a username's rows lifts its lock early, once the person is known.
    Outside superusers: only the rows under the names of accounts the user may
    see (failed_logins_visible_to), so ward staff can help their colleagues.
    """

    list_display = ["username", "ip_address", "attempted_at"]
    search_fields = ["username"]
    ordering = ["-attempted_at"]
    date_hierarchy = "attempted_at"

    def visible_rows(self, request: HttpRequest) -> Any:
        return failed_logins_visible_to(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
