"""The filters shared by the audit dashboard, its exports and the case list.

Every figure on the dashboard links to the case list with the filters that
select the cases behind it, so both read the same query string.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, fields, replace
from typing import Any
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.translation import gettext as _

from backend.cases.models import Stage, ViolationType
from backend.cases.selectors import EARLIEST_RECORD_DAY
from backend.core.errors import InvalidInput

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _values(params: Any, name: str) -> tuple[str, ...]:
    raw = params.get(name) or ""
    return tuple(dict.fromkeys(v.strip() for v in str(raw).split(",") if v.strip()))


def _choices(params: Any, name: str, allowed: list[str]) -> tuple[str, ...]:
    values = _values(params, name)
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise InvalidInput(
            _("Unknown value for %(name)s: %(values)s. Allowed: %(allowed)s.")
            % {"name": name, "values": ", ".join(unknown), "allowed": ", ".join(allowed)},
            field=name,
        )
    return values


def _years() -> tuple[int, int]:
    """The years a filter may name: from the first records (2000) to next year.

    Beyond them a filter selects nothing anyway, and years near 1 or 9999 break
    the date arithmetic (the month after 9999-12 does not exist).
    """
    return EARLIEST_RECORD_DAY.year, timezone.localdate().year + 1


def _day(params: Any, name: str) -> datetime.date | None:
    raw = str(params.get(name) or "").strip()
    if not raw:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            day = datetime.datetime.strptime(raw, fmt).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
        first, last = _years()
        if not first <= day.year <= last:
            raise InvalidInput(
                _("%(name)s must be a date from 01/01/%(first)d to 31/12/%(last)d.")
                % {"name": name, "first": first, "last": last},
                field=name,
            )
        return day
    raise InvalidInput(
        _("%(name)s must be a date written dd/mm/yyyy or yyyy-mm-dd.") % {"name": name}, field=name
    )


def _month(params: Any, name: str) -> str:
    raw = str(params.get(name) or "").strip()
    if not raw:
        return ""
    match = MONTH.match(raw)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise InvalidInput(
            _("%(name)s must be a month written yyyy-mm.") % {"name": name}, field=name
        )
    first, last = _years()
    if not first <= int(match.group(1)) <= last:
        raise InvalidInput(
            _("%(name)s must be a month from %(first)d-01 to %(last)d-12.")
            % {"name": name, "first": first, "last": last},
            field=name,
        )
    return raw


def _flag(params: Any, name: str) -> bool:
    raw = str(params.get(name) or "").strip().lower()
    if raw in ("", "0", "false", "no"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise InvalidInput(_("%(name)s must be 1 or 0.") % {"name": name}, field=name)


def month_bounds(month: str) -> tuple[datetime.date, datetime.date]:
    """The first day of `month` (yyyy-mm) and the first day of the next."""
    year, number = int(month[:4]), int(month[5:])
    first = datetime.date(year, number, 1)
    after = datetime.date(year + number // 12, number % 12 + 1, 1)
    return first, after


@dataclass(frozen=True)
class CaseFilters:
    """What the user asked for; empty values mean "no restriction"."""

    ward: tuple[str, ...] = ()  # ward codes
    violation_type: tuple[str, ...] = ()
    detected_from: datetime.date | None = None
    detected_to: datetime.date | None = None
    stage: tuple[str, ...] = ()
    overdue: bool = False
    visited_stage: str = ""  # cases that were in this stage at some point
    late: bool = False  # cases with at least one step taken late
    timed: bool = False  # cases with at least one step that answered a deadline
    opened_month: str = ""  # yyyy-mm of detection
    closed_month: str = ""  # yyyy-mm of the step that closed the case

    @classmethod
    def from_params(cls, params: Any) -> CaseFilters:
        """Parse a query string; an unknown value is a 400, never a silent 'all'."""
        visited = _choices(params, "visited_stage", Stage.values)
        filters = cls(
            ward=_values(params, "ward"),
            violation_type=_choices(params, "violation_type", ViolationType.values),
            detected_from=_day(params, "detected_from"),
            detected_to=_day(params, "detected_to"),
            stage=_choices(params, "stage", Stage.values),
            overdue=_flag(params, "overdue"),
            visited_stage=visited[0] if visited else "",
            late=_flag(params, "late"),
            timed=_flag(params, "timed"),
            opened_month=_month(params, "opened_month"),
            closed_month=_month(params, "closed_month"),
        )
        if (
            filters.detected_from
            and filters.detected_to
            and filters.detected_from > filters.detected_to
        ):
            raise InvalidInput(_("The period starts after it ends."), field="detected_from")
        return filters

    def as_params(self) -> dict[str, str]:
        params: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if not value:
                continue
            if isinstance(value, tuple):
                params[f.name] = ",".join(value)
            elif isinstance(value, bool):
                params[f.name] = "1"
            elif isinstance(value, datetime.date):
                params[f.name] = value.isoformat()
            else:
                params[f.name] = str(value)
        return params

    def query(self, **changes: Any) -> str:
        """The query string of these filters with some changed (for figure links)."""
        return urlencode(replace(self, **changes).as_params())

    @property
    def scope(self) -> CaseFilters:
        """Only the filters the dashboard offers (ward, type, period)."""
        return CaseFilters(
            ward=self.ward,
            violation_type=self.violation_type,
            detected_from=self.detected_from,
            detected_to=self.detected_to,
        )
