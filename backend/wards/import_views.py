"""The admin's boundary import: upload → preview on a map → confirm.

The uploaded file waits in a WardImportDraft row (PostgreSQL, shared by
every web process) between the preview and the confirmation; both run the
same service as `manage.py import_wards`.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import tempfile
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.core.errors import ServiceError
from backend.wards.importing.planning import ImportPlan
from backend.wards.importing.reading import ImportOptions, WardFileRefused
from backend.wards.importing.report import plan_sections, result_line
from backend.wards.models import WardImportDraft
from backend.wards.services import WardImportBlocked, may_import_wards, ward_import

SUFFIXES = (".zip", ".kmz", ".gpkg", ".geojson", ".json", ".kml")
DRAFT_LIFETIME = datetime.timedelta(days=1)


class WardImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Boundary file"),
        help_text=gettext_lazy(
            "A zipped shapefile (.shp, .shx, .dbf, .prj, .cpg), GeoPackage, GeoJSON, "
            "KML/KMZ or zipped FileGDB."
        ),
    )
    valid_from = forms.DateField(
        label=gettext_lazy("Valid from"), required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d"]
    )
    layer = forms.CharField(label=gettext_lazy("Layer"), required=False)
    code_field = forms.CharField(label=gettext_lazy("Code field"), required=False)
    name_field = forms.CharField(label=gettext_lazy("Name field"), required=False)
    srs = forms.CharField(label=gettext_lazy("Coordinate system (EPSG)"), required=False)
    vn2000_meridian = forms.FloatField(
        label=gettext_lazy("VN-2000 central meridian"), required=False
    )

    def options(self) -> ImportOptions:
        data = self.cleaned_data
        return ImportOptions(
            layer=data["layer"] or None,
            code_field=data["code_field"] or None,
            name_field=data["name_field"] or None,
            srs=data["srs"] or None,
            vn2000_meridian=data["vn2000_meridian"],
            valid_from=data["valid_from"],
        )


def _run(
    draft: WardImportDraft, actor: Any, apply: bool, allow_closing: tuple[str, ...] = ()
) -> Any:
    suffix = Path(draft.file_name).suffix.lower()
    options = dataclasses.replace(
        ImportOptions.from_json(draft.options), allow_closing=allow_closing
    )
    with tempfile.TemporaryDirectory(prefix="ttxd-upload-") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(bytes(draft.content))
        return ward_import(
            path,
            options,
            actor=actor,
            apply=apply,
            source=f"admin upload {draft.file_name}",
        )


def _map_data(plan: ImportPlan) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": w.feature.code, "name": w.feature.name},
                "geometry": json.loads(w.feature.geometry.json),
            }
            for w in plan.wards
        ],
    }


def ward_import_view(request: HttpRequest) -> HttpResponse:
    if not may_import_wards(request.user):
        raise PermissionDenied
    context: dict[str, Any] = {
        **admin.site.each_context(request),
        "title": _("Import ward boundaries"),
        "max_mb": settings.TTXD_WARD_IMPORT_MAX_BYTES // (1024 * 1024),
    }
    form = WardImportForm()
    if request.method == "POST" and "draft" in request.POST:
        return _confirm(request, context)
    if request.method == "POST":
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
        if declared > settings.TTXD_WARD_IMPORT_MAX_BYTES:
            context["refused"] = _("The file is larger than the limit of %(limit_mb)s MB.") % {
                "limit_mb": context["max_mb"]
            }
            return TemplateResponse(
                request, "admin/wards/import.html", {**context, "form": form}, status=413
            )
        form = WardImportForm(request.POST, request.FILES)
        if form.is_valid():
            return _preview(request, form, context)
    return TemplateResponse(request, "admin/wards/import.html", {**context, "form": form})


def _preview(request: HttpRequest, form: WardImportForm, context: dict[str, Any]) -> HttpResponse:
    upload = form.cleaned_data["file"]
    if Path(upload.name).suffix.lower() not in SUFFIXES:
        form.add_error("file", _("Send a .zip, .kmz, .gpkg, .geojson, .json or .kml file."))
        return TemplateResponse(
            request, "admin/wards/import.html", {**context, "form": form}, status=400
        )
    WardImportDraft.objects.filter(created_at__lt=timezone.now() - DRAFT_LIFETIME).delete()
    draft = WardImportDraft.objects.create(
        created_by_id=int(request.user.pk or 0),
        file_name=Path(upload.name).name[:255],
        content=b"".join(upload.chunks()),
        options=form.options().as_json(),
    )
    context["form"] = form
    try:
        outcome = _run(draft, request.user, apply=False)
    except WardFileRefused as refused:
        draft.delete()
        context.update(refused=refused.message, details=refused.details)
        return TemplateResponse(request, "admin/wards/import.html", context, status=400)
    except ServiceError as error:
        draft.delete()
        context["refused"] = error.message
        return TemplateResponse(request, "admin/wards/import.html", context, status=error.status)
    context.update(
        draft=draft,
        sections=plan_sections(outcome.plan),
        # Closing a ward the file does not contain waits for its checkbox on the form.
        blocked=outcome.plan.blocked_otherwise,
        closing_absent=[
            (w.code, w.name, f"{outcome.plan.covered_share(w.id):.1%}")
            for w in outcome.plan.closing_absent
        ],
        map_data=_map_data(outcome.plan),
        basemap_url=settings.TTXD_BASEMAP_URL or "",
    )
    return TemplateResponse(request, "admin/wards/import.html", context)


def _confirm(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    raw = str(request.POST.get("draft", ""))
    draft = WardImportDraft.objects.filter(
        pk=int(raw) if raw.isdigit() else 0, created_by_id=request.user.pk
    ).first()
    if draft is None:
        context.update(form=WardImportForm(), refused=_("This preview has expired: upload again."))
        return TemplateResponse(request, "admin/wards/import.html", context, status=400)
    allow_closing = tuple(str(code) for code in request.POST.getlist("allow_closing"))
    try:
        outcome = _run(draft, request.user, apply=True, allow_closing=allow_closing)
    except WardImportBlocked as blocked:
        # The draft stays: the user may tick the wards to close and confirm again.
        context.update(
            form=WardImportForm(),
            refused=blocked.message,
            sections=plan_sections(blocked.plan),
            draft=draft,
            blocked=blocked.plan.blocked_otherwise,
            closing_absent=[
                (w.code, w.name, f"{blocked.plan.covered_share(w.id):.1%}")
                for w in blocked.plan.closing_absent
            ],
            map_data=_map_data(blocked.plan),
            basemap_url=settings.TTXD_BASEMAP_URL or "",
        )
        return TemplateResponse(request, "admin/wards/import.html", context, status=400)
    except ServiceError as error:
        context.update(form=WardImportForm(), refused=error.message)
        return TemplateResponse(request, "admin/wards/import.html", context, status=error.status)
    draft.delete()
    assert outcome.result is not None
    messages.success(request, result_line(outcome.result))
    return HttpResponseRedirect(reverse("admin:wards_ward_changelist"))
