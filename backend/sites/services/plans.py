"""New versions of a ward's inspection plan (or of the city default)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from backend.accounts.models import Role, User
from backend.accounts.selectors import Viewer, ward_ids_of
from backend.core.errors import Conflict, InvalidInput, NotAllowed
from backend.sites.models import InspectionPlanRule, PlanCondition, PlanMode, PlanScope, Site
from backend.sites.services.schedule import sites_schedule_refresh
from backend.wards.models import Ward

# The longest period a plan may set: a rule beyond it would in practice never
# bring a visit while the works last, which the plan must not allow.
MAX_PERIOD = {"working_days": 260, "calendar_days": 366, "months": 12}


def plan_rule_check(
    *, condition: str, scope: str, mode: str, amount: int | None, unit: str
) -> None:
    """Refuse a rule that would schedule no visit at all, or makes no sense."""
    if condition not in PlanCondition.values:
        raise InvalidInput(_("Choose which sites the rule applies to."), field="condition")
    if scope not in PlanScope.values:
        raise InvalidInput(_("Choose the kind of works the rule applies to."), field="scope")
    if mode not in PlanMode.values:
        raise InvalidInput(_("Choose how often: every period, or once."), field="mode")
    if unit not in MAX_PERIOD:
        raise InvalidInput(_("Choose working days, calendar days or months."), field="unit")
    if amount is None or amount < 1:
        raise InvalidInput(
            _("A rule must schedule visits: the period is at least 1."), field="amount"
        )
    if amount > MAX_PERIOD[unit]:
        raise InvalidInput(
            _("A period over %(max)s %(unit)s would schedule no visit while the works last.")
            % {
                "max": MAX_PERIOD[unit],
                "unit": dict(InspectionPlanRule._meta.get_field("unit").choices or [])[unit],
            },
            field="amount",
        )


@transaction.atomic
def plan_rule_add(
    *,
    actor: Viewer,
    ward: Ward | None,
    condition: str,
    mode: str,
    amount: int | None,
    unit: str,
    effective_from: datetime.date,
    basis: str,
    scope: str = PlanScope.ALL,
    note: str = "",
) -> InspectionPlanRule:
    """Add a version: a ward's leader for their ward, an administrator for any ward or the default."""
    if not (actor.is_authenticated and isinstance(actor, User)):
        raise NotAllowed(_("Sign in to change an inspection plan."))
    if ward is None:
        if not (actor.is_superuser or actor.role == Role.ADMIN):
            raise NotAllowed(_("Only an administrator changes the default plan of every ward."))
    elif not (actor.is_superuser or actor.role == Role.ADMIN) and not (
        actor.role == Role.WARD_LEADER and ward.pk in ward_ids_of(actor)
    ):
        raise NotAllowed(_("Only the ward's leaders change its inspection plan."))
    plan_rule_check(condition=condition, scope=scope, mode=mode, amount=amount, unit=unit)
    if not basis.strip():
        raise InvalidInput(
            _("Say whose decision the rule is (the ward's inspection plan, a city instruction)."),
            field="basis",
        )
    if InspectionPlanRule.objects.filter(
        ward=ward, condition=condition, scope=scope, effective_from=effective_from
    ).exists():
        raise Conflict(
            _("A version of this rule already starts on %(day)s: choose another date.")
            % {"day": effective_from.strftime("%d/%m/%Y")},
            code="duplicate_version",
        )
    assert amount is not None
    rule = InspectionPlanRule.objects.create(
        ward=ward,
        condition=condition,
        scope=scope,
        mode=mode,
        amount=amount,
        unit=unit,
        effective_from=effective_from,
        basis=basis.strip(),
        note=note.strip(),
        created_by=actor,
    )
    affected = Site.objects.all() if ward is None else Site.objects.filter(ward__code=ward.code)
    sites_schedule_refresh(affected)
    return rule
