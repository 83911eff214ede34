"""The case workflow as one declarative table: suspension → halt → enforcement.

Each Action says from which stages it may be taken, where it leads, who may
take it (the inspector records and proposes; the ward leader decides and
signs; city roles never act), what must be true first (the guard), what it
asks for (its fields), which document it issues and which deadline it
starts; the modules beside this one define those parts.
`backend.cases.services.transition.case_transition` is the one function
that applies it. Legal sources: Decree 16/2022/NĐ-CP (Art. 16, 81), the Law
on Handling Administrative Violations (Art. 66, 70), Decree 118/2021/NĐ-CP.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from backend.cases.workflow.action import Action
from backend.cases.workflow.actions_after_decision import AFTER_THE_DECISION
from backend.cases.workflow.actions_any_stage import AT_ANY_STAGE
from backend.cases.workflow.actions_service_and_fine import SERVICE_AND_FINE
from backend.cases.workflow.actions_to_decision import DETECTION_TO_DECISION
from backend.core.errors import InvalidInput

# The table, in legal order; the groups live beside this module.
_ACTIONS: list[Action] = [
    *DETECTION_TO_DECISION,
    *AFTER_THE_DECISION,
    *AT_ANY_STAGE,
    *SERVICE_AND_FINE,
]

ACTIONS: dict[str, Action] = {a.code: a for a in _ACTIONS}


def action_or_error(code: Any) -> Action:
    spec = ACTIONS.get(str(code or ""))
    if spec is None:
        raise InvalidInput(
            _("Unknown action “%(action)s”.") % {"action": code},
            field="action",
            code="unknown_action",
        )
    return spec


def actions_from(stage: str) -> list[Action]:
    return [a for a in _ACTIONS if stage in a.sources]


def transitions_table() -> list[tuple[str, str, str | None]]:
    """(action, source, target) for every legal transition: for docs and tests."""
    return [(a.code, s, a.target) for a in _ACTIONS for s in sorted(a.sources)]
