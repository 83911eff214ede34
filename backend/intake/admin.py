"""Citizens' reports in the admin: the apps' Open311 keys, and the tips read-only.

- Integrating apps: superusers and the city's administrators only. Adding one
  issues a random key, shown once in the success message; only its digest and
  first characters are kept. Actions revoke a key or rotate it (a new one,
  shown once).
- Tips: read, never changed here (their life goes through the triage
  services); each user sees the rows of their wards, and the reporter's name,
  phone and e-mail only as that ward's staff (reporter_visible_to).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.accounts.models import Role
from backend.core.admin_base import WardScopedMixin
from backend.intake.models import IntegrationClient, Tip
from backend.intake.selectors import reporter_visible_to, tips_visible_to
from backend.intake.services.clients import (
    IssuedKey,
    integration_client_issue,
    integration_client_revoke,
    integration_client_rotate,
)

PERSONAL_FIELDS = ("reporter_name", "reporter_phone", "reporter_email")


def manages_keys(request: HttpRequest) -> bool:
    user = request.user
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or (user.is_staff and getattr(user, "role", "") == Role.ADMIN))
    )


def _show_key_once(model_admin: Any, request: HttpRequest, issued: IssuedKey) -> None:
    model_admin.message_user(
        request,
        format_html(
            "{} <code>{}</code> — {}",
            _("API key for %(name)s:") % {"name": issued.client.name},
            issued.key,
            _("copy it now: it is shown only this once and cannot be read again."),
        ),
        messages.SUCCESS,
    )


@admin.register(IntegrationClient)
class IntegrationClientAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "key_prefix", "is_active", "created_at", "last_used_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "contact"]
    fields = [
        "name",
        "contact",
        "key_prefix",
        "is_active",
        "created_at",
        "created_by",
        "last_used_at",
    ]
    readonly_fields = ["key_prefix", "is_active", "created_at", "created_by", "last_used_at"]
    actions = ["revoke_keys", "rotate_keys"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return manages_keys(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return manages_keys(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return manages_keys(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return manages_keys(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Its tips keep pointing at it: revoke the key instead.
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        issued = integration_client_issue(actor=request.user, name=obj.name, contact=obj.contact)
        obj.pk = issued.client.pk
        obj.__dict__.update(
            {f.attname: getattr(issued.client, f.attname) for f in obj._meta.concrete_fields}
        )
        obj._state.adding = False
        obj._state.db = issued.client._state.db
        _show_key_once(self, request, issued)

    @admin.action(description=gettext_lazy("Revoke the selected apps' keys"))
    def revoke_keys(self, request: HttpRequest, queryset: QuerySet[IntegrationClient]) -> None:
        count = 0
        for client in queryset:
            integration_client_revoke(actor=request.user, client=client)
            count += 1
        self.message_user(
            request, _("Keys revoked: %(count)d.") % {"count": count}, messages.SUCCESS
        )

    @admin.action(description=gettext_lazy("Issue new keys (the old ones stop working)"))
    def rotate_keys(self, request: HttpRequest, queryset: QuerySet[IntegrationClient]) -> None:
        for client in queryset:
            _show_key_once(
                self, request, integration_client_rotate(actor=request.user, client=client)
            )


@admin.register(Tip)
class TipAdmin(WardScopedMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "ward", "category", "status", "received_at", "response_due_on"]
    list_filter = [("ward", admin.RelatedOnlyFieldListFilter), "status", "category", "channel"]
    # The code only: searching by a reporter's name would reveal it to anyone.
    search_fields = ["code"]
    list_select_related = ["ward"]
    exclude = ["fingerprint", "submission_key"]

    def visible_rows(self, request: HttpRequest) -> QuerySet[Any]:
        return tips_visible_to(request.user)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = [
            f.name
            for f in Tip._meta.fields
            if f.name not in ("id", "fingerprint", "submission_key")
        ]
        if obj is None or not reporter_visible_to(request.user, obj):
            fields = [f for f in fields if f not in PERSONAL_FIELDS]
        return fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.get_fields(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
