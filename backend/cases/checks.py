"""`manage.py check --database default`: what the administrators must know about the rules.

The holiday and swap-day table is entered year by year; past its last year a
count sees weekends only (backend.cases.deadlines). These warnings name the
cases whose deadline was counted past it and warn before new counts will be.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.checks import Tags, Warning, register

# The longest period the workflow starts (90 days to legalise other works,
# Decree 16 Art. 81): a table ending sooner than this misses counts starting today.
LOOKAHEAD = datetime.timedelta(days=120)


@register(Tags.database)
def holiday_table_covers_the_deadlines(
    app_configs: Any = None, databases: Any = None, **kwargs: Any
) -> list[Warning]:
    if not databases:
        return []
    from django.db import connection
    from django.utils import timezone

    from backend.cases.models import CalendarDay, ViolationCase
    from backend.cases.selectors import open_deadlines_beyond_calendar

    # `migrate` runs the database checks before it creates the tables: on a new
    # database there is nothing to warn about yet.
    tables = set(connection.introspection.table_names())
    if not {CalendarDay._meta.db_table, ViolationCase._meta.db_table} <= tables:
        return []
    until, cases = open_deadlines_beyond_calendar()
    shown = until.strftime("%d/%m/%Y") if until.year > 1 else "—"
    warnings: list[Warning] = []
    if cases:
        warnings.append(
            Warning(
                f"{cases} open case(s) have a deadline past {shown}, the last day of the "
                "holiday and swap-day table: those counts saw weekends only.",
                hint="Enter the next year's holidays and swap days (admin: holidays and "
                "swapped days), then check those deadlines.",
                id="cases.W001",
            )
        )
    elif until < timezone.localdate() + LOOKAHEAD:
        warnings.append(
            Warning(
                f"The holiday and swap-day table ends on {shown}: periods starting now "
                "may run past it and count weekends only.",
                hint="Enter the next year's holidays and swap days.",
                id="cases.W002",
            )
        )
    return warnings


@register(Tags.database)
def no_transfer_after_a_decision_keeps_a_deadline(
    app_configs: Any = None, databases: Any = None, **kwargs: Any
) -> list[Warning]:
    """Earlier versions let a decided case be transferred with a fresh "decision due"."""
    if not databases:
        return []
    from django.db import connection

    from backend.cases.models import CaseStep, ViolationCase
    from backend.cases.services.transfer_correction import transfers_after_decision

    tables = set(connection.introspection.table_names())
    if not {CaseStep._meta.db_table, ViolationCase._meta.db_table} <= tables:
        return []
    count = transfers_after_decision().count()
    if not count:
        return []
    return [
        Warning(
            f"{count} case(s) were transferred after their sanction decision by an earlier "
            "version and still show a 'decision due' deadline that no longer stands.",
            hint="Run `manage.py correct_transfers --dry-run` to list them, then without "
            "--dry-run to clear those deadlines (each case's history tells it).",
            id="cases.W003",
        )
    ]
