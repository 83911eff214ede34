"""The city's audit figures, per ward, computed by PostgreSQL.

Each figure is one aggregate query over the filtered cases (their ids are the
`sel` CTE): the work grows with the number of wards, stages and months shown,
not with the number of cases in Python.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from backend.accounts.selectors import user_sees_all_wards
from backend.audit.selectors import ChainHead, chain_head
from backend.cases.models import Stage
from backend.cases.selectors import overdue_flag, overdue_q
from backend.cases.selectors.query import CaseQuery
from backend.reports.selectors import OPEN_STAGE_VALUES, cases_matching, selection_sql
from backend.wards.models import Ward
from backend.wards.selectors import wards_visible_to

OLDEST_PER_WARD = 5
MAX_MONTHS = 24
CITY = ""  # the key of the all-wards row


@dataclass
class WardFigures:
    code: str
    name: str
    open_by_stage: dict[str, int] = field(default_factory=dict)
    open: int = 0
    overdue: int = 0
    closed: int = 0
    total: int = 0
    median_days: dict[str, float] = field(default_factory=dict)
    stage_spans: dict[str, int] = field(default_factory=dict)
    steps_timed: int = 0
    steps_on_time: int = 0
    oldest: list[dict[str, Any]] = field(default_factory=list)

    @property
    def overdue_share(self) -> float | None:
        return self.overdue / self.open if self.open else None

    @property
    def on_time_share(self) -> float | None:
        return self.steps_on_time / self.steps_timed if self.steps_timed else None

    @property
    def steps_late(self) -> int:
        return self.steps_timed - self.steps_on_time

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code or None,
            "name": self.name,
            "open_by_stage": self.open_by_stage,
            "open": self.open,
            "overdue": self.overdue,
            "overdue_share": self.overdue_share,
            "closed": self.closed,
            "total": self.total,
            "median_days_in_stage": self.median_days,
            "stage_spans": self.stage_spans,
            "steps_timed": self.steps_timed,
            "steps_on_time": self.steps_on_time,
            "on_time_share": self.on_time_share,
            "oldest_open": [
                {**o, "detected_at": o["detected_at"].isoformat()} for o in self.oldest
            ],
        }


@dataclass
class MonthFigures:
    month: str  # yyyy-mm
    opened: int = 0
    closed: int = 0
    by_ward: dict[str, tuple[int, int]] = field(default_factory=dict)


@dataclass
class Dashboard:
    today: datetime.date
    filters: CaseQuery
    open_stages: list[tuple[str, str]]
    wards: list[WardFigures]
    city: WardFigures
    months: list[MonthFigures]
    months_cut: bool
    chain: ChainHead | None

    def as_json(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "filters": self.filters.as_params(),
            "open_stages": [code for code, _label in self.open_stages],
            "city": self.city.as_json(),
            "wards": [w.as_json() for w in self.wards],
            "months": [
                {
                    "month": m.month,
                    "opened": m.opened,
                    "closed": m.closed,
                    "by_ward": {
                        code: {"opened": o, "closed": c} for code, (o, c) in m.by_ward.items()
                    },
                }
                for m in self.months
            ],
            "chain_head": (
                {"count": self.chain.count, "hash": self.chain.hash} if self.chain else None
            ),
        }


def _rows(sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def visible_wards(user: Any, filters: CaseQuery, today: datetime.date) -> QuerySet[Ward]:
    """One row per ward code: the version valid today, else the latest one."""
    wards = wards_visible_to(user)
    wards = filters.with_ward_codes(wards, "code")
    current = Q(valid_from__lte=today) & (Q(valid_to__isnull=True) | Q(valid_to__gt=today))
    return (
        wards.annotate(is_current=ExpressionWrapper(current, output_field=BooleanField()))
        .order_by("code", "-is_current", "-valid_from")
        .distinct("code")
    )


# The stage a case entered with each event, and the legal day it did.
STAGE_SPANS_SQL = """
WITH sel AS ({selection}),
changes AS (
    SELECT e.case_id, e.stage_after AS stage, audit_event_day(e.payload, e.at) AS day, e.seq
    FROM audit_caseevent e JOIN sel ON sel.id = e.case_id
    WHERE e.stage_after <> '' AND (e.kind = 'opened' OR e.stage_after <> e.stage_before)
),
spans AS (
    SELECT case_id, stage, day,
           LEAD(day) OVER (PARTITION BY case_id ORDER BY day, seq) AS left_on
    FROM changes
)
SELECT w.code, s.stage,
       percentile_cont(0.5) WITHIN GROUP (
           ORDER BY GREATEST(0, COALESCE(s.left_on, %s) - s.day)
       ) AS median_days,
       count(*)
FROM spans s
JOIN cases_violationcase c ON c.id = s.case_id
JOIN wards_ward w ON w.id = c.ward_id
WHERE s.stage <> %s
GROUP BY GROUPING SETS ((w.code, s.stage), (s.stage))
"""

ON_TIME_SQL = """
WITH sel AS ({selection})
SELECT w.code,
       count(*) FILTER (WHERE e.payload -> 'on_time' = 'true'::jsonb),
       count(*)
FROM audit_caseevent e
JOIN sel ON sel.id = e.case_id
JOIN cases_violationcase c ON c.id = e.case_id
JOIN wards_ward w ON w.id = c.ward_id
WHERE jsonb_typeof(e.payload -> 'on_time') = 'boolean'
GROUP BY GROUPING SETS ((w.code), ())
"""

MONTHS_SQL = """
WITH sel AS ({selection}),
opened AS (
    SELECT w.code, to_char(c.detected_at AT TIME ZONE %s, 'YYYY-MM') AS month, count(*) AS n
    FROM cases_violationcase c
    JOIN sel ON sel.id = c.id
    JOIN wards_ward w ON w.id = c.ward_id
    GROUP BY 1, 2
),
closed AS (
    SELECT w.code, to_char(audit_event_day(e.payload, e.at), 'YYYY-MM') AS month,
           count(DISTINCT e.case_id) AS n
    FROM audit_caseevent e
    JOIN sel ON sel.id = e.case_id
    JOIN cases_violationcase c ON c.id = e.case_id
    JOIN wards_ward w ON w.id = c.ward_id
    WHERE e.stage_after = %s AND e.stage_before <> %s
    GROUP BY 1, 2
)
SELECT COALESCE(o.code, x.code), COALESCE(o.month, x.month), COALESCE(o.n, 0), COALESCE(x.n, 0)
FROM opened o FULL JOIN closed x ON x.code = o.code AND x.month = o.month
"""


def _month_range(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:])
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


# Group cases by the ward responsible today, or by the ward they were opened in
# ("ward at the time"): the two differ for cases a boundary merger moved.
WARD_BASES = {"today": "ward", "opened": "opened_in_ward"}


def _by_basis(sql: str, column: str) -> str:
    return sql.replace("w.id = c.ward_id", f"w.id = c.{column}_id")


def audit_dashboard(
    user: Any, filters: CaseQuery, today: datetime.date | None = None, ward_basis: str = "today"
) -> Dashboard:
    """The figures; `ward_basis` "today" (the default) or "opened" (see WARD_BASES)."""
    today = today or timezone.localdate()
    column = WARD_BASES[ward_basis]
    ward_code = f"{column}__code"
    filters = filters.scope
    cases = cases_matching(user, filters, today)
    selection, sel_params = selection_sql(cases)

    wards = {
        w.code: WardFigures(code=w.code, name=w.name) for w in visible_wards(user, filters, today)
    }
    city = WardFigures(code=CITY, name="")

    def figures(code: str | None) -> WardFigures:
        if code is None:
            return city
        if code not in wards:  # a ward version no longer visible by its code
            wards[code] = WardFigures(code=code, name=code)
        return wards[code]

    # 1. Cases by ward and stage, with the overdue ones.
    grouped = (
        cases.order_by()
        .values(ward_code, "stage")
        .annotate(n=Count("id"), overdue=Count("id", filter=overdue_q(today)))
    )
    for row in grouped:
        for target in (figures(row[ward_code]), city):
            target.total += row["n"]
            if row["stage"] in OPEN_STAGE_VALUES:
                target.open_by_stage[row["stage"]] = (
                    target.open_by_stage.get(row["stage"], 0) + row["n"]
                )
                target.open += row["n"]
                target.overdue += row["overdue"]
            elif row["stage"] == Stage.CLOSED:
                target.closed += row["n"]

    # 2. Median days spent in each stage (open stages counted to today).
    for code, stage, median, spans in _rows(
        _by_basis(STAGE_SPANS_SQL, column).format(selection=selection),
        (*sel_params, today, Stage.CLOSED.value),
    ):
        target = figures(code)
        target.median_days[stage] = float(median)
        target.stage_spans[stage] = spans

    # 3. Steps that answered a deadline, and how many came on time.
    for code, on_time, timed in _rows(
        _by_basis(ON_TIME_SQL, column).format(selection=selection), tuple(sel_params)
    ):
        target = figures(code)
        target.steps_on_time, target.steps_timed = on_time, timed

    # 4. The oldest open cases of each ward.
    oldest = (
        cases.filter(stage__in=OPEN_STAGE_VALUES)
        .order_by()
        .annotate(
            overdue=overdue_flag(today),
            rank=Window(
                RowNumber(),
                partition_by=[F(ward_code)],
                order_by=[F("detected_at").asc(), F("id").asc()],
            ),
        )
        .filter(rank__lte=OLDEST_PER_WARD)
        .values(
            "id", "code", ward_code, "stage", "stage_deadline", "detected_at", "rank", "overdue"
        )
        .order_by(ward_code, "rank")
    )
    for old in oldest:
        figures(old[ward_code]).oldest.append(
            {
                "id": old["id"],
                "code": old["code"],
                "stage": old["stage"],
                "stage_deadline": old["stage_deadline"],
                "detected_at": old["detected_at"],
                "days_open": (today - timezone.localdate(old["detected_at"])).days,
                "overdue": old["overdue"],
            }
        )

    # 5. Cases opened and closed per month.
    per_month: dict[str, MonthFigures] = {}
    for code, month, opened, closed in _rows(
        _by_basis(MONTHS_SQL, column).format(selection=selection),
        (*sel_params, settings.TIME_ZONE, Stage.CLOSED.value, Stage.CLOSED.value),
    ):
        entry = per_month.setdefault(month, MonthFigures(month=month))
        entry.opened += opened
        entry.closed += closed
        before = entry.by_ward.get(code, (0, 0))
        entry.by_ward[code] = (before[0] + opened, before[1] + closed)
    months: list[MonthFigures] = []
    cut = False
    if per_month:
        first, last = min(per_month), max(per_month)
        if filters.detected_since:
            first = min(first, filters.detected_since.strftime("%Y-%m"))
        span = _month_range(first, last)
        if len(span) > MAX_MONTHS:
            span, cut = span[-MAX_MONTHS:], True
        months = [per_month.get(m, MonthFigures(month=m)) for m in span]

    for target in [city, *wards.values()]:
        target.oldest.sort(key=lambda o: (o["detected_at"], o["id"]))
    city.oldest = sorted(
        (o for w in wards.values() for o in w.oldest), key=lambda o: (o["detected_at"], o["id"])
    )[:OLDEST_PER_WARD]

    return Dashboard(
        today=today,
        filters=filters,
        open_stages=[(s.value, str(s.label)) for s in Stage if s.value in OPEN_STAGE_VALUES],
        wards=sorted(wards.values(), key=lambda w: (w.name, w.code)),
        city=city,
        months=months,
        months_cut=cut,
        chain=chain_head() if user_sees_all_wards(user) else None,
    )


MAP_SQL = """
WITH sel AS ({selection}),
stats AS (
    SELECT w.code,
           count(*) FILTER (WHERE c.stage = ANY(%s)) AS open,
           count(*) FILTER (WHERE sel.overdue) AS overdue
    FROM cases_violationcase c
    JOIN sel ON sel.id = c.id
    JOIN wards_ward w ON w.id = c.ward_id
    GROUP BY w.code
),
shapes AS (
    SELECT w.code, w.name, w.boundary FROM wards_ward w WHERE w.id IN ({shape_ids})
)
SELECT json_build_object(
    'type', 'FeatureCollection',
    'features', COALESCE(json_agg(json_build_object(
        'type', 'Feature',
        'id', s.code,
        'geometry', ST_AsGeoJSON(s.boundary, 6)::json,
        'properties', json_build_object(
            'code', s.code,
            'name', s.name,
            'open', COALESCE(st.open, 0),
            'overdue', COALESCE(st.overdue, 0),
            'overdue_share', CASE WHEN COALESCE(st.open, 0) > 0
                                  THEN round(st.overdue::numeric / st.open, 4) END
        )
    ) ORDER BY s.code), '[]'::json)
)::text
FROM shapes s LEFT JOIN stats st ON st.code = s.code
"""


def overdue_map_geojson(user: Any, filters: CaseQuery, today: datetime.date | None = None) -> str:
    """Ward boundaries with their open and overdue counts, as GeoJSON text built in SQL."""
    today = today or timezone.localdate()
    filters = filters.scope
    selection, sel_params = selection_sql(cases_matching(user, filters, today), today)
    shapes_sql, shapes_params = (
        visible_wards(user, filters, today).values("id").query.sql_with_params()
    )
    sql = MAP_SQL.format(selection=selection, shape_ids=shapes_sql)
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            (*sel_params, OPEN_STAGE_VALUES, *shapes_params),
        )
        return str(cursor.fetchone()[0])
