"""One row of the workflow table: what an action is made of.

From which stages it may be taken and where it leads, who may take it, what
it asks for, its guard and validator, the document it issues, the deadline
it starts, and how the step is judged against the deadline it answers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import translation

from backend.cases.workflow.deadline_starts import DeadlineStart
from backend.cases.workflow.fields import Field
from backend.cases.workflow.guards import GuardContext


@dataclass(frozen=True)
class Action:
    code: str
    label: Any  # English msgid (gettext_lazy)
    label_vi: str
    sources: frozenset[str]
    target: str | None  # None: the stage does not change
    roles: frozenset[str]
    date_label: Any
    fields: tuple[Field, ...] = ()
    document: str | None = None
    deadline: DeadlineStart | str | None = None  # DeadlineStart, KEEP, or None (cleared)
    guard: Callable[[GuardContext], str | None] | None = None
    validate: Callable[[GuardContext, dict[str, Any]], dict[str, str]] | None = None
    outcome: str | None = None
    event_kind: str = "stage_changed"
    opens_child_case: bool = False
    help_text: Any = ""
    decides: bool = False  # a decision (signed by the leader) rather than a record
    # Whether the step is measured against the deadline of the stage it leaves.
    # Not so for reactions to a violator's missed period (enforcement follows it by
    # design) nor for side branches (cancel, transfer): their on_time is null.
    answers_deadline: bool = True
    # A step judged against a rule of its own rather than the stage's deadline
    # (the transfer, against the SLA for "promptly").
    measured_by: DeadlineStart | None = None
    # A suspension decision (MQĐ31) suspends the decision's execution (True), a
    # later step lifts it (False); None: the step leaves it as it is.
    suspends_execution: bool | None = None
    # An answer to an earlier step (a complaint's decision, a seizure's report, the
    # other remedy's service): while its guard finds nothing to answer, the page
    # leaves it out instead of listing why it cannot be taken.
    answers_earlier_step: bool = False

    def english_label(self) -> str:
        with translation.override("en"):
            return str(self.label)

    def target_stage(self, stage: str) -> str:
        return self.target or stage
