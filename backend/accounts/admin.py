from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import User, WardMembership


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
