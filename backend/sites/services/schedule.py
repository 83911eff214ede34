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
from typing import Any

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

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


# Each site's facts that its schedule depends on, for the sites of a subquery.
_FACTS = """
CREATE TEMPORARY TABLE sites_schedule_facts ON COMMIT DROP AS
SELECT s.id, w.code, s.status, s.status_since, s.last_visit_on, s.small_works,
       (s.had_violation
        OR EXISTS (SELECT 1 FROM cases_violationcase AS c WHERE c.permit_id = s.permit_id)
        OR EXISTS (SELECT 1 FROM sites_site_cases AS l WHERE l.site_id = s.id)) AS hv
FROM sites_site AS s JOIN wards_ward AS w ON w.id = s.ward_id
WHERE s.id IN ({sites})
"""
_COMBINATIONS = """
SELECT code, status, status_since, last_visit_on, small_works, hv
FROM sites_schedule_facts GROUP BY 1, 2, 3, 4, 5, 6
"""
# A day no visit is on, standing in for "never visited" so the join can hash.
_NEVER = datetime.date(1, 1, 1)
_UPDATE = """
UPDATE sites_site AS s
SET next_visit_due = {due}, plan_rule_id = v.rule, had_violation = v.hv
FROM sites_schedule_facts AS f
JOIN (VALUES {values}) AS v(code, status, since, last, small, hv, due, rule)
  ON f.code = v.code AND f.status = v.status AND f.status_since = v.since
 AND COALESCE(f.last_visit_on, %s) = v.last AND f.small_works = v.small AND f.hv = v.hv
WHERE s.id = f.id
  AND (s.next_visit_due, s.plan_rule_id, s.had_violation) IS DISTINCT FROM ({due}, v.rule, v.hv)
"""
# A requested visit (a citizen's report) not yet made brings the plan's day forward
# (LEAST ignores NULL); a completed site takes no visit, requested or not.
_DUE = """CASE
  WHEN s.status IN ({closed}) THEN v.due
  WHEN s.visit_requested_on IS NOT NULL
   AND (s.last_visit_on IS NULL OR s.last_visit_on < s.visit_requested_on)
  THEN LEAST(v.due, s.visit_requested_on)
  ELSE v.due END"""
_ROW = "(%s::text, %s::text, %s::date, %s::date, %s::boolean, %s::boolean, %s::date, %s::bigint)"
# Combinations per UPDATE: a city's sites share a few thousand (ward, status, day).
_CHUNK = 2000


@dataclass(frozen=True)
class _Facts:
    ward_code: str
    status: str
    status_since: datetime.date
    last_visit_on: datetime.date | None
    small_works: bool
    had_violation: bool


@transaction.atomic
def sites_schedule_refresh(
    sites: QuerySet[Site] | None = None,
    *,
    today: datetime.date | None = None,
    calendar: WorkCalendar | None = None,
) -> int:
    """Recompute the plan rule and next visit due of `sites` (all by default).

    Returns how many sites changed. Set-based, for the hourly scan over a
    whole city: sites sharing their facts (ward, status and since when, last
    visit, kind of works, violation) share their schedule, so the plan is
    counted once per combination and written in a few statements, and only
    rows that change are written.
    """
    day = today or timezone.localdate()
    cal = calendar if calendar is not None else work_calendar()
    book = plan_book(day)
    subset = sites if sites is not None else Site.objects.all()
    sites_sql, sites_params = subset.values("pk").query.sql_with_params()
    changed = 0
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS sites_schedule_facts")
        cursor.execute(_FACTS.format(sites=sites_sql), list(sites_params))
        cursor.execute(_COMBINATIONS)
        rows: list[Any] = []
        for code, status, since, last, small, hv in cursor.fetchall():
            facts = _Facts(code, status, since, last, small, hv)
            rule, due = _schedule_of(facts, book, cal)
            rows.append((code, status, since, last or _NEVER, small, hv, due, rule))
        for start in range(0, len(rows), _CHUNK):
            chunk = rows[start : start + _CHUNK]
            cursor.execute(
                _UPDATE.format(values=", ".join([_ROW] * len(chunk)), due=_due_sql()),
                [value for row in chunk for value in row] + [_NEVER],
            )
            changed += cursor.rowcount
        cursor.execute("DROP TABLE sites_schedule_facts")
    return changed


def _due_sql() -> str:
    closed = ", ".join(f"'{status}'" for status in sorted(CLOSED_STATUSES))
    return _DUE.format(closed=closed)


def _schedule_of(
    facts: _Facts, book: PlanBook, calendar: WorkCalendar
) -> tuple[int | None, datetime.date | None]:
    condition = PlanCondition.WITH_VIOLATION if facts.had_violation else facts.status
    rule = book.rule_for(facts.ward_code, condition, facts.small_works)
    probe = Site(
        status=facts.status, status_since=facts.status_since, last_visit_on=facts.last_visit_on
    )
    return (rule.pk if rule else None), next_visit_due(probe, rule, calendar)


def site_schedule_refresh(site: Site, *, today: datetime.date | None = None) -> Site:
    """One site's schedule after a change to it (a visit, a status, a case linked)."""
    sites_schedule_refresh(Site.objects.filter(pk=site.pk), today=today)
    site.refresh_from_db(fields=["next_visit_due", "plan_rule", "had_violation"])
    return site
