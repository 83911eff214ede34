"""Cases as they stood on a past day, and where they came from: what the
periodic reports count (backend.reports.periodic) and the case query's
filters behind their figures (step, step_from, step_to, source, overdue_on).

Each is a condition on cases (a Q over ViolationCase), so a count and the
list of cases behind it are the same statement.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.apps import apps
from django.db.models import Case, CharField, Exists, OuterRef, Q, Subquery, Value, When
from django.db.models import F as Field
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThanOrEqual

from backend.cases.models import OPEN_STAGES, CaseStep
from backend.cases.workflow.table import ACTIONS
from backend.core.query_fields import local_midnight

# Where a case came from (the reports' "violations by source").
SOURCE_PATROL = "patrol"  # opened from a site visit (Visit.case)
SOURCE_CITIZEN = "citizen"  # a citizen's report (a Tip of backend.intake) led to it
SOURCE_OTHER = "other"
SOURCES = (SOURCE_PATROL, SOURCE_CITIZEN, SOURCE_OTHER)
# The citizen's report (backend.intake, when installed): a Tip with `case`.
TIP_MODEL: str = "intake.Tip"


def closing_actions(outcome: str) -> tuple[str, ...]:
    """The workflow's actions that close a case with this outcome (the table says)."""
    return tuple(sorted(code for code, a in ACTIONS.items() if a.outcome == outcome))


def steps_in_q(
    actions: Iterable[str], first: datetime.date | None, last: datetime.date | None
) -> Q:
    """Cases with a step of these actions dated (legal date) within [first, last]."""
    steps = CaseStep.objects.filter(case_id=OuterRef("pk"), action__in=list(actions))
    if first:
        steps = steps.filter(occurred_on__gte=first)
    if last:
        steps = steps.filter(occurred_on__lte=last)
    return Q(Exists(steps))


def _from_visit() -> Exists:
    # Looked up by name: sites builds on cases, so cases does not import it.
    visit = apps.get_model("sites", "Visit")
    return Exists(visit.objects.filter(case_id=OuterRef("pk")))


def _from_tip() -> Exists | None:
    """Cases a citizen's report led to; None while the intake app is not installed."""
    try:
        tip = apps.get_model(TIP_MODEL)
    except LookupError:
        return None
    return Exists(tip.objects.filter(case_id=OuterRef("pk")))


def case_source_q(source: str) -> Q:
    """patrol: a site visit opened it; citizen: a citizen's report led to it (and no
    visit); other: neither. The three never overlap and cover every case."""
    patrol = _from_visit()
    tip = _from_tip()
    if source == SOURCE_PATROL:
        return Q(patrol)
    if source == SOURCE_CITIZEN:
        return Q(tip) & ~Q(patrol) if tip is not None else Q(pk__isnull=True)  # none
    other = ~Q(patrol)
    return other & ~Q(tip) if tip is not None else other


def case_source() -> Case:
    """case_source_q as a column (patrol, citizen or other): one pass over the cases
    for the three counts."""
    tip = _from_tip()
    whens = [When(_from_visit(), then=Value(SOURCE_PATROL))]
    if tip is not None:
        whens.append(When(tip, then=Value(SOURCE_CITIZEN)))
    return Case(*whens, default=Value(SOURCE_OTHER), output_field=CharField())


def _answering(day: datetime.date, column: str) -> Subquery:
    """A column of the first step after `day` that moved the case on or answered a deadline."""
    return Subquery(
        CaseStep.objects.filter(case_id=OuterRef("pk"), occurred_on__gt=day)
        .filter(Q(deadline_due__isnull=False) | ~Q(stage_after=Field("stage_before")))
        .order_by("occurred_on", "id")
        .values(column)[:1]
    )


def overdue_at_q(day: datetime.date) -> Q:
    """Cases overdue at the end of `day`: detected by then, and the deadline pending
    that evening fell on or before it.

    The pending deadline is the one the next step after `day` answered (that
    step's `deadline_due`; the stage then was its `stage_before`); a case with
    no step since is as it stands now (`stage_deadline` of an open stage, not
    suspended). overdue_q(today) is overdue_at_q(today - 1 day) for a case with
    no later step.
    """
    # Detected by then and not closed by then (a cheap column test first).
    detected = Q(detected_at__lt=local_midnight(day + datetime.timedelta(days=1))) & (
        Q(closed_on__isnull=True) | Q(closed_on__gt=day)
    )
    later = CaseStep.objects.filter(case_id=OuterRef("pk"), occurred_on__gt=day).filter(
        Q(deadline_due__isnull=False) | ~Q(stage_after=Field("stage_before"))
    )
    answered_late = LessThanOrEqual(_answering(day, "deadline_due"), day)
    still_pending = ~Exists(later) & Q(
        stage__in=sorted(OPEN_STAGES), stage_deadline__lte=day, execution_suspended=False
    )
    # A necessary condition the database tests cheaply (a hashed set of the
    # late steps, a column) before the per-case subqueries.
    late_steps = CaseStep.objects.filter(occurred_on__gt=day, deadline_due__lte=day)
    candidate = Q(stage_deadline__lte=day) | Q(pk__in=late_steps.values("case_id"))
    return detected & candidate & (Q(answered_late) | still_pending)


def stage_at(day: datetime.date) -> Coalesce:
    """The stage a case was in at the end of `day` (with overdue_at_q: the overdue stage)."""
    return Coalesce(_answering(day, "stage_before"), Field("stage"))
