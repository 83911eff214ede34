"""Citizens' reports per ward this month, for leaders and the city, computed by PostgreSQL.

The month is the calendar month of `today` in Asia/Ho_Chi_Minh (as the
inspection coverage, backend.reports.coverage); per ward:

- received: tips received this month;
- open: tips waiting for the ward's answer today (received or being
  verified), whenever they came in;
- overdue: of those, the ones whose response date has passed (the response
  period is a versioned rule, backend.intake);
- answered: tips the ward answered this month (a case opened or linked, not a
  violation, merged, or not accepted), and of those `answered_on_time`, the
  ones answered on or before their response date;
- led to a case: of the tips answered this month, those that led to a case
  (one opened from the tip, or an existing case it was linked to).

A tip belongs to the ward it was filed in. Tips are read through
tips_visible_to: a ward user sees their wards, the city every ward. One
grouped query gives a row per ward and one for all wards shown.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from backend.core.query_fields import local_midnight
from backend.intake.models import OPEN_STATUSES, Tip, TipStatus
from backend.intake.selectors import tips_visible_to
from backend.reports.coverage import month_of

CITY = ""  # the key of the all-wards row


@dataclass
class WardTips:
    code: str
    name: str
    received: int = 0
    open: int = 0
    overdue: int = 0
    answered: int = 0
    answered_on_time: int = 0
    led_to_case: int = 0

    @property
    def on_time_share(self) -> float | None:
        return self.answered_on_time / self.answered if self.answered else None

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code or None,
            "name": self.name,
            "received": self.received,
            "open": self.open,
            "overdue": self.overdue,
            "answered": self.answered,
            "answered_on_time": self.answered_on_time,
            "on_time_share": self.on_time_share,
            "led_to_case": self.led_to_case,
        }


@dataclass
class TipFigures:
    today: datetime.date
    first: datetime.date
    last: datetime.date
    wards: list[WardTips]
    city: WardTips

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


TIPS_SQL = """
WITH sel AS ({selection})
SELECT w.code,
       count(*) FILTER (WHERE t.received_at >= %s AND t.received_at < %s),
       count(*) FILTER (WHERE t.status = ANY(%s)),
       count(*) FILTER (WHERE t.status = ANY(%s) AND t.response_due_on < %s),
       count(*) FILTER (WHERE t.settled_at >= %s AND t.settled_at < %s),
       count(*) FILTER (WHERE t.settled_at >= %s AND t.settled_at < %s
                        AND (t.settled_at AT TIME ZONE %s)::date <= t.response_due_on),
       count(*) FILTER (WHERE t.settled_at >= %s AND t.settled_at < %s
                        AND t.status = %s AND t.case_id IS NOT NULL)
FROM {tip} t
JOIN sel ON sel.id = t.id
JOIN wards_ward w ON w.id = t.ward_id
GROUP BY GROUPING SETS ((w.code), ())
"""


def tip_figures(
    user: Any,
    wards: list[tuple[str, str]],
    ward_codes: tuple[str, ...] = (),
    today: datetime.date | None = None,
) -> TipFigures:
    """The figures of the wards `user` may see (narrowed to `ward_codes` when given).

    `wards` is the list of (code, name) rows to show, in order, as the audit
    dashboard lists them; a ward with no tip still has its row of zeros.
    """
    today = today or timezone.localdate()
    first, last = month_of(today)
    since, until = local_midnight(first), local_midnight(last + datetime.timedelta(days=1))
    rows = {code: WardTips(code=code, name=name) for code, name in wards}
    city = WardTips(code=CITY, name="")
    tips = tips_visible_to(user)
    if ward_codes:
        tips = tips.filter(ward__code__in=ward_codes)
    if tips.query.is_empty():  # no ward, no role: nothing to count
        return TipFigures(
            today, first, last, sorted(rows.values(), key=lambda w: (w.name, w.code)), city
        )
    selection, params = tips.order_by().values("id").query.sql_with_params()
    open_statuses = sorted(str(s) for s in OPEN_STATUSES)
    sql = TIPS_SQL.format(selection=selection, tip=Tip._meta.db_table)
    values = [
        *params,
        since,
        until,
        open_statuses,
        open_statuses,
        today,
        since,
        until,
        since,
        until,
        settings.TIME_ZONE,
        since,
        until,
        TipStatus.CASE_OPENED.value,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        found = list(cursor.fetchall())
    for code, received, waiting, overdue, answered, on_time, led in found:
        # The all-wards row has no code; a ward no longer listed keeps its code as a name.
        target = city if code is None else rows.setdefault(code, WardTips(code=code, name=code))
        target.received, target.open, target.overdue = received, waiting, overdue
        target.answered, target.answered_on_time, target.led_to_case = answered, on_time, led
    return TipFigures(
        today=today,
        first=first,
        last=last,
        wards=sorted(rows.values(), key=lambda w: (w.name, w.code)),
        city=city,
    )
