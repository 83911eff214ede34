"""Bounds past which a typed value is a typing error, not a fact.

Every field of the workflow checks its value against these before a step is
stored; the reason for each number is beside it.
"""

from __future__ import annotations

import datetime

# The acts this system records (Decree 16/2022, Decree 118/2021) are recent: a
# date before 2000 is a mistyped year. (Python cannot even shift a time near
# year 1 or 9999 to another time zone, and every page showing it would fail.)
EARLIEST_RECORD_DAY = datetime.date(2000, 1, 1)
EARLIEST_BIRTH_DAY = datetime.date(1900, 1, 1)
# A planned date (the enforcement) further ahead than this is a mistyped year.
PLANNED_HORIZON = datetime.timedelta(days=5 * 366)
# A fine past 2 bn VND is a typing error. This is no legal limit: a decision's
# fines are held to the catalogue's bands and the ward's cap (FineRule rows).
FINE_MAX_VND = 2_000_000_000
# More storeys than this is a typing error (the tallest building in Vietnam has 81).
STOREYS_MAX = 100
# A demolition period of more than a year is a typing error, not a decision.
REMEDY_DAYS_MAX = 365
# A ward's register of one kind of document never reaches a million in a year.
DOCUMENT_NUMBER_MAX = 999_999
