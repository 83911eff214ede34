"""Reads of sites and visits, all through the ward access rules."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet

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
