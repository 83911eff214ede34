"""The ward's desk for citizens' reports: the queue (/tips/) and one report
(/tips/{id}/) with its map, photos, history, suggested duplicates and the
triage forms. Ward staff act; the city's auditors read (without the
reporter's contact details)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from backend.accounts.models import WARD_ROLES
from backend.accounts.selectors import ward_ids_of
from backend.cases.models import ViolationCase, ViolationType
from backend.core.errors import InvalidInput, ServiceError
from backend.intake.actions import ACTIONS, tip_act, tips_spam
from backend.intake.models import Tip, TipCategory, TipStatus
from backend.intake.query import TipQuery
from backend.intake.reads import tip_detail, ward_inspectors, with_photo_counts
from backend.intake.selectors import (
    reporters_visible_to,
    tip_is_overdue,
    tips_overdue,
    tips_visible_to,
)
from backend.wards.selectors import wards_visible_to

QUEUE_LIMIT = 300
DEFAULT_STATUSES = ",".join([TipStatus.RECEIVED, TipStatus.VERIFYING])


def _can_act(user: Any, tip: Tip) -> bool:
    return bool(
        user.is_authenticated
        and getattr(user, "role", "") in WARD_ROLES
        and tip.ward_id in ward_ids_of(user)
    )


def _queue_params(request: HttpRequest) -> dict[str, Any]:
    params = request.GET.copy()
    if "status" not in params:
        params["status"] = DEFAULT_STATUSES
    return params


@login_required
@require_GET
def tip_queue(request: HttpRequest) -> HttpResponse:
    """New and being-verified reports first by their response date, overdue marked."""
    user: Any = request.user
    visible = tips_visible_to(user)
    today = timezone.localdate()
    context: dict[str, Any] = {
        "statuses": TipStatus.choices,
        "categories": TipCategory.choices,
        "wards": wards_visible_to(user).order_by("name") if user.is_city else [],
        "new_count": visible.filter(status=TipStatus.RECEIVED).count(),
        "overdue_count": tips_overdue(visible, today).count(),
        "can_act": getattr(user, "role", "") in WARD_ROLES,
        "reporter_wards": reporters_visible_to(user),
    }
    params = _queue_params(request)
    try:
        query = TipQuery.from_params(params)
    except InvalidInput as exc:
        context.update(tips=[], error=exc.message, chosen={})
        return render(request, "intake/desk/queue.html", context, status=400)
    matching = query.apply_on(visible, today)
    tips = list(
        with_photo_counts(matching).order_by("response_due_on", "received_at", "id")[:QUEUE_LIMIT]
    )
    for tip in tips:
        tip.is_overdue = tip_is_overdue(tip, today)  # type: ignore[attr-defined]
    chosen = query.as_params()
    context.update(
        tips=tips,
        matching_count=matching.count(),
        chosen=chosen,
        chosen_statuses=set((chosen.get("status") or "").split(",")),
        query=urlencode(chosen),
    )
    return render(request, "intake/desk/queue.html", context)


@login_required
@require_POST
def tip_queue_spam(request: HttpRequest) -> HttpResponse:
    """The queue's bulk action: the ticked reports are spam (all or none)."""
    if getattr(request.user, "role", "") not in WARD_ROLES:
        raise PermissionDenied(
            _("Only the ward's inspectors and leaders can handle citizens' reports.")
        )
    query = request.POST.get("query", "")
    back = reverse("tip_queue") + (f"?{query}" if query and "\n" not in query else "")
    try:
        done = tips_spam(request.user, request.POST.getlist("ids"))
    except ServiceError as exc:
        messages.error(request, str(exc.message))
        return redirect(back)
    messages.success(
        request,
        _("Marked as spam: %(codes)s.") % {"codes": ", ".join(t.code for t in done)},
    )
    return redirect(back)


def _page(
    request: HttpRequest,
    tip: Tip,
    *,
    failed: str = "",
    error: str = "",
    submitted: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    user: Any = request.user
    detail = tip_detail(user, tip)
    can_act = _can_act(user, tip) and tip.is_open
    suggestion = detail["suggested_violation_type"]
    context = {
        "tip": tip,
        "detail": detail,
        "can_act": can_act,
        "is_ward_staff": _can_act(user, tip),
        "failed": failed,
        "error": error,
        "submitted": submitted or {},
        "violation_types": ViolationType.choices,
        "suggested_type": (submitted or {}).get("violation_type")
        or (suggestion["code"] if suggestion else ""),
        "inspectors": ward_inspectors(tip) if can_act else [],
        "open_cases": [c for c in detail["duplicates"]["cases"] if c["is_open"]],
        "earlier_tips": [t for t in detail["duplicates"]["tips"] if t["earlier"]],
        "basemap_url": settings.TTXD_BASEMAP_URL,
        "basemap_attribution": settings.TTXD_BASEMAP_ATTRIBUTION,
    }
    return render(request, "intake/desk/tip.html", context, status=status)


@login_required
@require_GET
def tip_page(request: HttpRequest, pk: int) -> HttpResponse:
    tip = get_object_or_404(tips_visible_to(request.user), pk=pk)
    return _page(request, tip)


SUCCESS = {
    "verify": gettext_lazy("Verification started: the reporter reads “being verified”."),
    "send-inspector": gettext_lazy("An inspector was sent: the site is due for a visit today."),
    "dismiss": gettext_lazy("Dismissed: the reporter reads the reason."),
    "merge": gettext_lazy("Merged into the earlier report."),
    "link-case": gettext_lazy("Linked to the case: the reporter follows it."),
}


@login_required
@require_POST
def tip_page_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """A form of the report's page: one triage action, then back to the page."""
    if getattr(request.user, "role", "") not in WARD_ROLES:
        # The city's roles read; the page says so where it can.
        readable = tips_visible_to(request.user).filter(pk=pk).first()
        refusal = _("Only the ward's inspectors and leaders can handle citizens' reports.")
        if readable is None:
            raise PermissionDenied(refusal)
        return _page(request, readable, error=refusal, status=403)
    tip = get_object_or_404(tips_visible_to(request.user), pk=pk)
    submitted = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
    if action not in ACTIONS:
        return _page(request, tip, error=_("Unknown action."), status=400)
    try:
        result = tip_act(request.user, tip, action, submitted)
    except ServiceError as exc:
        fresh = tips_visible_to(request.user).get(pk=pk)
        return _page(
            request,
            fresh,
            failed=action,
            error=str(exc.message),
            submitted=submitted,
            status=exc.status,
        )
    if isinstance(result, ViolationCase):
        messages.success(
            request, _("Case %(code)s opened from this report.") % {"code": result.code}
        )
    else:
        messages.success(request, str(SUCCESS.get(action, _("Done."))))
    return redirect("tip_page", pk=pk)
