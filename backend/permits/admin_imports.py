"""The permit register import in the admin: upload → columns → check (progress) → confirm.

Every step is its own request and everything between them lives in the
database (the run, its staged rows, its progress): the page polls
`status/` while `process/` or `apply/` runs, and gunicorn may serve each
request from a different process. The check runs inside the `process/`
request (its progress committed batch by batch); the page never waits on
it to show the bar. A run whose checking request died (a worker restarted)
is stale after a few minutes and may be checked again.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from backend.core.admin_base import WardScopedAdmin
from backend.core.errors import ServiceError
from backend.core.tabular import TabularRefused, match_headers, open_table, tabular_limits
from backend.permits.importing.apply import import_apply, summary
from backend.permits.importing.check import import_check, import_is_stale
from backend.permits.importing.fields import PERMIT_FIELDS
from backend.permits.importing.runs import (
    import_mapping_remember,
    import_run_create,
    import_run_set_choices,
)
from backend.permits.importing.storage import local_path
from backend.permits.models import ImportStatus, PermitImportRow, PermitImportRun
from backend.permits.selectors import (
    permit_import_mapping,
    permit_import_runs_visible_to,
    wards_for_permit_import,
)
from backend.wards.models import Ward

SHOWN_ROWS = 200


class UploadForm(forms.Form):
    ward: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=Ward.objects.none(), label=gettext_lazy("Ward")
    )
    file = forms.FileField(
        label=gettext_lazy("Permit register (XLSX or CSV)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    sheet = forms.CharField(
        label=gettext_lazy("Sheet"),
        required=False,
        help_text=gettext_lazy("Leave empty to read the first sheet."),
    )
    issuing_authority = forms.CharField(
        label=gettext_lazy("Issuing authority"),
        required=False,
        help_text=gettext_lazy("For rows without one; by default the ward's People's Committee."),
    )
    parcels = forms.FileField(
        label=gettext_lazy("Cadastral layer (GeoPackage or zipped Shapefile)"), required=False
    )
    parcel_sheet_field = forms.CharField(label=gettext_lazy("Its map sheet field"), required=False)
    parcel_number_field = forms.CharField(
        label=gettext_lazy("Its parcel number field"), required=False
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["ward"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = wards_for_permit_import(user).order_by("name")


def _status(run: PermitImportRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "status": run.status,
        "status_label": str(run.get_status_display()),
        "rows_total": run.rows_total,
        "rows_done": run.rows_done,
        "message": run.message,
        "summary": summary(run)
        if run.status in (ImportStatus.CHECKED, ImportStatus.APPLIED)
        else "",
    }


class PermitImportRunAdmin(WardScopedAdmin):
    list_display = [
        "file_name",
        "ward",
        "created_by",
        "created_at",
        "status",
        "rows_total",
        "rows_refused",
        "to_create",
        "to_update",
    ]
    list_select_related = ["ward", "created_by"]

    # --- who sees the pages ---------------------------------------------------
    def visible_rows(self, request: HttpRequest) -> Any:
        return permit_import_runs_visible_to(request.user)

    def _may_import(self, request: HttpRequest) -> bool:
        return wards_for_permit_import(request.user).exists()

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._may_import(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_import(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._may_import(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def _run(self, request: HttpRequest, pk: int) -> PermitImportRun:
        run: PermitImportRun | None = self.get_queryset(request).filter(pk=pk).first()
        if run is None:
            raise Http404
        return run

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        own = [
            path("<int:pk>/columns/", wrap(self.columns_view), name="permits_import_columns"),
            path("<int:pk>/run/", wrap(self.run_view), name="permits_import_run"),
            path("<int:pk>/status/", wrap(self.status_view), name="permits_import_status"),
            path(
                "<int:pk>/process/",
                wrap(require_POST(self.process_view)),
                name="permits_import_process",
            ),
            path(
                "<int:pk>/apply/", wrap(require_POST(self.apply_view)), name="permits_import_apply"
            ),
            path("<int:pk>/refused.xlsx", wrap(self.refused_view), name="permits_import_refused"),
        ]
        return own + super().get_urls()

    def _context(self, request: HttpRequest, **more: Any) -> dict[str, Any]:
        return {**self.admin_site.each_context(request), "opts": self.model._meta, **more}

    # --- 1. upload --------------------------------------------------------------
    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        if not self._may_import(request):
            raise Http404
        form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            parcels = form.cleaned_data["parcels"]
            try:
                run = import_run_create(
                    actor=request.user,  # type: ignore[arg-type]
                    ward=form.cleaned_data["ward"],
                    file=upload,
                    file_name=upload.name,
                    size=upload.size,
                    sheet=form.cleaned_data["sheet"],
                    issuing_authority=form.cleaned_data["issuing_authority"],
                    parcels=parcels,
                    parcels_file_name=parcels.name if parcels else "",
                    parcel_sheet_field=form.cleaned_data["parcel_sheet_field"],
                    parcel_number_field=form.cleaned_data["parcel_number_field"],
                )
            except ServiceError as error:
                form.add_error(
                    error.field if error.field in form.fields else None, str(error.message)
                )
            else:
                return redirect("admin:permits_import_columns", pk=run.pk)
        return TemplateResponse(
            request,
            "admin/permits/import_upload.html",
            self._context(request, form=form, title=_("Import a permit register")),
        )

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        return redirect("admin:permits_import_run", pk=self._run(request, int(object_id)).pk)

    # --- 2. columns -------------------------------------------------------------
    def columns_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        run = self._run(request, pk)
        if run.status in (ImportStatus.APPLYING, ImportStatus.APPLIED, ImportStatus.CHECKING):
            return redirect("admin:permits_import_run", pk=run.pk)
        try:
            with (
                local_path(run.stored_file) as file_path,
                open_table(
                    file_path,
                    filename=run.file_name,
                    sheet=run.sheet or None,
                    limits=tabular_limits(),
                ) as table,
            ):
                block, columns = match_headers(
                    table, PERMIT_FIELDS, run.mapping, defaults=permit_import_mapping(run.ward)
                )
        except TabularRefused as refusal:
            return TemplateResponse(
                request,
                "admin/permits/import_refused.html",
                self._context(
                    request, run=run, message=refusal.message, title=_("The file was refused")
                ),
                status=400,
            )
        if request.method == "POST":
            mapping = {
                spec.key: request.POST.get(f"column_{spec.key}", "") for spec in PERMIT_FIELDS
            }
            try:
                import_run_set_choices(
                    actor=request.user,  # type: ignore[arg-type]
                    run=run,
                    mapping=mapping,
                    valid_rows_only=bool(request.POST.get("valid_rows_only")),
                )
            except ServiceError as error:
                messages.error(request, str(error.message))
            else:
                return redirect("admin:permits_import_run", pk=run.pk)
        letters = [block.column_name(i) for i in range(len(block.labels))]
        chosen = columns.as_labels(block)
        rows = [
            {
                "spec": spec,
                "chosen": chosen.get(spec.key, ""),
                "detected": spec.key in columns.columns,
            }
            for spec in PERMIT_FIELDS
        ]
        options = [
            (label or letter.split(" ")[0], letter)
            for label, letter in zip(block.labels, letters, strict=True)
        ]
        return TemplateResponse(
            request,
            "admin/permits/import_columns.html",
            self._context(
                request,
                run=run,
                rows=rows,
                options=options,
                header_row=block.first_row,
                title=_("Choose the columns"),
            ),
        )

    # --- 3. check and confirm ---------------------------------------------------
    def run_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        run = self._run(request, pk)
        staged = PermitImportRow.objects.filter(run=run)
        return TemplateResponse(
            request,
            "admin/permits/import_run.html",
            self._context(
                request,
                run=run,
                status=_status(run),
                stale=import_is_stale(run),
                refused=staged.filter(action="refused").order_by("row_number")[:SHOWN_ROWS],
                noted=staged.exclude(notes=[]).order_by("row_number")[:SHOWN_ROWS],
                title=_("Import %(file)s into %(ward)s")
                % {"file": run.file_name, "ward": run.ward.name},
            ),
        )

    def status_view(self, request: HttpRequest, pk: int) -> JsonResponse:
        return JsonResponse(_status(self._run(request, pk)))

    def process_view(self, request: HttpRequest, pk: int) -> JsonResponse:
        run = self._run(request, pk)
        try:
            run = import_check(run)
        except ServiceError as error:
            run.refresh_from_db()
            return JsonResponse(
                {**_status(run), "message": str(error.message)}, status=error.status
            )
        return JsonResponse(_status(run))

    def apply_view(self, request: HttpRequest, pk: int) -> JsonResponse:
        run = self._run(request, pk)
        try:
            run = import_apply(run, actor=request.user)  # type: ignore[arg-type]
        except ServiceError as error:
            run.refresh_from_db()
            return JsonResponse(
                {**_status(run), "message": str(error.message)}, status=error.status
            )
        import_mapping_remember(actor=request.user, run=run)  # type: ignore[arg-type]
        return JsonResponse(_status(run))

    def refused_view(self, request: HttpRequest, pk: int) -> FileResponse:
        run = self._run(request, pk)
        if not run.refused_file:
            raise Http404
        name = f"{run.file_name.rsplit('.', 1)[0]}-tu-choi.xlsx"
        return FileResponse(run.refused_file.open("rb"), as_attachment=True, filename=name)


def run_url(run: PermitImportRun) -> str:
    return reverse("admin:permits_import_run", kwargs={"pk": run.pk})
