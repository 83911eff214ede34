"""Reads of periodic reports, through the access rules: ward staff their wards'
reports, city roles every ward's and the city's."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from backend.accounts.selectors import Viewer, user_sees_all_wards, ward_ids_of
from backend.reports.periodic.models import PeriodicReport, ReportStatus
from backend.wards.models import Ward


def ward_codes_of(user: Viewer) -> set[str]:
    """The official codes of the wards a ward user works in."""
    return set(Ward.objects.filter(id__in=ward_ids_of(user)).values_list("code", flat=True))


def may_read_scope(user: Viewer, ward_code: str | None) -> bool:
    """Whether the user may read a ward's (or, None, the city's) figures."""
    if user_sees_all_wards(user):
        return True
    return bool(ward_code) and ward_code in ward_codes_of(user)


def periodic_reports_visible_to(user: Viewer) -> QuerySet[PeriodicReport]:
    qs = PeriodicReport.objects.select_related("sent_by", "reviewed_by")
    if user_sees_all_wards(user):
        return qs
    return qs.filter(ward_code__in=sorted(ward_codes_of(user)))


def late_q(today: datetime.date) -> Q:
    """Reports past their due date and not sent."""
    return Q(due_on__lt=today) & ~Q(status=ReportStatus.SENT)


def late_reports(user: Viewer, today: datetime.date | None = None) -> QuerySet[PeriodicReport]:
    return periodic_reports_visible_to(user).filter(late_q(today or timezone.localdate()))


def is_late(report: PeriodicReport, today: datetime.date) -> bool:
    """late_q for one report already read."""
    return report.due_on < today and report.status != ReportStatus.SENT
