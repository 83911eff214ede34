"""Who signs a decision: the chairman, or a vice-chairman for the chairman ("KT.").

A vice-chairman signs on the chairman's delegation, and the decision cites
that delegation decision among its grounds (MQĐ02's grounds, Decree 118/2021
forms; LAW.md §1 row 4: "the commune chairman, or a delegated deputy").
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _

DEPUTY = "deputy"
DELEGATION_FIELDS = ("delegation_number", "delegation_date")


def signing_authority_errors(values: dict[str, Any]) -> dict[str, str]:
    """What is wrong with the signer's authority, by field (empty: nothing)."""
    if "signer_title" not in values:
        return {}
    errors: dict[str, str] = {}
    number = values.get("delegation_number")
    day: datetime.date | None = values.get("delegation_date")
    if values["signer_title"] == DEPUTY:
        if not number:
            errors["delegation_number"] = _(
                "A vice-chairman signs for the chairman (KT.): enter the number of the "
                "delegation decision."
            )
        if day is None:
            errors["delegation_date"] = _(
                "A vice-chairman signs for the chairman (KT.): enter the date of the "
                "delegation decision."
            )
        elif day > values["occurred_on"]:
            errors["delegation_date"] = _(
                "The delegation must be decided before the decision it allows to be signed."
            )
    elif number or day:
        errors["delegation_number"] = _(
            "The chairman signs in his or her own right: leave the delegation empty."
        )
    return errors
