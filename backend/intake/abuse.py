"""Checks against automated reports on the public page, before a report is checked.

Two cheap signs of a robot: it fills in the field people never see (the
honeypot, hidden from sight and from screen readers), or it sends the form
sooner than a person could. The refusal says neither, so a robot learns
nothing from it; a person who somehow meets it just sends again.
"""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from backend.core.errors import InvalidInput


def _refused() -> InvalidInput:
    return InvalidInput(
        _("The report could not be accepted. Wait a moment, check the form and send it again."),
        code="not_accepted",
    )


def tip_abuse_check(*, honeypot: Any, elapsed_ms: Any) -> None:
    """Refuse (400) a report whose honeypot is filled in, or sent too fast.

    `elapsed_ms` is how long the form was open before it was sent, as the
    browser measured it (a queued report sent later only counts more).
    """
    if honeypot not in (None, ""):
        raise _refused()
    try:
        elapsed = float(elapsed_ms)
    except (TypeError, ValueError, OverflowError):
        raise _refused() from None
    if not math.isfinite(elapsed) or elapsed < settings.TTXD_TIP_MIN_FILL_SECONDS * 1000:
        raise _refused()
