"""Inspection coverage per ward this month (proactive monitoring), computed by PostgreSQL.

The month is the calendar month of `today` in Asia/Ho_Chi_Minh; the figures
stand as of `today`:

- active sites: sites whose works are going on today (ACTIVE_STATUSES:
  started, foundation, structure, finishing);
- due this month: the active sites the plan asked a visit of this month up to
  today: visited this month, or with their next visit due on or before today
  (an overdue site from an earlier month is still owed a visit this month);
- visited on schedule: of those, the sites visited this month and not overdue
  today (their next visit, counted from that visit, is not yet past). A site
  whose due date passed this month without a visit is behind, even if it was
  visited earlier in the month; a site not due yet this month (its next visit
  falls later) is in neither figure;
- overdue: active sites overdue for inspection today (inspection_overdue_q);
- never visited: active sites with no visit recorded at all;
- visits: visits made this month to the ward's sites (any status), and per
  inspector the visits, the sites they covered and the visits that found a
  violation;
- violations found from a citizen's report: cases detected this month that
  the ward opened from a tip (the case's history holds the "tip_linked" event
  with how "opened", written by backend.intake's tip_open_case; a tip linked
  to a case that already existed does not make it one);
- violations found on patrol: the other cases detected this month that a
  visit opened (Visit.case) or that belong to a site found on patrol (origin
  "patrol");
- by other means: every other case detected this month (reports to the
  ward, referrals, cases opened at the desk).

The three make up every case detected this month, each counted once: a
citizen's report first, then patrol.

Sites and visits are read through sites_visible_to, cases through
cases_visible_to: a ward user sees their wards, the city every ward. Each
figure is one grouped query; a row per ward and one for all wards shown.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils import timezone

from backend.audit.models import CaseEvent, EventKind
from backend.cases.selectors import cases_visible_to
from backend.sites.models import ACTIVE_STATUSES, Site, SiteOrigin, Visit, VisitOutcome
from backend.sites.selectors import sites_visible_to

CITY = ""  # the key of the all-wards row


@dataclass
class InspectorFigures:
    ward_code: str
    inspector_id: int
    name: str
    visits: int = 0
    sites: int = 0
    violations: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "ward_code": self.ward_code,
            "inspector_id": self.inspector_id,
            "name": self.name,
            "visits": self.visits,
            "sites": self.sites,
            "violations": self.violations,
        }


@dataclass
class WardCoverage:
    code: str
    name: str
    active: int = 0
    due: int = 0
    on_schedule: int = 0
    overdue: int = 0
    never_visited: int = 0
    visits: int = 0
    violations_tip: int = 0
    violations_patrol: int = 0
    violations_other: int = 0
    inspectors: list[InspectorFigures] = field(default_factory=list)

    @property
    def on_schedule_share(self) -> float | None:
        return self.on_schedule / self.due if self.due else None

    @property
    def violations(self) -> int:
        return self.violations_tip + self.violations_patrol + self.violations_other

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code or None,
            "name": self.name,
            "active_sites": self.active,
            "due_this_month": self.due,
            "visited_on_schedule": self.on_schedule,
            "on_schedule_share": self.on_schedule_share,
            "overdue": self.overdue,
            "never_visited": self.never_visited,
            "visits": self.visits,
            "violations_from_citizen_reports": self.violations_tip,
            "violations_on_patrol": self.violations_patrol,
            "violations_other_means": self.violations_other,
            "inspectors": [i.as_json() for i in self.inspectors],
        }


@dataclass
class Coverage:
    today: datetime.date
    first: datetime.date
    last: datetime.date
    wards: list[WardCoverage]
    city: WardCoverage

    @property
    def month(self) -> str:
        return f"{self.first:%Y-%m}"

    def as_json(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "month": self.month,
            "city": self.city.as_json(),
            "wards": [w.as_json() for w in self.wards],
        }


def month_of(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day of `today`'s month."""
    last = calendar.monthrange(today.year, today.month)[1]
    return today.replace(day=1), today.replace(day=last)


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(0), tzinfo=timezone.get_default_timezone())


SITES_SQL = """
WITH sel AS ({selection}),
v AS (
    SELECT vi.site_id,
           count(*) FILTER (WHERE vi.visited_on BETWEEN %(first)s AND %(last)s) AS in_month
    FROM {visit} vi JOIN sel ON sel.id = vi.site_id
    GROUP BY vi.site_id
),
s AS (
    SELECT w.code, st.status = ANY(%(active)s) AS active, st.next_visit_due AS due,
           v.site_id IS NOT NULL AS visited, COALESCE(v.in_month, 0) AS in_month
    FROM {site} st
    JOIN sel ON sel.id = st.id
    JOIN wards_ward w ON w.id = st.ward_id
    LEFT JOIN v ON v.site_id = st.id
)
SELECT code,
       count(*) FILTER (WHERE active),
       count(*) FILTER (WHERE active AND (in_month > 0 OR due <= %(today)s)),
       count(*) FILTER (WHERE active AND in_month > 0 AND (due IS NULL OR due >= %(today)s)),
       count(*) FILTER (WHERE active AND due < %(today)s),
       count(*) FILTER (WHERE active AND NOT visited),
       COALESCE(sum(in_month), 0)
FROM s
GROUP BY GROUPING SETS ((code), ())
"""

INSPECTORS_SQL = """
WITH sel AS ({selection})
SELECT w.code, u.id, COALESCE(NULLIF(u.full_name, ''), u.username),
       count(*), count(DISTINCT vi.site_id),
       count(*) FILTER (WHERE vi.outcome = %(violation)s)
FROM {visit} vi
JOIN sel ON sel.id = vi.site_id
JOIN {site} st ON st.id = vi.site_id
JOIN wards_ward w ON w.id = st.ward_id
JOIN accounts_user u ON u.id = vi.inspector_id
WHERE vi.visited_on BETWEEN %(first)s AND %(last)s
GROUP BY w.code, u.id
ORDER BY w.code, count(*) DESC, 3, u.id
"""

VIOLATIONS_SQL = """
WITH sel AS ({selection}),
c AS (
    SELECT w.code,
           EXISTS (SELECT 1 FROM {case_event} e
                   WHERE e.case_id = c.id AND e.kind = %(tip_linked)s
                     AND e.payload ->> 'how' = %(opened)s) AS tip,
           EXISTS (SELECT 1 FROM {visit} vi WHERE vi.case_id = c.id)
           OR EXISTS (SELECT 1 FROM {site_cases} sc JOIN {site} st ON st.id = sc.site_id
                      WHERE sc.violationcase_id = c.id AND st.origin = %(patrol)s) AS patrol
    FROM cases_violationcase c
    JOIN sel ON sel.id = c.id
    JOIN wards_ward w ON w.id = c.ward_id
    WHERE c.detected_at >= %(since)s AND c.detected_at < %(until)s
)
SELECT code, count(*) FILTER (WHERE tip),
       count(*) FILTER (WHERE patrol AND NOT tip),
       count(*) FILTER (WHERE NOT patrol AND NOT tip)
FROM c
GROUP BY GROUPING SETS ((code), ())
"""


def _tables() -> dict[str, str]:
    through = Site.cases.through._meta
    assert through.db_table is not None
    return {
        "site": str(Site._meta.db_table),
        "visit": str(Visit._meta.db_table),
        "site_cases": str(through.db_table),
        "case_event": str(CaseEvent._meta.db_table),
    }


def _rows(sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _selection(qs: Any) -> tuple[str, dict[str, Any]]:
    """The queryset's ids as SQL with named parameters (the statements above use names)."""
    sql, params = qs.order_by().values("id").query.sql_with_params()
    names = {f"sel{i}": value for i, value in enumerate(params)}
    # Django's compiled SQL holds only %s placeholders; a literal % is doubled.
    parts = sql.split("%s")
    named = parts[0] + "".join(f"%(sel{i})s{part}" for i, part in enumerate(parts[1:]))
    return named, names


def coverage_figures(
    user: Any,
    wards: list[tuple[str, str]],
    ward_codes: tuple[str, ...] = (),
    today: datetime.date | None = None,
) -> Coverage:
    """The figures of the wards `user` may see (narrowed to `ward_codes` when given).

    `wards` is the list of (code, name) rows to show, in order, as the audit
    dashboard lists them; a ward with no site still has its row of zeros.
    """
    today = today or timezone.localdate()
    first, last = month_of(today)
    tables = _tables()
    rows = {code: WardCoverage(code=code, name=name) for code, name in wards}
    city = WardCoverage(code=CITY, name="")

    def figures(code: str | None) -> WardCoverage:
        if code is None:
            return city
        if code not in rows:  # a ward version no longer listed by its code
            rows[code] = WardCoverage(code=code, name=code)
        return rows[code]

    sites = sites_visible_to(user)
    cases = cases_visible_to(user)
    if ward_codes:
        sites = sites.filter(ward__code__in=ward_codes)
        cases = cases.filter(ward__code__in=ward_codes)
    month = {"first": first, "last": last, "today": today}

    selection, params = _selection(sites)
    for code, active, due, on_schedule, overdue, never, visits in _rows(
        SITES_SQL.format(selection=selection, **tables),
        {**params, **month, "active": [str(s) for s in ACTIVE_STATUSES]},
    ):
        target = figures(code)
        target.active, target.due, target.on_schedule = active, due, on_schedule
        target.overdue, target.never_visited, target.visits = overdue, never, int(visits)

    for code, inspector_id, name, visits, covered, violations in _rows(
        INSPECTORS_SQL.format(selection=selection, **tables),
        {**params, **month, "violation": VisitOutcome.VIOLATION.value},
    ):
        figures(code).inspectors.append(
            InspectorFigures(code, inspector_id, name, visits, covered, violations)
        )

    selection, params = _selection(cases)
    for code, tip, patrol, other in _rows(
        VIOLATIONS_SQL.format(selection=selection, **tables),
        {
            **params,
            "tip_linked": EventKind.TIP_LINKED.value,
            "opened": "opened",
            "patrol": SiteOrigin.PATROL.value,
            "since": _local_midnight(first),
            "until": _local_midnight(last + datetime.timedelta(days=1)),
        },
    ):
        target = figures(code)
        target.violations_tip = tip
        target.violations_patrol, target.violations_other = patrol, other

    # The city's inspectors: one line per inspector over every ward shown.
    merged: dict[int, InspectorFigures] = {}
    for ward in rows.values():
        for one in ward.inspectors:
            total = merged.setdefault(
                one.inspector_id, InspectorFigures(CITY, one.inspector_id, one.name)
            )
            total.visits += one.visits
            total.sites += one.sites
            total.violations += one.violations
    city.inspectors = sorted(merged.values(), key=lambda i: (-i.visits, i.name, i.inspector_id))
    return Coverage(
        today=today,
        first=first,
        last=last,
        wards=sorted(rows.values(), key=lambda w: (w.name, w.code)),
        city=city,
    )
