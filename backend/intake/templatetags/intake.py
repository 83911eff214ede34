from typing import Any

from django import template

from backend.accounts.models import Role
from backend.intake.models import OPEN_STATUSES
from backend.intake.selectors import tips_visible_to

register = template.Library()

# Who triages (ward staff) or follows (the city's auditors) the reports.
TIP_DESK_ROLES = frozenset({Role.INSPECTOR, Role.WARD_LEADER, Role.CITY_AUDITOR})


@register.simple_tag(takes_context=True)
def open_tips(context: Any) -> int | None:
    """The open reports in the user's wards (every ward for auditors); None: no link."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.role not in TIP_DESK_ROLES:
        return None
    return tips_visible_to(user).filter(status__in=OPEN_STATUSES).count()
