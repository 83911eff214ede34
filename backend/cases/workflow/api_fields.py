"""An action's fields as JSON, for clients that draw their own forms (the actions endpoint).

The same fields the case page draws (input_cleaning.form_fields), with their
initial values made JSON-ready and their labels in the request's language.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from backend.cases.workflow.action import Action
from backend.cases.workflow.input_cleaning import form_fields


def fields_for_api(spec: Action, case: Any, actor: Any) -> list[dict[str, Any]]:
    out = []
    for f in form_fields(spec):
        initial = f.initial_for(case, actor)
        if isinstance(initial, datetime.date):
            initial = initial.isoformat()
        elif isinstance(initial, Decimal):
            initial = str(initial)
        item: dict[str, Any] = {
            "name": f.name,
            "type": f.kind,
            "label": str(f.label),
            "required": f.required,
            "initial": initial,
            "target": f.target,
        }
        if f.kind == "choice":
            item["choices"] = [{"value": v, "label": str(lbl)} for v, lbl in f.choices_for(case)]
        if f.about is not None:
            item.update(f.about(case))
        help_text = f.help_text_for(case)
        if help_text:
            item["help_text"] = str(help_text)
        else:
            item.pop("help_text", None)
        out.append(item)
    return out
