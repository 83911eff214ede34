"""Counting days for legal deadlines.

Working days skip Saturdays, Sundays and public holidays. Calendar-day
periods start the day after the event (Civil Code Art. 147) and a period
ending on a rest day ends on the next working day (Art. 148).
"""

from __future__ import annotations

import datetime
from collections.abc import Container


def is_working_day(day: datetime.date, holidays: Container[datetime.date] = ()) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_working_days(
    start: datetime.date, days: int, holidays: Container[datetime.date] = ()
) -> datetime.date:
    """The date `days` working days after `start` (start itself not counted)."""
    day = start
    remaining = days
    while remaining > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day, holidays):
            remaining -= 1
    return day


def add_calendar_days(
    start: datetime.date, days: int, holidays: Container[datetime.date] = ()
) -> datetime.date:
    """The last day of a `days`-day period that starts the day after `start`."""
    day = start + datetime.timedelta(days=days)
    while not is_working_day(day, holidays):
        day += datetime.timedelta(days=1)
    return day
