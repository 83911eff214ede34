"""Admin pages for what documents need besides the case: ward settings and form templates."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from backend.accounts.selectors import ward_ids_of
from backend.cases.documents.templates_in_force import (
    REQUIRED_PLACEHOLDERS,
    check_replacement_template,
    template_source,
)
from backend.cases.models import DocumentTemplate, WardDocumentSettings
from backend.core.admin_base import WardScopedAdmin, sees_every_ward_in_admin
from backend.core.errors import InvalidInput
from backend.wards.selectors import wards_visible_to


class DocumentTemplateForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = DocumentTemplate
        fields = ["document_type", "effective_from", "basis", "file"]

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        upload = cleaned.get("file")
        kind = cleaned.get("document_type")
        if upload and kind and hasattr(upload, "read"):
            try:
                check_replacement_template(kind, template_source(upload))
            except InvalidInput as exc:
                raise forms.ValidationError({exc.field or "file": str(exc.message)}) from None
        return cleaned


@admin.register(DocumentTemplate)
class DocumentTemplateAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A replacement form, in force from a date; the built-in one applies before it."""

    form = DocumentTemplateForm
    list_display = ["document_type", "effective_from", "basis", "uploaded_by", "uploaded_at"]
    list_filter = ["document_type"]
    readonly_fields = ["required_placeholders", "uploaded_by", "uploaded_at"]

    @admin.display(description="{{ … }}")
    def required_placeholders(self, obj: DocumentTemplate | None) -> str:
        if obj is None or not obj.document_type:
            return "; ".join(f"{t}: {', '.join(n)}" for t, n in REQUIRED_PLACEHOLDERS.items())
        return ", ".join(REQUIRED_PLACEHOLDERS.get(obj.document_type, ()))

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(WardDocumentSettings)
class WardDocumentSettingsAdmin(WardScopedAdmin):
    list_display = ["ward", "unit_kind", "treasury_name", "treasury_account"]

    def visible_rows(self, request: HttpRequest) -> Any:
        return WardDocumentSettings.objects.filter(ward_id__in=ward_ids_of(request.user))

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        # A ward's treasury account and kind are set by its own staff only.
        if db_field.name == "ward" and not sees_every_ward_in_admin(request):
            kwargs["queryset"] = wards_visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
