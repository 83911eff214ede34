"""Reads of sites and visits, all through the ward access rules."""

from __future__ import annotations

import datetime

from django.db.models import Case, CharField, Q, QuerySet, Value, When

from backend.accounts.selectors import Viewer, restrict_to_user_wards
from backend.sites.models import (
    CLOSED_STATUSES,
    InspectionPlanRule,
    Site,
    SiteEvent,
    Visit,
)


def sites_visible_to(user: Viewer) -> QuerySet[Site]:
    """Every site list, detail, tile, export and visit starts here."""
    return restrict_to_user_wards(Site.objects.select_related("ward", "permit"), user)


def visits_visible_to(user: Viewer) -> QuerySet[Visit]:
    return Visit.objects.filter(site__in=sites_visible_to(user).values("pk")).select_related(
        "site", "inspector", "case"
    )


def site_events_of(site: Site) -> QuerySet[SiteEvent]:
    return SiteEvent.objects.filter(site=site).select_related("actor", "visit").order_by("at", "id")


def inspection_overdue_q(today: datetime.date) -> Q:
    """The one definition of "overdue for inspection": a site taking visits whose
    next visit was due before `today` (the local date)."""
    return Q(next_visit_due__lt=today) & ~Q(status__in=list(CLOSED_STATUSES))


def inspection_due_by_q(day: datetime.date) -> Q:
    """Sites whose next visit falls due on or before `day` (overdue included)."""
    return Q(next_visit_due__lte=day) & ~Q(status__in=list(CLOSED_STATUSES))


def plan_rules_of_ward(ward_id: int | None) -> QuerySet[InspectionPlanRule]:
    """A ward's own rule versions and the city defaults, newest first."""
    return InspectionPlanRule.objects.filter(Q(ward_id=ward_id) | Q(ward__isnull=True)).order_by(
        "condition", "scope", "-effective_from", "-id"
    )


# "Due" on the map and in lists: the next visit falls within this many days.
DUE_SOON_DAYS = 7


class InspectionState:
    """Where a site stands against its plan: one word for lists, tiles and pages."""

    OVERDUE = "overdue"  # the next visit was due before today
    DUE = "due"  # due today or within DUE_SOON_DAYS
    SCHEDULED = "scheduled"  # due later
    NONE = "none"  # nothing scheduled (completed, or no plan rule applies)


def inspection_state(site: Site, today: datetime.date) -> str:
    if site.status in CLOSED_STATUSES or site.next_visit_due is None:
        return InspectionState.NONE
    if site.next_visit_due < today:
        return InspectionState.OVERDUE
    if site.next_visit_due <= today + datetime.timedelta(days=DUE_SOON_DAYS):
        return InspectionState.DUE
    return InspectionState.SCHEDULED


def inspection_state_expression(today: datetime.date) -> Case:
    """inspection_state in SQL (the tiles and the OGC collection)."""
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    return Case(
        When(
            Q(status__in=list(CLOSED_STATUSES)) | Q(next_visit_due__isnull=True),
            then=Value(InspectionState.NONE),
        ),
        When(next_visit_due__lt=today, then=Value(InspectionState.OVERDUE)),
        When(next_visit_due__lte=soon, then=Value(InspectionState.DUE)),
        default=Value(InspectionState.SCHEDULED),
        output_field=CharField(),
    )


def site_of_permit(user: Viewer, permit_id: int) -> Site | None:
    """The permit's site, if this user may see it (links from permit popups)."""
    return sites_visible_to(user).filter(permit_id=permit_id).first()


def sites_of_case(user: Viewer, case_id: int) -> QuerySet[Site]:
    """The sites a case is tied to that this user may see (links from the case page)."""
    return sites_visible_to(user).filter(cases__id=case_id).order_by("id")
