"""Writes of periodic reports: generation on the reporting date, review and sending.

Each write is one transaction with its event (who, when) written beside it.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from backend.accounts.models import Role
from backend.core.errors import Conflict, NotAllowed
from backend.reports.periodic.figures import render
from backend.reports.periodic.indicators import compute
from backend.reports.periodic.models import (
    PeriodicReport,
    PeriodicReportEvent,
    ReportEventKind,
    ReportStatus,
)
from backend.reports.periodic.periods import Period, periods_ending
from backend.reports.periodic.selectors import ward_codes_of
from backend.wards.selectors import wards_valid_on


def _create(period: Period, ward_code: str, ward_name: str, figures: dict[str, Any]) -> bool:
    """The report's draft, unless it exists; True when created."""
    if PeriodicReport.objects.filter(
        ward_code=ward_code, kind=period.kind, label=period.label
    ).exists():
        return False
    try:
        with transaction.atomic():
            report = PeriodicReport.objects.create(
                ward_code=ward_code,
                ward_name=ward_name,
                kind=period.kind,
                label=period.label,
                start=period.start,
                end=period.end,
                due_on=period.due_on,
                figures=figures,
            )
            PeriodicReportEvent.objects.create(report=report, kind=ReportEventKind.GENERATED)
    except IntegrityError:
        return False  # another scheduler made it meanwhile
    return True


def periodic_report_generate(period: Period) -> int:
    """The drafts of `period` for every ward valid at its end and the city; the
    ones that exist are kept as they are. How many were created."""
    with override("vi"):  # the snapshot's labels are the report's language
        computed = compute(period)
        created = 0
        wards = {w.code: w.name for w in wards_valid_on(period.end)}
        for code in sorted(wards):
            created += _create(period, code, wards[code], render(computed, code))
        created += _create(period, "", "", render(computed, None))
    return created


# A scheduler that was down on the reporting date makes the drafts when it is
# back, within this many days (a choice of this system).
CATCH_UP_DAYS = 7


def periodic_reports_generate(today: datetime.date | None = None) -> int:
    """On the reporting date (the day after a period ends) the drafts of every
    period that ended the day before (or up to CATCH_UP_DAYS before, when a run
    was missed). Safe to run again: nothing is made twice."""
    day = today or timezone.localdate()
    created = 0
    for back in range(CATCH_UP_DAYS, 0, -1):
        for period in periods_ending(day - datetime.timedelta(days=back)):
            created += periodic_report_generate(period)
    return created


def check_may_send_reports(actor: Any) -> None:
    """City auditors read the reports; they never review or send them."""
    if getattr(actor, "role", "") not in (Role.WARD_LEADER, Role.ADMIN):
        raise NotAllowed(_("Only the leader of the ward reviews and sends its report."))


def _check_may_sign(report: PeriodicReport, actor: Any) -> None:
    check_may_send_reports(actor)
    if report.ward_code:
        if getattr(actor, "role", "") != Role.WARD_LEADER or report.ward_code not in ward_codes_of(
            actor
        ):
            raise NotAllowed(_("Only the leader of the ward reviews and sends its report."))
    elif getattr(actor, "role", "") != Role.ADMIN:
        raise NotAllowed(_("Only an administrator of the city marks the city's report sent."))


def _locked(report: PeriodicReport) -> PeriodicReport:
    return PeriodicReport.objects.select_for_update().get(pk=report.pk)


@transaction.atomic
def periodic_report_mark_reviewed(report: PeriodicReport, *, actor: Any) -> PeriodicReport:
    _check_may_sign(report, actor)
    locked = _locked(report)
    if locked.status != ReportStatus.DRAFT:
        raise Conflict(_("This report has already been reviewed."))
    locked.status, locked.reviewed_at, locked.reviewed_by = (
        ReportStatus.REVIEWED,
        timezone.now(),
        actor,
    )
    locked.save(update_fields=["status", "reviewed_at", "reviewed_by"])
    PeriodicReportEvent.objects.create(report=locked, kind=ReportEventKind.REVIEWED, actor=actor)
    return locked


@transaction.atomic
def periodic_report_mark_sent(report: PeriodicReport, *, actor: Any) -> PeriodicReport:
    """Sent to the level above: by the ward's leader (a draft is reviewed on the way)."""
    _check_may_sign(report, actor)
    locked = _locked(report)
    if locked.status == ReportStatus.SENT:
        raise Conflict(_("This report has already been sent."))
    now = timezone.now()
    if locked.status == ReportStatus.DRAFT:
        locked.reviewed_at, locked.reviewed_by = now, actor
        PeriodicReportEvent.objects.create(
            report=locked, kind=ReportEventKind.REVIEWED, actor=actor
        )
    locked.status, locked.sent_at, locked.sent_by = ReportStatus.SENT, now, actor
    locked.save(update_fields=["status", "reviewed_at", "reviewed_by", "sent_at", "sent_by"])
    PeriodicReportEvent.objects.create(report=locked, kind=ReportEventKind.SENT, actor=actor)
    return locked
