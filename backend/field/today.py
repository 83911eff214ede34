"""The inspector's day (issue 14 §3): the stops of Today, in route order.

A stop is a site due or overdue for a visit (the inspection plan's
next_visit_due, backend.sites) or an open case whose stage deadline falls
this week or has passed (backend.cases), in the user's wards. Both come
through their app's access selector, one query each, at most STOP_LIMIT of
each kind, the most urgent first; the day keeps the STOP_LIMIT most urgent
of them all and gis.route orders them from where the inspector stands, or,
without a position, from the most urgent stop.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.gis.geos import Point

from backend.accounts.selectors import Viewer
from backend.cases.models import OPEN_STAGES, ViolationCase
from backend.cases.selectors import case_is_overdue, cases_visible_to
from backend.field.selectors import photo_count
from backend.sites.models import Site, SiteStatus
from backend.sites.selectors import inspection_due_by_q, sites_visible_to
from gis.route import LatLon, great_circle_m, plan_route

# A day's work, and what the route is benchmarked at (bench/bench_today.py).
STOP_LIMIT = 50

SITE = "site"
CASE = "case"


def week_end(today: datetime.date) -> datetime.date:
    """The Sunday of today's week (weeks run Monday to Sunday)."""
    return today + datetime.timedelta(days=6 - today.weekday())


def choice_label(field_choices: Any, value: str) -> str:
    """A choice's label, translated. Model.get_FOO_display hashes every label of
    the field's choices on each call (a gettext each): with the long list of
    violation types that made a list of 50 cases cost tens of milliseconds."""
    return str(dict(field_choices).get(value, value))


def _display(day: datetime.date | None) -> str | None:
    return day.strftime("%d/%m/%Y") if day else None


@dataclass
class Stop:
    kind: str
    id: int
    due: datetime.date
    where: LatLon
    row: Any
    body: dict[str, Any] = field(default_factory=dict)

    @property
    def urgency(self) -> tuple[datetime.date, int, int]:
        # Earliest due first; on the same day a site visit before a case, then by id.
        return (self.due, 0 if self.kind == SITE else 1, self.id)


def due_sites(user: Viewer, today: datetime.date) -> list[Site]:
    qs = sites_visible_to(user).filter(inspection_due_by_q(today)).order_by("next_visit_due", "id")
    return list(qs[: STOP_LIMIT + 1])


def cases_this_week(user: Viewer, today: datetime.date) -> list[ViolationCase]:
    qs = (
        cases_visible_to(user)
        .select_related(None)
        .select_related("ward")
        .defer("footprint")
        .filter(stage__in=list(OPEN_STAGES), stage_deadline__lte=week_end(today))
        .annotate(photo_count=photo_count())
        .order_by("stage_deadline", "id")
    )
    return list(qs[: STOP_LIMIT + 1])


def _site_stop(site: Site) -> Stop:
    due = site.next_visit_due
    assert due is not None  # inspection_due_by_q
    return Stop(SITE, site.pk, due, LatLon(site.location.y, site.location.x), site)


def _site_body(site: Site, due: datetime.date, today: datetime.date) -> dict[str, Any]:
    permit = site.permit
    return {
        "label": site.address or site.owner_name or f"#{site.pk}",
        "address": site.address,
        "detail": choice_label(SiteStatus.choices, site.status),
        "ward": site.ward.name,
        "status": site.status,
        "owner": site.owner_name,
        "permit_number": permit.number if permit else None,
        "last_visit_on": site.last_visit_on.isoformat() if site.last_visit_on else None,
        "last_visit_display": _display(site.last_visit_on),
        "visit_count": site.visit_count,
        "overdue": due < today,
        "link": f"#/visit/{site.pk}",
    }


CaseCard = Callable[[ViolationCase, datetime.date], dict[str, Any]]


def _case_stop(case: ViolationCase) -> Stop:
    due = case.stage_deadline
    assert due is not None  # stage_deadline__lte
    return Stop(CASE, case.pk, due, LatLon(case.location.y, case.location.x), case)


def _case_body(case: ViolationCase, today: datetime.date, card: dict[str, Any]) -> dict[str, Any]:
    return {
        "label": case.code,
        "address": case.address,
        "detail": f"{card['stage_label']} · {card['violation_type_label']}",
        "ward": case.ward.name,
        "overdue": case_is_overdue(case, today),
        "link": f"#/case/{case.pk}",
        # What the field app's case view shows, so it opens from Today offline too.
        "case": card,
    }


def today_stops(
    user: Viewer, *, today: datetime.date, near: Point | None, case_card: CaseCard
) -> dict[str, Any]:
    """The answer of GET /api/field/today/ (backend.field.api.FieldTodayView)."""
    sites = due_sites(user, today)
    cases = cases_this_week(user, today)
    truncated = len(sites) > STOP_LIMIT or len(cases) > STOP_LIMIT
    candidates = [_site_stop(site) for site in sites[:STOP_LIMIT]]
    candidates += [_case_stop(case) for case in cases[:STOP_LIMIT]]
    candidates.sort(key=lambda stop: stop.urgency)
    truncated = truncated or len(candidates) > STOP_LIMIT
    chosen = candidates[:STOP_LIMIT]
    for stop in chosen:
        if stop.kind == SITE:
            stop.body = _site_body(stop.row, stop.due, today)
        else:
            stop.body = _case_body(stop.row, today, case_card(stop.row, today))

    origin = LatLon(near.y, near.x) if near is not None else None
    if origin is not None:
        route = plan_route(origin, [stop.where for stop in chosen])
        ordered = [chosen[i] for i in route.order]
        legs: list[float | None] = list(route.legs_m)
    elif chosen:
        # No position: the most urgent stop first, the rest in a route from it.
        first, rest = chosen[0], chosen[1:]
        route = plan_route(first.where, [stop.where for stop in rest])
        ordered = [first, *(rest[i] for i in route.order)]
        legs = [None, *route.legs_m]
    else:
        ordered, legs = [], []

    stops = []
    for number, (stop, leg) in enumerate(zip(ordered, legs, strict=True), start=1):
        distance = great_circle_m(origin, stop.where) if origin is not None else None
        stops.append(
            {
                "order": number,
                "kind": stop.kind,
                "id": stop.id,
                **stop.body,
                "due": stop.due.isoformat(),
                "due_display": _display(stop.due),
                "lat": stop.where.lat,
                "lon": stop.where.lon,
                "distance_m": None if distance is None else round(distance, 1),
                "leg_m": None if leg is None else round(leg, 1),
            }
        )
    end = week_end(today)
    return {
        "today": today.isoformat(),
        "today_display": _display(today),
        "week_end": end.isoformat(),
        "week_end_display": _display(end),
        "ordered_by": "route_from_position" if origin is not None else "route_from_most_urgent",
        "origin": None if origin is None else {"lat": origin.lat, "lon": origin.lon},
        "stops": stops,
        "route_m": round(sum(leg for leg in legs if leg is not None), 1),
        "counts": {
            "sites": sum(stop.kind == SITE for stop in ordered),
            "cases": sum(stop.kind == CASE for stop in ordered),
            "overdue": sum(bool(stop.body["overdue"]) for stop in ordered),
        },
        "limit": STOP_LIMIT,
        "truncated": truncated,
    }
