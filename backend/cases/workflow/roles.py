"""Who may act on a case: the inspector records and proposes, the ward leader decides.

City roles (auditors, administrators) read cases but never act on them.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from backend.accounts.models import Role
from backend.cases.workflow.action import Action

INSPECTOR = frozenset({Role.INSPECTOR})
LEADER = frozenset({Role.WARD_LEADER})
WARD_STAFF = frozenset({Role.INSPECTOR, Role.WARD_LEADER})


def role_refusal(actor: Any, spec: Action | None) -> str | None:
    """Why this user's role may not take the action (any action when None), or None."""
    role = getattr(actor, "role", "")
    if role == Role.CITY_AUDITOR:
        return _("City auditors read cases but never act on them.")
    if role == Role.ADMIN:
        return _("Administrators manage users and rules; they do not act on cases.")
    if role not in WARD_STAFF:
        return _("Only ward inspectors and ward leaders act on cases.")
    if spec is None:
        return None
    if role not in spec.roles:
        if spec.roles == LEADER:
            return _("Only the ward leader may take this decision: “%(action)s”.") % {
                "action": spec.label
            }
        if spec.roles == INSPECTOR:
            return _("Only an inspector records this step: “%(action)s”.") % {"action": spec.label}
        return _("Your role may not take this step.")
    return None
