"""What a request asks for (ward, period) and whether the user may read it."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from backend.accounts.selectors import Viewer
from backend.core.errors import InvalidInput, NotAllowed
from backend.reports.periodic.periods import Period, period_of_label
from backend.reports.periodic.selectors import may_read_scope
from backend.wards.models import Ward


def requested_scope(user: Viewer, params: Any) -> tuple[str | None, Period]:
    """(ward code or None for the city, period) of `?ward=CODE&period=LABEL`, checked."""
    label = str(params.get("period") or "").strip()
    if not label:
        raise InvalidInput(
            _(
                "Choose the period: a month 2026-11, a quarter 2026-Q4, a half-year 2026-H2 or a year 2026."
            ),
            field="period",
            code="invalid_period",
        )
    period = period_of_label(label)
    code = str(params.get("ward") or "").strip() or None
    if code is not None and not Ward.objects.filter(code=code).exists():
        raise InvalidInput(
            _("No ward has the code “%(code)s”.") % {"code": code[:20]}, field="ward"
        )
    if not may_read_scope(user, code):
        raise NotAllowed(
            _("You may read the reports of your own wards only.")
            if code
            else _("Only city roles read the city's report; choose your ward.")
        )
    return code, period
