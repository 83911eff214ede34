"""The periods of the reporting regime and the rule each is cut by.

Decree 09/2019/NĐ-CP's regime (LAW.md §6, ⚠️ from a secondary source): the
data of a monthly report runs from the 15th of the month before to the 14th of
the reporting month; quarterly, six-monthly and yearly periods are built the
same way (the year from 15/12 of the year before to 14/12). The province sets
the due dates. The cut-off day and the due date are ReportingRule rows by
kind, in force from a date; until a row is added the defaults below apply.

Labels: `2026-11` (month), `2026-Q4`, `2026-H2`, `2026`.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from backend.core.errors import InvalidInput
from backend.reports.periodic.models import ReportingRule, ReportKind

# The defaults while no ReportingRule row is in force. The cut-off day is
# LAW.md §6's; the due date is this system's default (LAW.md: "provinces set
# the due dates", e.g. Lào Cai: quarterly before the 20th), not a legal number.
DEFAULT_CUTOFF_DAY = 15
DEFAULT_DUE_DAYS = 5
DEFAULT_BASIS = (
    "Nghị định 09/2019/NĐ-CP (chế độ báo cáo): chốt số liệu từ ngày 15 tháng trước "
    "đến ngày 14 tháng báo cáo"
)
DEFAULT_NOTE = (
    "⚠️ LAW.md §6: chưa đối chiếu văn bản gốc. Hạn gửi (5 ngày sau khi hết kỳ, tức trước "
    "ngày 20) là mặc định của hệ thống TTXD: UBND tỉnh quy định hạn gửi."
)

_MONTHS = {ReportKind.MONTH: 1, ReportKind.QUARTER: 3, ReportKind.HALF_YEAR: 6, ReportKind.YEAR: 12}
_LABEL = re.compile(r"^(\d{4})(?:-(?:(\d{2})|Q([1-4])|H([12])))?$")
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass(frozen=True)
class Rule:
    cutoff_day: int
    due_days: int
    basis: str
    note: str
    effective_from: datetime.date | None  # None: the built-in default


@dataclass(frozen=True)
class Period:
    kind: str
    label: str
    year: int
    index: int  # month 1–12, quarter 1–4, half 1–2, year 1
    start: datetime.date
    end: datetime.date
    due_on: datetime.date
    rule: Rule

    @property
    def reporting_date(self) -> datetime.date:
        """The day after the period ends: when its report is generated."""
        return self.end + datetime.timedelta(days=1)

    def previous(self) -> Period:
        if self.kind == ReportKind.YEAR:
            return period_of(self.kind, _label(self.kind, self.year - 1, 1))
        if self.index == 1:
            return period_of(
                self.kind, _label(self.kind, self.year - 1, 12 // _MONTHS[ReportKind(self.kind)])
            )
        return period_of(self.kind, _label(self.kind, self.year, self.index - 1))

    def last_year(self) -> Period:
        return period_of(self.kind, _label(self.kind, self.year - 1, self.index))

    def as_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "label": self.label,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "due_on": self.due_on.isoformat(),
            "basis": self.rule.basis,
            "rule_note": self.rule.note,
            "rule_in_force_from": (
                self.rule.effective_from.isoformat() if self.rule.effective_from else None
            ),
        }


def _label(kind: str, year: int, index: int) -> str:
    if kind == ReportKind.MONTH:
        return f"{year}-{index:02d}"
    if kind == ReportKind.QUARTER:
        return f"{year}-Q{index}"
    if kind == ReportKind.HALF_YEAR:
        return f"{year}-H{index}"
    return f"{year}"


def _refuse(label: str) -> InvalidInput:
    return InvalidInput(
        _(
            "The period “%(label)s” is not known: write a month 2026-11, a quarter "
            "2026-Q4, a half-year 2026-H2 or a year 2026."
        )
        % {"label": str(label)[:20]},
        field="period",
        code="invalid_period",
    )


def parse_label(label: str) -> tuple[str, int, int]:
    """(kind, year, index) of a label, or a 400 naming the period."""
    match = _LABEL.match(str(label or "").strip())
    if not match:
        raise _refuse(label)
    year = int(match.group(1))
    month, quarter, half = match.group(2), match.group(3), match.group(4)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise _refuse(label)
    if month is not None:
        if not 1 <= int(month) <= 12:
            raise _refuse(label)
        return ReportKind.MONTH, year, int(month)
    if quarter is not None:
        return ReportKind.QUARTER, year, int(quarter)
    if half is not None:
        return ReportKind.HALF_YEAR, year, int(half)
    return ReportKind.YEAR, year, 1


def _shift(year: int, month: int, by: int) -> tuple[int, int]:
    total = year * 12 + (month - 1) + by
    return total // 12, total % 12 + 1


def rule_in_force(kind: str, day: datetime.date, rows: list[ReportingRule] | None = None) -> Rule:
    """The version in force on `day` (from `rows` when the caller read them all)."""
    if rows is None:
        row = (
            ReportingRule.objects.filter(kind=kind, effective_from__lte=day)
            .order_by("-effective_from")
            .first()
        )
    else:
        versions = [r for r in rows if r.kind == kind and r.effective_from <= day]
        row = max(versions, key=lambda r: r.effective_from, default=None)
    if row is None:
        return Rule(DEFAULT_CUTOFF_DAY, DEFAULT_DUE_DAYS, DEFAULT_BASIS, DEFAULT_NOTE, None)
    return Rule(row.cutoff_day, row.due_days, row.basis, row.note, row.effective_from)


def _bounds(kind: str, year: int, index: int, cutoff: int) -> tuple[datetime.date, datetime.date]:
    months = _MONTHS[ReportKind(kind)]
    last_month = index * months  # the reporting month the period ends in
    end = datetime.date(year, last_month, cutoff - 1)
    start_year, start_month = _shift(year, last_month, -months)
    return datetime.date(start_year, start_month, cutoff), end


def period_of(kind: str, label: str, rows: list[ReportingRule] | None = None) -> Period:
    """The period of a label (its kind must match): its first and last day, by the
    rule in force on its last day under the default cut-off."""
    parsed_kind, year, index = parse_label(label)
    if kind and parsed_kind != kind:
        raise _refuse(label)
    _, nominal_end = _bounds(parsed_kind, year, index, DEFAULT_CUTOFF_DAY)
    rule = rule_in_force(parsed_kind, nominal_end, rows)
    start, end = _bounds(parsed_kind, year, index, rule.cutoff_day)
    due_on = end + datetime.timedelta(days=rule.due_days)
    return Period(
        parsed_kind, _label(parsed_kind, year, index), year, index, start, end, due_on, rule
    )


def period_of_label(label: str) -> Period:
    """The period of a label of any kind (the API's `period=`)."""
    return period_of("", label)


def periods_ending(day: datetime.date) -> list[Period]:
    """Every period (of each kind) whose last day is `day`."""
    found = []
    rows = list(ReportingRule.objects.all())
    for kind, months in _MONTHS.items():
        for year in (day.year, day.year + 1):
            for index in range(1, 12 // months + 1):
                period = period_of(kind, _label(kind, year, index), rows)
                if period.end == day:
                    found.append(period)
    return found
