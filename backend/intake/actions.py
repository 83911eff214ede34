"""The ward's triage actions as the API and the desk forms send them: read the
inputs (ids, codes, the version), refuse what cannot be read with a message
naming the field, and call backend.intake.services.triage.

Both doors share this module, so a form post and a JSON post are judged alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from backend.accounts.models import Role, User
from backend.accounts.selectors import Viewer
from backend.cases.models import ViolationCase
from backend.cases.selectors import cases_visible_to
from backend.core.errors import InvalidInput
from backend.intake.models import Tip
from backend.intake.selectors import tip_by_code, tips_visible_to
from backend.intake.services.triage import (
    tip_dismiss,
    tip_link_case,
    tip_merge,
    tip_open_case,
    tip_send_inspector,
    tip_verify,
    tips_mark_spam,
)

ACTIONS = ("verify", "open-case", "link-case", "send-inspector", "dismiss", "merge")
TEXT_MAX = 4000


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _whole(value: Any, field: str, message: str) -> int | None:
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise InvalidInput(message, field=field, code="invalid")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isdigit() and len(value.strip()) < 12:
        number = int(value.strip())
    else:
        raise InvalidInput(message, field=field, code="invalid")
    if number < 0 or number > 2**31 - 1:
        raise InvalidInput(message, field=field, code="invalid")
    return number


def parse_version(data: Mapping[str, Any]) -> int | None:
    return _whole(
        data.get("version"),
        "version",
        _("The version must be a whole number (the report's “version” as you last read it)."),
    )


def _text(data: Mapping[str, Any], field: str) -> str | None:
    value = data.get(field)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput(_("Write this as text."), field=field, code="invalid")
    if len(value) > TEXT_MAX or "\x00" in value:
        raise InvalidInput(
            _("At most %(limit)d characters, without control characters.") % {"limit": TEXT_MAX},
            field=field,
            code="invalid",
        )
    return value.strip()


def _inspector(value: Any, field: str) -> User | None:
    pk = _whole(value, field, _("Choose one of the ward's inspectors."))
    if pk is None:
        return None
    found = User.objects.filter(pk=pk, role=Role.INSPECTOR, is_active=True).first()
    if found is None:
        raise InvalidInput(
            _("Choose one of the ward's inspectors."), field=field, code="unknown_inspector"
        )
    return found


def _case(user: Viewer, value: Any) -> ViolationCase:
    """A case by its id or its code, among those the user may see."""
    text = str(value).strip() if isinstance(value, (str, int)) else ""
    if not text:
        raise InvalidInput(
            _("Give the case's code (or choose one of the suggested cases)."),
            field="case",
            code="case_required",
        )
    visible = cases_visible_to(user)
    found = visible.filter(pk=int(text)).first() if text.isdigit() and len(text) < 12 else None
    if found is None:
        found = visible.filter(code__iexact=text).first()
    if found is None:
        raise InvalidInput(
            _("No case %(case)s in your wards.") % {"case": text[:40]},
            field="case",
            code="unknown_case",
        )
    return found


def _tip(user: Viewer, value: Any) -> Tip:
    """A tip by its id or its code, among those the user may see."""
    text = str(value).strip() if isinstance(value, (str, int)) else ""
    if not text:
        raise InvalidInput(
            _("Choose the earlier report to merge into."), field="into", code="into_required"
        )
    visible = tips_visible_to(user)
    found = visible.filter(pk=int(text)).first() if text.isdigit() and len(text) < 12 else None
    if found is None:
        by_code = tip_by_code(text)
        found = visible.filter(pk=by_code.pk).first() if by_code is not None else None
    if found is None:
        raise InvalidInput(
            _("No report %(code)s in your wards.") % {"code": text[:40]},
            field="into",
            code="unknown_tip",
        )
    return found


def tip_act(user: Viewer, tip: Tip, action: str, data: Mapping[str, Any]) -> ViolationCase | Tip:
    """One triage action on `tip` with the inputs in `data`; the case for open-case."""
    if not isinstance(data, Mapping):
        raise InvalidInput(_("Send the inputs as a JSON object."), code="invalid_body")
    version = parse_version(data)
    if action == "verify":
        return tip_verify(actor=user, tip=tip, version=version)
    if action == "open-case":
        violation_type = _text(data, "violation_type") or None
        return tip_open_case(
            actor=user,
            tip=tip,
            violation_type=violation_type,
            address=_text(data, "address"),
            description=_text(data, "description"),
            assigned_inspector=_inspector(data.get("assigned_inspector"), "assigned_inspector"),
            version=version,
        )
    if action == "link-case":
        return tip_link_case(
            actor=user, tip=tip, case=_case(user, data.get("case")), version=version
        )
    if action == "send-inspector":
        return tip_send_inspector(
            actor=user,
            tip=tip,
            inspector=_inspector(data.get("inspector"), "inspector"),
            version=version,
        )
    if action == "dismiss":
        return tip_dismiss(actor=user, tip=tip, reason=data.get("reason"), version=version)
    if action == "merge":
        return tip_merge(actor=user, tip=tip, into=_tip(user, data.get("into")), version=version)
    raise InvalidInput(_("Unknown action."), code="unknown_action")


def tips_spam(user: Viewer, ids: Any) -> list[Tip]:
    """Mark the tips with these ids as spam (all or none)."""
    if isinstance(ids, (str, bytes)) or not isinstance(ids, (list, tuple)):
        raise InvalidInput(_("Send the reports' ids as a list."), field="ids", code="invalid_ids")
    visible = set(tips_visible_to(user).filter(pk__in=_ids(ids)).values_list("pk", flat=True))
    if len(visible) != len(set(_ids(ids))):
        raise InvalidInput(
            _("Some of these reports are not in your wards."), field="ids", code="unknown"
        )
    return tips_mark_spam(actor=user, tip_ids=ids)


def _ids(ids: Any) -> list[int]:
    out = []
    for raw in ids:
        number = _whole(raw, "ids", _("Report ids are whole numbers."))
        if number is None:
            raise InvalidInput(_("Report ids are whole numbers."), field="ids", code="invalid_id")
        out.append(number)
    return out
