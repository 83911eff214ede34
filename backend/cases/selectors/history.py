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

from backend.audit.models import CaseEvent
from backend.cases.models import OPEN_STAGES, CaseStep
from backend.cases.workflow.table import ACTIONS
from backend.core.query_fields import local_midnight

# Where a case came from (the reports' "violations by source"), as the audit
# dashboard's coverage counts it (backend.reports.coverage): a citizen's report
# first, then patrol, else other; each case in exactly one.
SOURCE_PATROL = "patrol"  # a site visit opened it, or it belongs to a site found on patrol
SOURCE_CITIZEN = "citizen"  # opened from a citizen's report (backend.intake's tip_open_case)
SOURCE_OTHER = "other"
SOURCES = (SOURCE_PATROL, SOURCE_CITIZEN, SOURCE_OTHER)
# The event backend.intake writes when a case is opened from (or linked to) a
# tip; "how": "opened" only when the tip opened the case.
TIP_LINKED_EVENT = "tip_linked"
SITE_ORIGIN_PATROL = "patrol"


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


def _from_tip() -> Q:
    return Q(
        Exists(
            CaseEvent.objects.filter(
                case_id=OuterRef("pk"), kind=TIP_LINKED_EVENT, payload__how="opened"
            )
        )
    )


def _from_patrol() -> Q:
    # Looked up by name: sites builds on cases, so cases does not import it.
    visit = apps.get_model("sites", "Visit")
    site_cases = apps.get_model("sites", "Site").cases.through
    on_patrol = site_cases.objects.filter(
        violationcase_id=OuterRef("pk"), site__origin=SITE_ORIGIN_PATROL
    )
    return Q(Exists(visit.objects.filter(case_id=OuterRef("pk")))) | Q(Exists(on_patrol))


def case_source_q(source: str) -> Q:
    """citizen: a citizen's report opened it; patrol: (not that, and) a site visit
    opened it or it belongs to a site found on patrol; other: neither."""
    if source == SOURCE_CITIZEN:
        return _from_tip()
    if source == SOURCE_PATROL:
        return _from_patrol() & ~_from_tip()
    return ~_from_tip() & ~_from_patrol()


def case_source() -> Case:
    """case_source_q as a column (patrol, citizen or other): one pass over the cases
    for the three counts."""
    return Case(
        When(_from_tip(), then=Value(SOURCE_CITIZEN)),
        When(_from_patrol(), then=Value(SOURCE_PATROL)),
        default=Value(SOURCE_OTHER),
        output_field=CharField(),
    )


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
