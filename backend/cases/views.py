"""The case page: where the site is, what happened, what is due, and what to do now."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from backend.accounts.selectors import ward_ids_of
from backend.audit.models import EventKind
from backend.cases.documents.generation import GENERATED_TYPES
from backend.cases.documents.required_data import document_missing
from backend.cases.fine_payment import vnd
from backend.cases.models import DocumentType, Stage, ViolationCase
from backend.cases.selectors import (
    case_actions_for,
    case_appeals,
    case_deadline,
    case_fine,
    case_history,
    case_steps,
    cases_visible_to,
)
from backend.cases.services.editing import case_update
from backend.cases.services.transition import case_transition
from backend.cases.workflow.action import Action
from backend.cases.workflow.appeal_steps import (
    COMPLAINT_OUTCOME_CHOICES,
    PREVENTIVE_MEASURE_CHOICES,
)
from backend.cases.workflow.choices import FINE_RELIEF_CHOICES, SERVICE_METHOD_CHOICES
from backend.cases.workflow.fields import SITE_FIELDS, VIOLATOR_FIELDS, Field
from backend.cases.workflow.input_cleaning import (
    ActionInputInvalid,
    clean_edited_facts,
    form_fields,
    parse_expected_version,
)
from backend.cases.workflow.stages import MAIN_PATH
from backend.cases.workflow.table import ACTIONS
from backend.core.errors import ServiceError
from backend.intake.selectors import tips_visible_to
from backend.photos.selectors import case_photos, photo_warning_texts
from backend.sites.selectors import sites_of_case
from backend.wards.selectors import ward_outline_near

DETAIL_FIELDS = (*VIOLATOR_FIELDS, *SITE_FIELDS)


def _display_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def _form(
    fields: list[Field] | tuple[Field, ...],
    case: ViolationCase,
    actor: Any,
    submitted: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> list[dict[str, Any]]:
    """What the template needs to draw each input: value, choices, error."""
    out = []
    for f in fields:
        if submitted is not None and f.kind == "bool":
            value: Any = submitted.get(f.name, "")
        elif submitted is not None and f.name in submitted:
            value = submitted[f.name]
        else:
            value = f.initial_for(case, actor)
        out.append(
            {
                "name": f.name,
                "kind": f.kind,
                "label": f.label,
                "required": f.required,
                "value": _display_value(value),
                "checked": bool(value) and value not in ("0", "false", "off"),
                "choices": f.choices_for(case) if f.kind == "choice" else [],
                "help_text": f.help_text_for(case),
                "error": (errors or {}).get(f.name, ""),
                "is_case_fact": f.target == "case",
            }
        )
    return out


def _iso_date(value: Any) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _step_details(
    spec: Action | None, case: ViolationCase, data: dict[str, Any]
) -> list[tuple[Any, str]]:
    """The step's own fields, labelled and shown as a reader expects (choices, dates, money)."""
    if spec is None:
        return []
    out: list[tuple[Any, str]] = []
    for f in spec.fields:
        value = data.get(f.name)
        if f.target != "step" or value in (None, "") or f.name == "signer":
            continue
        if f.kind == "choice":
            shown = str(dict(f.choices_for(case)).get(value, value))
        elif f.kind == "bool":
            shown = _("yes") if value else _("no")
        elif f.kind == "date":
            day = _iso_date(value)
            shown = day.strftime("%d/%m/%Y") if day else str(value)
        elif f.kind == "int" and f.money:
            shown = vnd(int(value))
        else:
            shown = str(value)
        out.append((f.label, shown))
    if data.get("child_case"):
        out.append((_("New case"), data["child_case"]))
    return out


DEADLINE_EVENTS = {
    "act": gettext_lazy("the date of the act"),
    "record": gettext_lazy("the violation record"),
    "issue": gettext_lazy("the decision's issue"),
    "receipt": gettext_lazy("the violator's receipt of the decision"),
}
FINE_STATES = {
    "awaiting_service": gettext_lazy("the period to pay starts when the decision is received"),
    "due": gettext_lazy("to be paid"),
    "overdue": gettext_lazy("paid late or not paid"),
    "enforcement": gettext_lazy("enforcement decided"),
    "paid": gettext_lazy("paid in full"),
}


def _deadline_start(counted_from: dict[str, Any] | None) -> dict[str, Any] | None:
    """What the running deadline counts from, in words, for the page."""
    if not counted_from:
        return None
    methods = dict(SERVICE_METHOD_CHOICES)
    return {
        "event": DEADLINE_EVENTS.get(counted_from.get("event", ""), counted_from.get("event")),
        "on": _iso_date(counted_from.get("on")),
        "method": methods.get(counted_from.get("method") or ""),
    }


def _appeals_view(case: ViolationCase) -> dict[str, Any] | None:
    """Complaints, lawsuits, the suspension and the preventive measures, for the page."""
    status = case_appeals(case)
    if status.is_empty():
        return None
    outcomes, kinds = dict(COMPLAINT_OUTCOME_CHOICES), dict(PREVENTIVE_MEASURE_CHOICES)

    def on(answer: dict[str, Any] | None) -> datetime.date | None:
        return datetime.date.fromisoformat(answer["on"]) if answer else None

    return {
        "status": status,
        "suspended_on": on(status.suspension),
        "complaints": [
            (c, on(c.decision), outcomes.get(str((c.decision or {}).get("outcome")), ""))
            for c in status.complaints
        ],
        "lawsuits": status.lawsuits,
        "measures": [(m, kinds.get(m.kind, m.kind), on(m.released)) for m in status.measures],
    }


def _fine_view(case: ViolationCase) -> dict[str, Any] | None:
    """The fine as the page shows it: amounts in đồng as Vietnamese write them."""
    status = case_fine(case)
    if status is None:
        return None
    return {
        "status": status,
        "state": status.state,
        "state_label": FINE_STATES[status.state],
        "amount": vnd(status.amount),
        "paid": vnd(status.paid),
        "outstanding": vnd(status.outstanding),
        "interest": vnd(status.interest_accrued),
        "interest_outstanding": vnd(status.interest_outstanding),
        "rate": f"{status.interest_rate_ppm / 10_000:g}".replace(".", ","),
        "schedule": [(i.due, vnd(i.amount)) for i in status.schedule],
        "payments": [
            (p.paid_on, p.receipt_number, vnd(p.amount), vnd(p.interest_paid), p.place_paid)
            for p in status.payments
        ],
        "relief_pending": (
            dict(FINE_RELIEF_CHOICES).get(str(status.relief_pending.get("kind")), "")
            if status.relief_pending
            else ""
        ),
    }


def _progress(case: ViolationCase, steps: list[Any]) -> list[dict[str, Any]]:
    visited = (
        {Stage.DETECTED.value} | {s.stage_before for s in steps} | {s.stage_after for s in steps}
    )
    out = []
    for stage in MAIN_PATH:
        if stage == case.stage:
            state = "current"
        elif stage in visited:
            state = "done"
        else:
            state = "todo"
        out.append({"stage": stage, "label": Stage(stage).label, "state": state})
    return out


def _tip_link(event: Any, tip_ids: dict[str, int]) -> dict[str, Any] | None:
    """A citizen's report that led to the case: its code, how, and its page if visible."""
    if event.kind != EventKind.TIP_LINKED:
        return None
    payload = event.payload or {}
    code = payload.get("tip_code") or ""
    return {
        "code": code,
        "id": tip_ids.get(code),
        "opened": payload.get("how") == "opened",
    }


def _page(
    request: HttpRequest,
    case: ViolationCase,
    *,
    failed_action: str = "",
    submitted: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    user: Any = request.user
    steps = list(case_steps(case))
    now = case_actions_for(user, case)
    action_forms = []
    for spec in now.available:
        failed = spec.code == failed_action
        action_forms.append(
            {
                "spec": spec,
                "target_label": Stage(spec.target_stage(case.stage)).label,
                "fields": _form(
                    form_fields(spec),
                    case,
                    user,
                    submitted if failed else None,
                    errors if failed else None,
                ),
                "open": failed,
                "error": (errors or {}).get("detail", "") if failed else "",
            }
        )
    photos = case_photos(user, case)
    documents = [
        {
            "type": s.document_type,
            "number": s.document_number,
            "label": DocumentType(s.document_type).label,
            "missing": document_missing(case, s.document_type, s),
        }
        for s in steps
        if s.document_type in GENERATED_TYPES
    ]
    can_edit = case.ward_id in ward_ids_of(user) and case.is_open
    events = list(case_history(case))
    tip_codes = {
        (e.payload or {}).get("tip_code")
        for e in events
        if e.kind == EventKind.TIP_LINKED and (e.payload or {}).get("tip_code")
    }
    # The report's page for those who may see it (its ward's staff, the city's roles).
    tip_ids = (
        dict(tips_visible_to(user).filter(code__in=tip_codes).values_list("code", "pk"))
        if tip_codes
        else {}
    )
    history = []
    for event in events:
        payload = event.payload or {}
        taken = ACTIONS.get(payload.get("action", ""))
        history.append(
            {
                "event": event,
                "moved": (
                    (Stage(event.stage_before).label, Stage(event.stage_after).label)
                    if event.stage_before in Stage.values
                    and event.stage_after in Stage.values
                    and event.stage_before != event.stage_after
                    else None
                ),
                "label": taken.label if taken else event.kind_label(),
                "occurred_on": _iso_date(payload.get("occurred_on")),
                "document": payload.get("document"),
                "deadline_due": _iso_date((payload.get("deadline") or {}).get("due")),
                "on_time": payload.get("on_time"),
                "days_late": payload.get("days_late") or 0,
                "note": payload.get("note"),
                "details": _step_details(taken, case, payload.get("data") or {}),
                "tip": _tip_link(event, tip_ids),
            }
        )
    deadline = case_deadline(case)
    context = {
        "case": case,
        "deadline": deadline,
        "deadline_start": _deadline_start(deadline.counted_from if deadline else None),
        "fine": _fine_view(case),
        "appeals": _appeals_view(case),
        "progress": _progress(case, steps),
        "action_forms": action_forms,
        "blocked": now.blocked,
        "history": history,
        "photos": photos,
        "photo_choices": [
            {"photo": p, "warnings": photo_warning_texts(p), "default": not p.warnings}
            for p in photos
        ],
        "documents": documents,
        "children": list(case.child_cases.order_by("id")),
        "sites": list(sites_of_case(user, case.pk)),
        "details_form": _form(
            DETAIL_FIELDS,
            case,
            user,
            submitted if failed_action == "details" else None,
            errors if failed_action == "details" else None,
        ),
        "details_open": failed_action == "details",
        "can_edit": can_edit,
        "basemap_url": settings.TTXD_BASEMAP_URL,
        "basemap_attribution": settings.TTXD_BASEMAP_ATTRIBUTION,
        "footprint_geojson": case.footprint.geojson if case.footprint else "",
        # Context without a base map: the ward's boundary nearby and the permit's parcel.
        "ward_outline": ward_outline_near(case.ward_id, case.location),
        "parcel_geojson": case.permit.parcel.geojson
        if case.permit is not None and case.permit.parcel is not None
        else "",
    }
    return render(request, "cases/case_detail.html", context, status=status)


@login_required
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(cases_visible_to(request.user), pk=pk)
    return _page(request, case)


def _posted(request: HttpRequest) -> dict[str, Any]:
    return {k: v for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken",)}


@login_required
@require_POST
def case_act(request: HttpRequest, pk: int) -> HttpResponse:
    """A form on the case page takes one action through the workflow service."""
    case = get_object_or_404(cases_visible_to(request.user), pk=pk)
    raw = _posted(request)
    action = raw.pop("action", "")
    version_sent = raw.pop("expected_version", None)
    spec: Action | None = ACTIONS.get(action)
    if spec is not None:
        # Unticked checkboxes are simply absent from a form post.
        for f in spec.fields:
            if f.kind == "bool" and f.name not in raw:
                raw[f.name] = "0"
    try:
        case_transition(
            actor=request.user,
            case=case,
            action=action,
            data=raw,
            attachment=request.FILES.get("attachment"),
            expected_version=parse_expected_version(version_sent),
        )
    except ActionInputInvalid as exc:
        return _page(
            request, case, failed_action=action, submitted=raw, errors=exc.errors, status=400
        )
    except ServiceError as exc:
        fresh = cases_visible_to(request.user).get(pk=pk)
        messages.error(request, str(exc.message))
        return _page(
            request,
            fresh,
            failed_action=action,
            submitted=raw,
            errors={"detail": str(exc.message)},
            status=exc.status,
        )
    messages.success(request, _("Done: %(action)s.") % {"action": spec.label if spec else action})
    return redirect("case_detail", pk=pk)


@login_required
@require_POST
def case_details_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct the facts the documents reuse (violator, parcel, scale of the works)."""
    case = get_object_or_404(cases_visible_to(request.user), pk=pk)
    user: Any = request.user
    if case.ward_id not in ward_ids_of(user):
        messages.error(request, _("Only the ward's inspectors and leaders may change its cases."))
        return _page(request, case, status=403)
    raw = _posted(request)
    try:
        changes = clean_edited_facts(DETAIL_FIELDS, raw, case=case)
    except ActionInputInvalid as exc:
        return _page(
            request, case, failed_action="details", submitted=raw, errors=exc.errors, status=400
        )
    try:
        case_update(actor=request.user, case=case, changes=changes)
    except ServiceError as exc:
        messages.error(request, str(exc.message))
        return _page(request, case, failed_action="details", submitted=raw, status=exc.status)
    messages.success(request, _("The case details were saved."))
    return redirect("case_detail", pk=pk)
