"""Counting days for legal deadlines.

Working days skip Saturdays, Sundays, public holidays and the days off the
government swaps in; a Saturday worked in exchange counts as a working day.
Calendar-day periods start the day after the event (Civil Code 2015 Art. 147)
and a period whose last day is a rest day ends on the next working day
(Art. 148). Month periods end on the same day of the last month, or on that
month's last day when it is shorter (Art. 147.4).

A calendar-day or month period whose last day is a Saturday the civil service
works in exchange (a swap day, e.g. 10/1/2026) still rolls to the next working
day. Art. 148 rolls a last day that is a weekend day or a holiday, and a swap
Saturday is still a weekend day for the citizen: the swap binds officials and
public employees only (the Ministry of Home Affairs' notices), not the violator
who must demolish or apply for a permit. Rolling never makes a citizen's period
shorter than the Civil Code's reading, so no enforcement starts a day early;
the only cost is that an official's own calendar-day periods (the 5-day site
check) may end two days later. Working-day counts are the officials' and do
count the swap Saturday (tests/cases/test_periods_table.py holds both).

The holiday table is seeded year by year (CalendarDay rows). Past its last
seeded year a count sees weekends only: `WorkCalendar.seeded_until` says where
the table ends, and a deadline past it carries a warning (the case page, the
API and `manage.py check --database default` show it).

The pure functions take a calendar; `work_calendar()` loads the admin-edited
one from the database (one small query).
"""

from __future__ import annotations

import calendar as _calendar
import datetime
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class WorkCalendar:
    """Rest days beyond weekends, and weekend days that are worked."""

    rest_days: frozenset[datetime.date] = field(default_factory=frozenset)
    working_days: frozenset[datetime.date] = field(default_factory=frozenset)
    # The last day the table knows (31/12 of its last seeded year); None: not
    # from the table (a calendar built by hand), so nothing to warn about.
    seeded_until: datetime.date | None = None

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.working_days:
            return True
        return day.weekday() < 5 and day not in self.rest_days

    def ends_period(self, day: datetime.date) -> bool:
        """Whether a calendar-day or month period may end on `day` (Civil Code Art. 148).

        Not on a weekend day (a swap Saturday included: see the module's note),
        nor on a holiday or a day off of the civil service.
        """
        return day.weekday() < 5 and day not in self.rest_days

    def beyond_table(self, day: datetime.date) -> bool:
        """Whether a count up to `day` ran past the last seeded year (weekends only there)."""
        return self.seeded_until is not None and day > self.seeded_until

    def __contains__(self, day: object) -> bool:
        # `day in calendar` reads "is a rest day", like a set of holidays.
        return isinstance(day, datetime.date) and not self.is_working_day(day)


def _as_calendar(holidays: Any) -> WorkCalendar:
    if isinstance(holidays, WorkCalendar):
        return holidays
    return WorkCalendar(rest_days=frozenset(holidays or ()))


def is_working_day(day: datetime.date, holidays: Any = ()) -> bool:
    return _as_calendar(holidays).is_working_day(day)


def next_working_day_from(day: datetime.date, holidays: Any = ()) -> datetime.date:
    """`day` itself if it is a working day, else the first working day after it."""
    cal = _as_calendar(holidays)
    while not cal.is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def add_working_days(start: datetime.date, days: int, holidays: Any = ()) -> datetime.date:
    """The date `days` working days after `start` (start itself not counted)."""
    cal = _as_calendar(holidays)
    day = start
    remaining = days
    while remaining > 0:
        day += datetime.timedelta(days=1)
        if cal.is_working_day(day):
            remaining -= 1
    return day


def period_end_from(day: datetime.date, holidays: Any = ()) -> datetime.date:
    """`day`, or the next day a calendar-day period may end on (Civil Code Art. 148)."""
    cal = _as_calendar(holidays)
    while not cal.ends_period(day):
        day += datetime.timedelta(days=1)
    return day


def add_calendar_days(start: datetime.date, days: int, holidays: Any = ()) -> datetime.date:
    """The last day of a `days`-day period that starts the day after `start`."""
    return period_end_from(start + datetime.timedelta(days=days), holidays)


def add_months(start: datetime.date, months: int, holidays: Any = ()) -> datetime.date:
    """The last day of a period of `months` months counted from `start`."""
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    last = _calendar.monthrange(year, month)[1]
    return period_end_from(datetime.date(year, month, min(start.day, last)), holidays)


def add_period(start: datetime.date, amount: int, unit: str, holidays: Any = ()) -> datetime.date:
    """Dispatch on a DeadlineRule unit ("working_days", "calendar_days", "months")."""
    if unit == "working_days":
        return add_working_days(start, amount, holidays)
    if unit == "calendar_days":
        return add_calendar_days(start, amount, holidays)
    if unit == "months":
        return add_months(start, amount, holidays)
    raise ValueError(f"unknown deadline unit {unit!r}")


def work_calendar() -> WorkCalendar:
    """The civil-service calendar as the administrators keep it (CalendarDay rows)."""
    from backend.cases.models import REST_DAY_KINDS, CalendarDay

    rest: set[datetime.date] = set()
    working: set[datetime.date] = set()
    for day, kind in CalendarDay.objects.values_list("date", "kind"):
        (rest if kind in REST_DAY_KINDS else working).add(day)
    return WorkCalendar(
        rest_days=frozenset(rest),
        working_days=frozenset(working),
        seeded_until=seeded_until(max(rest | working, default=None)),
    )


def seeded_until(last_day: datetime.date | None) -> datetime.date:
    """31/12 of the year of the table's last row: a year is entered whole or not at all."""
    if last_day is None:
        return datetime.date.min  # an empty table knows no holiday at all
    return datetime.date(last_day.year, 12, 31)


def calendar_seeded_until() -> datetime.date:
    """Where the administrators' holiday table ends (one aggregate query)."""
    from django.db.models import Max

    from backend.cases.models import CalendarDay

    return seeded_until(CalendarDay.objects.aggregate(last=Max("date"))["last"])


# --- Rules: how long each deadline is, versioned by effective date -------------
# The legal defaults (DOMAIN.md). The data migration seeds the same rows; a code
# missing from the table (an emptied database) is re-seeded from here on first use.
DEFAULTS_EFFECTIVE_FROM = datetime.date(2022, 1, 28)  # Decree 16/2022/NĐ-CP in force
DEFAULT_RULES: dict[str, tuple[int, str, str]] = {
    "record": (
        2,
        "working_days",
        "Nghị định 118/2021/NĐ-CP, Điều 12 khoản 1: lập biên bản trong 02 ngày làm việc "
        "kể từ khi phát hiện vi phạm (05 ngày làm việc nếu phức tạp).",
    ),
    "decision": (
        7,
        "working_days",
        "Luật Xử lý vi phạm hành chính, Điều 66 khoản 1: ra quyết định xử phạt trong 07 ngày "
        "làm việc kể từ ngày lập biên bản.",
    ),
    "decision_transferred": (
        10,
        "working_days",
        "Luật Xử lý vi phạm hành chính, Điều 66 khoản 1: 10 ngày làm việc kể từ ngày lập "
        "biên bản khi vụ việc phải chuyển người có thẩm quyền.",
    ),
    "decision_explanation": (
        1,
        "months",
        "Luật Xử lý vi phạm hành chính, Điều 66 khoản 1: 01 tháng kể từ ngày lập biên bản "
        "khi cá nhân, tổ chức yêu cầu giải trình (có thể gia hạn thêm 01 tháng).",
    ),
    "decision_verification": (
        1,
        "months",
        "Luật Xử lý vi phạm hành chính, Điều 66 khoản 1: 01 tháng kể từ ngày lập biên bản "
        "đối với vụ việc phải xác minh tình tiết (có thể gia hạn thêm 01 tháng).",
    ),
    "serve": (
        3,
        "working_days",
        "Luật Xử lý vi phạm hành chính, Điều 70: giao quyết định trong 03 ngày làm việc "
        "kể từ ngày ra quyết định.",
    ),
    "legalise_house": (
        30,
        "calendar_days",
        "Nghị định 16/2022/NĐ-CP, Điều 81: 30 ngày (nhà ở riêng lẻ) kể từ ngày ban hành "
        "quyết định xử phạt để làm thủ tục cấp giấy phép.",
    ),
    "legalise_project": (
        90,
        "calendar_days",
        "Nghị định 16/2022/NĐ-CP, Điều 81: 90 ngày (công trình khác) kể từ ngày ban hành "
        "quyết định xử phạt để làm thủ tục cấp giấy phép.",
    ),
    "conformity_check": (
        5,
        "calendar_days",
        "Nghị định 16/2022/NĐ-CP, Điều 81: kiểm tra hiện trạng trong 05 ngày kể từ khi "
        "xuất trình giấy phép.",
    ),
    "demolish": (
        15,
        "calendar_days",
        "Nghị định 16/2022/NĐ-CP, Điều 81: tự phá dỡ trong 15 ngày kể từ ngày nhận quyết "
        "định, hoặc thời hạn ghi trong quyết định.",
    ),
    "enforce": (
        30,
        "calendar_days",
        "Luật Xử lý vi phạm hành chính, Điều 86–88 (cưỡng chế): pháp luật không ấn định "
        "số ngày; thời hạn do UBND phường quy định.",
    ),
    # The rules below are seeded by migration 0006; see its notes for the ⚠️ ones.
    "demolish_after_notice": (
        15,
        "calendar_days",
        "Nghị định 16/2022/NĐ-CP, Điều 81 khoản 2: tự phá dỡ trong 15 ngày kể từ ngày nhận "
        "thông báo (theo dấu bưu điện hoặc biên bản giao thông báo).",
    ),
    # ⚠️ LAW.md §1 row 4 (Art. 66 read in a secondary source): a configurable default.
    "decision_extension": (
        1,
        "months",
        "Luật Xử lý vi phạm hành chính, Điều 66 khoản 1: gia hạn thời hạn ra quyết định xử "
        "phạt không quá 01 tháng (vụ việc phải giải trình hoặc xác minh).",
    ),
    # D16 Art. 5; Law 88 Art. 6 ✅. Counted from detection (an ongoing violation):
    # the start for a finished one (the day it ended) is not held by the case ⚠️.
    "sanction_limitation": (
        24,
        "months",
        "Nghị định 16/2022/NĐ-CP, Điều 5; Luật Xử lý vi phạm hành chính, Điều 6: thời hiệu "
        "xử phạt vi phạm hành chính trong lĩnh vực xây dựng là 02 năm.",
    ),
    # ⚠️ "Promptly" (kịp thời, LXLVPHC Art. 58(5) as amended by Law 88): no day count in
    # law; Decree 118 Art. 12(6) still says 24 hours. A configurable SLA.
    "transfer": (
        1,
        "working_days",
        "Luật Xử lý vi phạm hành chính, Điều 58 khoản 5: chuyển biên bản kịp thời cho người "
        "có thẩm quyền (Nghị định 118/2021/NĐ-CP, Điều 12 khoản 6: 24 giờ); số ngày do UBND "
        "phường quy định.",
    ),
    # LAW.md §1 row 6 marks Art. 73 ⚠️ (not read in the original): a configurable default.
    "pay_fine": (
        10,
        "calendar_days",
        "Luật Xử lý vi phạm hành chính, Điều 73: nộp tiền phạt trong 10 ngày kể từ ngày nhận "
        "quyết định xử phạt (mặc định, chưa đối chiếu văn bản gốc).",
    ),
    # Decree 296/2025's day counts were not verified (LAW.md §2): the ward sets this one.
    "fine_enforcement": (
        30,
        "calendar_days",
        "Nghị định 296/2025/NĐ-CP (cưỡng chế thi hành quyết định xử phạt): chưa đối chiếu số "
        "ngày; thời hạn quyết định cưỡng chế sau hạn nộp phạt do UBND phường quy định.",
    ),
    # LAW.md §1 row 12 marks Art. 74(1) ⚠️: a configurable default, counted from issuance.
    "execution_limit": (
        12,
        "months",
        "Luật Xử lý vi phạm hành chính, Điều 74 khoản 1: thời hiệu thi hành quyết định xử phạt "
        "là 01 năm kể từ ngày ra quyết định (mặc định, chưa đối chiếu văn bản gốc).",
    ),
    # LAW.md §2 "Appeals" marks these four ⚠️ (secondary sources): configurable defaults.
    "complaint_window": (
        90,
        "calendar_days",
        "Luật Khiếu nại 2011, Điều 9: thời hiệu khiếu nại là 90 ngày kể từ ngày nhận được "
        "quyết định hành chính (mặc định, chưa đối chiếu văn bản gốc).",
    ),
    "complaint_decision": (
        30,
        "calendar_days",
        "Luật Khiếu nại 2011, Điều 28: thời hạn giải quyết khiếu nại lần đầu không quá 30 "
        "ngày (mặc định, chưa đối chiếu văn bản gốc).",
    ),
    "complaint_decision_complex": (
        45,
        "calendar_days",
        "Luật Khiếu nại 2011, Điều 28: vụ việc phức tạp không quá 45 ngày (mặc định, chưa "
        "đối chiếu văn bản gốc).",
    ),
    "lawsuit_window": (
        12,
        "months",
        "Luật Tố tụng hành chính 2015, Điều 116: thời hiệu khởi kiện 01 năm kể từ ngày nhận "
        "được quyết định hành chính (mặc định, chưa đối chiếu văn bản gốc).",
    ),
    # LAW.md §2: Art. 125(4) ✅, 24 hours; kept as 1 day counted clock to clock
    # (backend.cases.appeals.report_due), as the table has no unit in hours.
    "preventive_report": (
        1,
        "calendar_days",
        "Luật Xử lý vi phạm hành chính, Điều 125 khoản 4: trong thời hạn 24 giờ kể từ khi "
        "tạm giữ, người ra quyết định tạm giữ phải báo cáo thủ trưởng trực tiếp (Nghị định "
        "118/2021/NĐ-CP, Điều 12 khoản 3 điểm a: biện pháp ngăn chặn).",
    ),
    # LAW.md §6: no national day count for answering a citizen's report was
    # verified; a configurable default, shown to the reporter.
    "tip_response": (
        10,
        "working_days",
        "Mặc định của TTXD (chưa có thời hạn chung được xác minh): trả lời phản ánh, kiến nghị "
        "của người dân về trật tự xây dựng trong 10 ngày làm việc kể từ khi tiếp nhận.",
    ),
}

# Rates (LegalRate rows), in millionths, with the same fallback as the rules.
DEFAULT_RATES: dict[str, tuple[int, str]] = {
    # LAW.md §6 marks Art. 78 ⚠️: 0.05 % a day of the fine not yet paid, a configurable default.
    "late_payment_interest": (
        500,
        "Luật Xử lý vi phạm hành chính, Điều 78: mỗi ngày chậm nộp phạt nộp thêm 0,05% trên "
        "số tiền phạt chưa nộp (mặc định, chưa đối chiếu văn bản gốc).",
    ),
}


@dataclass(frozen=True)
class Deadline:
    due: datetime.date
    rule: Any  # backend.cases.models.DeadlineRule
    amount: int
    unit: str
    # Counted past the last seeded year of the holiday table (weekends only there).
    beyond_calendar: bool = False
    # What the period is counted from (ViolationCase.stage_deadline_start).
    start: dict[str, Any] = field(default_factory=dict)

    def as_payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "due": self.due.isoformat(),
            "rule": self.rule.code,
            "basis": self.rule.basis,
        }
        if self.beyond_calendar:
            payload["beyond_calendar"] = True
        if self.start:
            payload["counted_from"] = self.start
        return payload


def rule_in_force(code: str, day: datetime.date) -> Any:
    """The version of rule `code` in force on `day` (a case's detection date).

    A day before the first version uses the first version: the table starts
    with the law of 2022 and older cases are still counted somehow.
    """
    from backend.cases.models import DeadlineRule

    versions = DeadlineRule.objects.filter(code=code)
    rule = versions.filter(effective_from__lte=day).order_by("-effective_from").first()
    if rule is None:
        rule = versions.order_by("effective_from").first()
    if rule is None:
        amount, unit, basis = DEFAULT_RULES[code]
        rule, _created = DeadlineRule.objects.get_or_create(
            code=code,
            effective_from=DEFAULTS_EFFECTIVE_FROM,
            defaults={"amount": amount, "unit": unit, "basis": basis},
        )
    return rule


def rate_in_force(code: str, day: datetime.date) -> Any:
    """The version of rate `code` in force on `day`, as rule_in_force does for periods."""
    from backend.cases.models import LegalRate

    versions = LegalRate.objects.filter(code=code)
    rate = versions.filter(effective_from__lte=day).order_by("-effective_from").first()
    if rate is None:
        rate = versions.order_by("effective_from").first()
    if rate is None:
        value, basis = DEFAULT_RATES[code]
        rate, _created = LegalRate.objects.get_or_create(
            code=code,
            effective_from=DEFAULTS_EFFECTIVE_FROM,
            defaults={"parts_per_million": value, "basis": basis},
        )
    return rate


def deadline_from(
    code: str,
    *,
    detected_on: datetime.date,
    anchor: datetime.date,
    calendar: WorkCalendar | None = None,
    override_calendar_days: int | None = None,
) -> Deadline:
    """The due date of rule `code` counted from `anchor`, by the rules of `detected_on`."""
    rule = rule_in_force(code, detected_on)
    cal = calendar if calendar is not None else work_calendar()
    amount, unit = rule.amount, rule.unit
    if override_calendar_days:
        amount, unit = override_calendar_days, "calendar_days"
    due = add_period(anchor, amount, unit, cal)
    return Deadline(
        due=due, rule=rule, amount=amount, unit=unit, beyond_calendar=cal.beyond_table(due)
    )
