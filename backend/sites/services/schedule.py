"""When each site is next visited: its inspection plan, counted on the working-day calendar.

A site's plan condition is "with a violation" once a case is known on it
(an open case, or any past one: such a site is watched more closely for
good), otherwise its status. The rule in force today for that condition
(the ward's own version beats the city default, a rule for the site's kind
of works beats one for all) says how:

- "every" N: N after the last visit (or, never visited, after the status began);
- "once" within N: N after the status began, unless a visit has been made since.

No rule for the condition: no visit scheduled (the site is still listed).
A completed site takes no visit until it is reopened.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from backend.cases.models import ViolationCase
from backend.cases.selectors import WorkCalendar, add_period, work_calendar
from backend.sites.models import (
    CLOSED_STATUSES,
    InspectionPlanRule,
    PlanCondition,
    PlanMode,
    PlanScope,
    Site,
)


@dataclass(frozen=True)
class PlanBook:
    """The rules in force on one day, looked up by (ward code, condition, scope)."""

    day: datetime.date
    rules: dict[tuple[str | None, str, str], InspectionPlanRule]

    def rule_for(
        self, ward_code: str, condition: str, small_works: bool
    ) -> InspectionPlanRule | None:
        scope = PlanScope.SMALL_WORKS if small_works else PlanScope.PERMITTED
        for key in (
            (ward_code, condition, scope),
            (ward_code, condition, PlanScope.ALL),
            (None, condition, scope),
            (None, condition, PlanScope.ALL),
        ):
            rule = self.rules.get(key)
            if rule is not None:
                return rule
        return None


def plan_book(day: datetime.date, ward_codes: Iterable[str] | None = None) -> PlanBook:
    """Every rule version in force on `day` (the latest `effective_from` not after it)."""
    qs = InspectionPlanRule.objects.filter(effective_from__lte=day).select_related("ward")
    if ward_codes is not None:
        qs = qs.filter(Q(ward__isnull=True) | Q(ward__code__in=list(ward_codes)))
    rules: dict[tuple[str | None, str, str], InspectionPlanRule] = {}
    # Oldest first: a later version overwrites the one it replaces.
    for rule in qs.order_by("effective_from", "id"):
        key = (rule.ward.code if rule.ward is not None else None, rule.condition, rule.scope)
        rules[key] = rule
    return PlanBook(day=day, rules=rules)


def condition_of(site: Site, *, has_case: bool) -> str:
    if site.had_violation or has_case:
        return PlanCondition.WITH_VIOLATION
    return str(site.status)


def next_visit_due(
    site: Site, rule: InspectionPlanRule | None, calendar: WorkCalendar
) -> datetime.date | None:
    """The day the plan asks the next visit by (None: nothing scheduled)."""
    if rule is None or site.status in CLOSED_STATUSES:
        return None
    began = site.status_since
    if rule.mode == PlanMode.ONCE:
        if site.last_visit_on is not None and site.last_visit_on >= began:
            return None
        return add_period(began, rule.amount, rule.unit, calendar)
    anchor = site.last_visit_on or began
    return add_period(anchor, rule.amount, rule.unit, calendar)


def site_schedule_set(
    site: Site, *, has_case: bool, book: PlanBook, calendar: WorkCalendar
) -> bool:
    """Set the site's plan rule, next visit due and violation flag in place; True if changed."""
    rule = book.rule_for(site.ward.code, condition_of(site, has_case=has_case), site.small_works)
    due = next_visit_due(site, rule, calendar)
    had_violation = site.had_violation or has_case
    rule_id = rule.pk if rule is not None else None
    if (site.next_visit_due, site.plan_rule_id, site.had_violation) == (
        due,
        rule_id,
        had_violation,
    ):
        return False
    site.next_visit_due, site.plan_rule_id, site.had_violation = due, rule_id, had_violation
    return True


def _with_case_flag(qs: QuerySet[Site]) -> QuerySet[Site]:
    permit_case = ViolationCase.objects.filter(permit_id=OuterRef("permit_id"))
    linked_case = Site.cases.through.objects.filter(site_id=OuterRef("pk"))
    return qs.annotate(has_permit_case=Exists(permit_case), has_linked_case=Exists(linked_case))


@transaction.atomic
def sites_schedule_refresh(
    sites: QuerySet[Site] | None = None,
    *,
    today: datetime.date | None = None,
    calendar: WorkCalendar | None = None,
) -> int:
    """Recompute the plan rule and next visit due of `sites` (all by default).

    Returns how many sites changed. Cheap enough for the hourly scan: the
    rules and the calendar are read once, and only changed rows are written.
    """
    day = today or timezone.localdate()
    cal = calendar if calendar is not None else work_calendar()
    qs = _with_case_flag(
        (sites if sites is not None else Site.objects.all()).select_related("ward")
    )
    book = plan_book(day)
    changed: list[Site] = []
    for site in qs.order_by("id").iterator(chunk_size=2000):
        has_case = bool(
            getattr(site, "has_permit_case", False) or getattr(site, "has_linked_case", False)
        )
        if site_schedule_set(site, has_case=has_case, book=book, calendar=cal):
            changed.append(site)
    Site.objects.bulk_update(
        changed, ["next_visit_due", "plan_rule", "had_violation"], batch_size=2000
    )
    return len(changed)


def site_schedule_refresh(site: Site, *, today: datetime.date | None = None) -> Site:
    """One site's schedule after a change to it (a visit, a status, a case linked)."""
    sites_schedule_refresh(Site.objects.filter(pk=site.pk), today=today)
    site.refresh_from_db(fields=["next_visit_due", "plan_rule", "had_violation"])
    return site
