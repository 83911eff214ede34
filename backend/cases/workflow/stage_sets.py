"""Sets of stages and small helpers the action groups of the table share."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy

from backend.cases.models import (
    OPEN_STAGES,
    Stage,
)
from backend.cases.workflow.choices import (
    FAILURE_REASON_CHOICES,
)
from backend.cases.workflow.guards import (
    legalisation_window_over,
)

AFTER_RECORD = frozenset(OPEN_STAGES - {Stage.DETECTED, Stage.TRANSFERRED})
# A decision exists from "halted" on; serving it and paying its fine go on after
# the case closes (a demolished site may still owe its fine).
AFTER_DECISION = frozenset(
    {
        Stage.HALTED,
        Stage.LEGALISING,
        Stage.CONFORMITY_CHECK,
        Stage.SELF_DEMOLITION,
        Stage.ENFORCEMENT,
        Stage.CLOSED,
    }
)

NOTICE_DELIVERY_CHOICES = (
    ("post", gettext_lazy("Registered post (the postmark date)")),
    ("in_person", gettext_lazy("Handed over (the date of the handover record)")),
)


def failure_reason_choices(case: Any) -> list[tuple[str, Any]]:
    # "No permit within the period" only once the period is over (Art. 81(2)).
    today = timezone.localdate()
    return [
        c
        for c in FAILURE_REASON_CHOICES
        if c[0] != "window_expired" or legalisation_window_over(case, today)
    ]


def initial_failure_reason(case: Any, actor: Any) -> str | None:
    return "window_expired" if legalisation_window_over(case, timezone.localdate()) else None
