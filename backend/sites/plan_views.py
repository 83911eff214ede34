"""The inspection-plan page: the plan in force for a ward, its versions, and a new version.

Ward leaders add versions of their ward's plan; administrators of any ward's
and of the city default; inspectors and city auditors read. A ward user sees
only the plans of their wards (and the default rules those plans fall back on).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from backend.accounts.models import Role
from backend.accounts.selectors import user_sees_all_wards, ward_ids_of
from backend.core.error_pages import error_page
from backend.core.errors import Conflict, ServiceError
from backend.sites.models import InspectionPlanRule, PlanCondition, PlanMode, PlanScope
from backend.sites.services.plans import plan_rule_add
from backend.sites.services.schedule import plan_book
from backend.wards.models import Ward
from backend.wards.selectors import wards_valid_on, wards_visible_to

DEFAULT = "default"  # the ?ward= value of the city default plan
UNITS = InspectionPlanRule._meta.get_field("unit").choices or []


class PlanRuleForm(forms.Form):
    condition = forms.ChoiceField(label=gettext_lazy("Applies to"), choices=PlanCondition.choices)
    scope = forms.ChoiceField(
        label=gettext_lazy("Kind of works"), choices=PlanScope.choices, initial=PlanScope.ALL
    )
    mode = forms.ChoiceField(label=gettext_lazy("How"), choices=PlanMode.choices)
    # Not required here: an empty or zero period is refused by plan_rule_check,
    # with the reason (a rule must schedule visits).
    amount = forms.IntegerField(
        label=gettext_lazy("Period"),
        required=False,
        widget=forms.NumberInput(attrs={"min": "1", "inputmode": "numeric"}),
    )
    unit = forms.ChoiceField(label=gettext_lazy("Unit"), choices=UNITS)
    effective_from = forms.DateField(
        label=gettext_lazy("In force from"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    basis = forms.CharField(
        label=gettext_lazy("Basis"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Whose decision or guidance this rule is."),
    )
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


@dataclass
class Cell:
    rule: InspectionPlanRule | None
    own: bool

    @property
    def text(self) -> str:
        return rule_text(self.rule) if self.rule is not None else ""


@dataclass
class Version:
    rule: InspectionPlanRule
    # in_force | upcoming | overridden (a default the ward's own rule replaces) | replaced
    state: str

    @property
    def text(self) -> str:
        return rule_text(self.rule)


@dataclass
class ConditionRow:
    condition: str
    label: str
    permitted: Cell
    small_works: Cell


def rule_text(rule: InspectionPlanRule) -> str:
    values = {"amount": rule.amount, "unit": rule.get_unit_display()}
    if rule.mode == PlanMode.ONCE:
        return _("Once, within %(amount)s %(unit)s of its start") % values
    return _("Every %(amount)s %(unit)s") % values


def _ward_on(code: str, today: datetime.date) -> Ward | None:
    """The version of the ward valid today, else its latest one."""
    versions = Ward.objects.filter(code=code)
    current = wards_valid_on(today).filter(code=code).order_by("-valid_from").first()
    return current or versions.order_by("-valid_from").first()


def _wards_for(user: Any, today: datetime.date) -> list[tuple[str, str]]:
    """(code, name) of the wards whose plan the user may read, one per code."""
    rows = wards_visible_to(user).order_by("code", "-valid_from").distinct("code")
    return sorted(((w.code, w.name) for w in rows), key=lambda w: (w[1], w[0]))


def _may_edit(user: Any, code: str | None) -> bool:
    if user.is_superuser or user.role == Role.ADMIN:
        return True
    if code is None or user.role != Role.WARD_LEADER:
        return False
    return Ward.objects.filter(pk__in=ward_ids_of(user), code=code).exists()


def _plan_rows(code: str | None, today: datetime.date) -> list[ConditionRow]:
    book = plan_book(today, [code] if code else [])

    def cell(condition: str, scope: str) -> Cell:
        keys: list[tuple[str | None, str, str]] = [
            (None, condition, scope),
            (None, condition, PlanScope.ALL),
        ]
        if code:
            keys = [(code, condition, scope), (code, condition, PlanScope.ALL), *keys]
        for key in keys:
            rule = book.rules.get(key)
            if rule is not None:
                return Cell(rule=rule, own=rule.ward_id is not None)
        return Cell(rule=None, own=False)

    return [
        ConditionRow(
            condition=value,
            label=str(label),
            permitted=cell(value, PlanScope.PERMITTED),
            small_works=cell(value, PlanScope.SMALL_WORKS),
        )
        for value, label in PlanCondition.choices
    ]


def _versions(code: str | None, rows: list[ConditionRow], today: datetime.date) -> list[Version]:
    applied = {c.rule.pk for r in rows for c in (r.permitted, r.small_works) if c.rule}
    scope = Q(ward__isnull=True) | Q(ward__code=code) if code else Q(ward__isnull=True)
    versions = list(
        InspectionPlanRule.objects.filter(scope)
        .select_related("ward", "created_by")
        .order_by("condition", "scope", "ward_id", "-effective_from", "-id")
    )
    newest: dict[tuple[Any, str, str], int] = {}
    for rule in versions:  # the plan's versions: a few dozen rows at most
        if rule.effective_from <= today:
            newest.setdefault((rule.ward_id, rule.condition, rule.scope), rule.pk)
    out = []
    for rule in versions:
        key = (rule.ward_id, rule.condition, rule.scope)
        if rule.pk in applied:
            state = "in_force"
        elif rule.effective_from > today:
            state = "upcoming"
        elif newest.get(key) == rule.pk:
            state = "overridden"
        else:
            state = "replaced"
        out.append(Version(rule=rule, state=state))
    return out


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def inspection_plan_page(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    today = timezone.localdate()
    wards = _wards_for(user, today)
    sees_all = user_sees_all_wards(user) or user.is_superuser
    asked = request.GET.get("ward", "")
    if not wards and not sees_all:
        message = _("You work in no ward: ask an administrator to add you to yours.")
        return error_page(request, message, status=404)
    if asked == DEFAULT or (not asked and sees_all):
        code: str | None = None
        if not sees_all:
            return error_page(request, _("No such ward in your wards."), status=404)
    elif not asked:
        code = wards[0][0]
    elif asked in {c for c, _name in wards}:
        code = asked
    else:
        return error_page(request, _("No such ward in your wards."), status=404)
    ward = _ward_on(code, today) if code else None
    editable = _may_edit(user, code)
    status = 200
    form = PlanRuleForm(initial={"effective_from": today, "scope": PlanScope.ALL})
    if request.method == "POST":
        if not editable:
            messages.error(request, _("Only the ward's leaders change its inspection plan."))
            status = 403
        else:
            form = PlanRuleForm(request.POST)
            status = 400
            if form.is_valid():
                data = form.cleaned_data
                try:
                    plan_rule_add(
                        actor=user,
                        ward=ward,
                        condition=data["condition"],
                        scope=data["scope"],
                        mode=data["mode"],
                        amount=data["amount"],
                        unit=data["unit"],
                        effective_from=data["effective_from"],
                        basis=data["basis"],
                        note=data["note"],
                    )
                except Conflict as exc:
                    form.add_error(exc.field or "effective_from", str(exc.message))
                    status = exc.status
                except ServiceError as exc:
                    field = exc.field if exc.field in form.fields else None
                    form.add_error(field, str(exc.message))
                    status = exc.status
                else:
                    messages.success(request, _("The new version of the plan was added."))
                    query = f"?ward={code or DEFAULT}"
                    return redirect(reverse("inspection_plan") + query)
    rows = _plan_rows(code, today)
    context = {
        "today": today,
        "code": code,
        "ward": ward,
        "wards": wards,
        "sees_all": sees_all,
        "default_value": DEFAULT,
        "rows": rows,
        "versions": _versions(code, rows, today),
        "editable": editable,
        "form": form,
    }
    return render(request, "sites/plan.html", context, status=status)
