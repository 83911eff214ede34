from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from backend.accounts.models import (
    WARD_ROLES,
    DeviceToken,
    FailedLogin,
    Role,
    User,
    WardMembership,
)
from backend.accounts.selectors import (
    device_tokens_visible_to,
    failed_logins_visible_to,
    user_sees_all_wards,
    users_visible_to,
)
from backend.accounts.services import device_token_revoke
from backend.core.admin_base import WardScopedMixin, sees_every_ward_in_admin
from backend.wards.selectors import wards_visible_to


def _revoke_and_report(
    model_admin: admin.ModelAdmin,  # type: ignore[type-arg]
    request: HttpRequest,
    tokens: QuerySet[DeviceToken],
) -> None:
    """Revoke each token through the service and say how many devices were signed out."""
    count = 0
    for token in tokens:
        device_token_revoke(token=token)
        count += 1
    model_admin.message_user(
        request,
        ngettext("%(count)d device signed out.", "%(count)d devices signed out.", count)
        % {"count": count},
        messages.SUCCESS,
    )


class WardMembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = WardMembership
    extra = 0
    autocomplete_fields = ["ward"]

    def get_queryset(self, request: HttpRequest) -> Any:
        qs = super().get_queryset(request)
        if sees_every_ward_in_admin(request):
            return qs
        # A colleague's memberships of other wards are not this staff member's
        # to see or end; left out of the form, a save leaves them as they are.
        return qs.filter(ward__in=wards_visible_to(request.user))

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
    actions = ["revoke_all_devices"]

    @admin.action(
        description=_("Sign out every device (revoke all tokens)"), permissions=["change"]
    )
    def revoke_all_devices(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        # Only tokens this staff member may see (device_tokens_visible_to), so
        # the action reaches no further than the device list does.
        tokens = (
            DeviceToken.objects.all()
            if sees_every_ward_in_admin(request)
            else device_tokens_visible_to(request.user)
        )
        _revoke_and_report(self, request, tokens.filter(user__in=queryset))

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


@admin.register(DeviceToken)
class DeviceTokenAdmin(WardScopedMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Devices signed in with a token; revoking one signs it out at once.

    Tokens are issued by signing in on the device, never here (the admin
    never sees a token: it is stored as a digest and a prefix that cannot
    authenticate), and scoped like every admin list: superusers see all,
    other staff those of their wards' people.
    """

    list_display = ["user", "device", "created", "last_used_at", "expiry"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__full_name", "device"]
    ordering = ["-created"]
    fields = ("user", "device", "created", "last_used_at", "expiry")
    readonly_fields = fields
    actions = ["revoke"]

    def visible_rows(self, request: HttpRequest) -> Any:
        return device_tokens_visible_to(request.user)

    def get_actions(self, request: HttpRequest) -> Any:
        actions = super().get_actions(request)
        # "Revoke" does what deleting would, through the service (sessions too).
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description=_("Revoke the selected device tokens"), permissions=["delete"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[DeviceToken]) -> None:
        _revoke_and_report(self, request, queryset)

    def delete_model(self, request: HttpRequest, obj: DeviceToken) -> None:
        device_token_revoke(token=obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
