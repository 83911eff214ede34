"""Pages shared by every role: home, health."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from backend.accounts.models import Role
from backend.cases.selectors.query import CaseQuery
from backend.core.errors import InvalidInput
from backend.reports.selectors import cases_matching
from backend.wards.selectors import wards_visible_to


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Send each role to where it works."""
    user: Any = request.user
    if user.role == Role.ADMIN or (user.is_superuser and not user.role):
        return redirect("admin:index")
    if user.role == Role.WARD_LEADER:
        # Leaders work from the map of their ward's violations.
        return redirect("map")
    if user.role == Role.CITY_AUDITOR:
        # The city audits every ward's timelines and figures.
        return redirect("audit_dashboard")
    return redirect("case_list")


class SignInView(LoginView):
    """The login page. Inspectors then land on the field app's Today (issue 14 §3):
    their day is in the field. Everyone else goes home (`home` sends each role
    on), and an explicit ?next= wins for all."""

    template_name = "web/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        user: Any = self.request.user
        if user.is_authenticated and user.role == Role.INSPECTOR:
            return reverse("field_app")
        return str(super().get_default_redirect_url())


CASE_LIST_FIELDS = (
    "id", "code", "address", "detected_at", "stage", "violation_type", "stage_deadline",
    "ward__id", "ward__name",
)  # fmt: skip


@login_required
@require_safe
def case_list(request: HttpRequest) -> HttpResponse:
    # The audit dashboard and the map link here with the case query (CaseQuery).
    # The list shows names, codes and dates: no geometry is read (a ward's
    # boundary, a permit's parcel) — 200 rows of them cost more than the query.
    wards = wards_visible_to(request.user).only("id", "code", "name").order_by("name")
    try:
        filters = CaseQuery.from_params(request.GET)
    except InvalidInput as exc:
        # The same page, escaped, with the reason and no list: never the input as markup.
        refused = {"cases": [], "wards": wards, "error": exc.message}
        return render(request, "web/case_list.html", refused, status=400)
    matching = cases_matching(request.user, filters)
    cases = (
        matching.select_related(None)
        .select_related("ward")
        .only(*CASE_LIST_FIELDS)
        .order_by("stage_deadline", "-detected_at")[:200]
    )
    context: dict[str, Any] = {"cases": cases, "wards": wards}
    if filters:
        context.update(filtered=True, matching_count=matching.count(), query=filters.link())
    return render(request, "web/case_list.html", context)


def _is_staff(request: HttpRequest) -> bool:
    try:  # the session and the user are read from the database, which may be down
        return bool(request.user.is_authenticated and request.user.is_staff)
    except DatabaseError:
        connection.close_if_unusable_or_obsolete()
        return False


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and PostGIS answer, 503 when they do not.

    Versions (and the error's kind) only for signed-in staff: to anyone else
    they would say which known vulnerabilities to try.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('server_version'), postgis_lib_version()")
            pg_version, postgis_version = cursor.fetchone()
    except DatabaseError as exc:
        connection.close_if_unusable_or_obsolete()
        down = {"status": "unavailable"}
        if _is_staff(request):
            down["error"] = exc.__class__.__name__
        return JsonResponse(down, status=503)
    if not _is_staff(request):
        return JsonResponse({"status": "ok"})
    return JsonResponse(
        {"status": "ok", "database": {"postgresql": pg_version, "postgis": postgis_version}}
    )
