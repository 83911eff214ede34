"""Typed values from what a client or a form sent for an action, or every problem at once.

The API and the case page both send raw strings, numbers and booleans; the
transition service cleans them here, so both are held to one set of rules:
plausible dates, whole numbers (amounts of money with thousands separators),
known choices, text without control characters and within its length.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.cases.workflow.action import Action
from backend.cases.workflow.fields import Field, initial_today
from backend.cases.workflow.plausible_values import (
    DOCUMENT_NUMBER_MAX,
    EARLIEST_RECORD_DAY,
    PLANNED_HORIZON,
)
from backend.core.control_characters import code_point, first_control_character
from backend.core.errors import InvalidInput

COMMON_FIELD_NAMES = ("occurred_on", "note", "document_number")


class ActionInputInvalid(InvalidInput):
    """Several fields wrong at once: every problem is reported, keyed by field."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        first = next(iter(errors.values()))
        super().__init__(first, field=next(iter(errors)), code="invalid_input")
        self.errors = dict(errors)

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {name: [str(msg)] for name, msg in self.errors.items()}
        body["code"] = self.code
        return body


def form_fields(spec: Action) -> list[Field]:
    """Every field the action's form shows, the common ones first."""
    fields = [Field("occurred_on", "date", spec.date_label, True, initial=initial_today)]
    fields.extend(spec.fields)
    if spec.document:
        fields.append(
            Field(
                "document_number",
                "int",
                gettext_lazy("Document number"),
                minimum=1,
                maximum=DOCUMENT_NUMBER_MAX,
                help_text=gettext_lazy(
                    "Leave empty to take the next number of the ward's register."
                ),
            )
        )
    fields.append(Field("note", "textarea", gettext_lazy("Note")))
    return fields


# Not given. An empty list or object is not "nothing": it is refused as the wrong type.
_EMPTY: tuple[Any, ...] = (None, "")


def _parse_date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a date only
        except ValueError:
            continue
    raise ValueError


# "1.500.000", "1,500,000" or "1 500 000": groups of three, one separator throughout.
_GROUPED_DIGITS = re.compile(r"[0-9]{1,3}(?:([.,\s])[0-9]{3})(?:\1[0-9]{3})*")
_NUMBER_LIKE = re.compile(r"-?[0-9][0-9.,\s]*")


def _parse_int(value: Any, *, money: bool = False) -> int:
    """A whole number from JSON or a form; ValueError with a message otherwise.

    Thousands separators are read only in amounts of money: in a count, "2.5"
    is a fraction, never 25.
    """
    fraction = (
        _("Enter a whole amount in đồng, without a decimal part (for example 1.500.000).")
        if money
        else _("Enter a whole number, without a decimal part.")
    )
    if isinstance(value, bool):
        raise ValueError(_("Enter a whole number."))
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return int(value)
        raise ValueError(fraction)
    if not isinstance(value, str):
        raise ValueError(_("Enter a whole number."))
    text = value.strip()
    if re.fullmatch(r"-?[0-9]{1,18}", text):
        return int(text)
    if money and _GROUPED_DIGITS.fullmatch(text) and len(text) <= 24:
        return int(re.sub(r"[^0-9]", "", text))
    if _NUMBER_LIKE.fullmatch(text):
        raise ValueError(fraction)
    raise ValueError(_("Enter a whole number."))


def _parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "on", "yes", "có"}:
        return True
    if text in {"0", "false", "off", "no", "không", ""}:
        return False
    raise ValueError


def _number_shown(number: int, f: Field) -> str:
    # Amounts as Vietnamese write them: 2.000.000.000.
    return f"{number:,}".replace(",", ".") if f.money else str(number)


def _plausible_day(f: Field, day: datetime.date) -> datetime.date:
    today = timezone.localdate()
    earliest = f.earliest or EARLIEST_RECORD_DAY
    if day < earliest:
        raise ValueError(
            _("Check the year: the date cannot be before %(earliest)s.")
            % {"earliest": earliest.strftime("%d/%m/%Y")}
        )
    if f.planned:
        latest = today + PLANNED_HORIZON
        if day > latest:
            raise ValueError(
                _("Check the year: the date cannot be after %(latest)s.")
                % {"latest": latest.strftime("%d/%m/%Y")}
            )
    elif day > today:
        raise ValueError(_("The date cannot be in the future."))
    return day


def parse_expected_version(value: Any) -> int | None:
    """The case version a client saw (None: not sent), or InvalidInput naming the field."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and re.fullmatch(r"[0-9]{1,10}", value.strip()):
        return int(value.strip())
    raise InvalidInput(
        _("expected_version must be a whole number."),
        field="expected_version",
        code="invalid_version",
    )


def clean_field(f: Field, raw: Any, case: Any) -> Any:
    """The typed value of one field, or ValueError with a message."""
    if f.kind == "date":
        try:
            day = _parse_date(raw)
        except ValueError:
            raise ValueError(_("Enter a date as dd/mm/yyyy.")) from None
        return _plausible_day(f, day)
    if f.kind == "int":
        number = _parse_int(raw, money=f.money)
        if not f.minimum <= number <= f.maximum:
            raise ValueError(
                _("Enter a number from %(minimum)s to %(maximum)s.")
                % {"minimum": _number_shown(f.minimum, f), "maximum": _number_shown(f.maximum, f)}
            )
        return number
    if f.kind == "decimal":
        try:
            amount = Decimal(str(raw).strip().replace(",", "."))
        except InvalidOperation:
            raise ValueError(_("Enter a number.")) from None
        if not amount.is_finite() or amount < 0 or amount >= Decimal("1e8"):
            raise ValueError(_("Enter a positive number."))
        return amount.quantize(Decimal("0.01"))
    if f.kind == "time":
        match = re.fullmatch(r"([01]?[0-9]|2[0-3])[:hg]([0-5][0-9])", str(raw).strip())
        if match is None:
            raise ValueError(_("Enter a time as hh:mm (for example 14:30)."))
        return f"{int(match.group(1)):02d}:{match.group(2)}"
    if f.kind == "bool":
        try:
            return _parse_bool(raw)
        except ValueError:
            raise ValueError(_("Answer yes or no.")) from None
    if f.kind == "choice":
        value = str(raw).strip()
        allowed = [c[0] for c in f.choices_for(case)]
        reason = f.refusal(case, value) if f.refusal and value not in allowed else None
        if reason:
            raise ValueError(reason)
        if value not in allowed:
            raise ValueError(
                _("Choose one of: %(choices)s.") % {"choices": ", ".join(str(c) for c in allowed)}
            )
        return value
    if not isinstance(raw, str):
        raise ValueError(_("Enter text, not a number, a list or an object."))
    char = first_control_character(raw)
    if char == "\x00":
        raise ValueError(_("The text contains a NUL character, which cannot be stored. Remove it."))
    if char:
        raise ValueError(
            _(
                "The text contains an invisible control character (%(code)s), which cannot be "
                "stored. Remove it (retype the text if you pasted it)."
            )
            % {"code": code_point(char)}
        )
    text = raw.strip()
    if len(text) > f.max_length:
        raise ValueError(
            _("At most %(n)d characters, please (this has %(len)d).")
            % {"n": f.max_length, "len": len(text)}
        )
    return text


def _cleared(f: Field) -> Any:
    """A fact's value once the form leaves it empty (an unticked box is "no")."""
    if f.kind == "bool":
        return False
    return None if f.kind in ("date", "int", "decimal") else ""


def clean_edited_facts(
    fields: Iterable[Field], raw: Mapping[str, Any], *, case: Any
) -> dict[str, Any]:
    """Typed changes from the case page's details form, or ActionInputInvalid.

    The form posts every field: an empty one clears the fact, except a required
    one, which keeps the case's value (and is refused while the case has none).
    Each value is cleaned by clean_field, as an action's input is.
    """
    changes: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for f in fields:
        value = raw.get(f.name, "")
        if value in _EMPTY:
            if f.required and not getattr(case, f.name):
                errors[f.name] = _("“%(field)s” is required.") % {"field": f.label}
            if not f.required:
                changes[f.name] = _cleared(f)
            continue
        try:
            changes[f.name] = clean_field(f, value, case)
        except ValueError as exc:
            errors[f.name] = f"{f.label}: {exc}"
    if errors:
        raise ActionInputInvalid(errors)
    return changes


def clean_action_input(
    spec: Action, raw: Mapping[str, Any], *, case: Any, actor: Any
) -> dict[str, Any]:
    """Typed values for every field of the action, or ActionInputInvalid listing all problems.

    A field left out keeps its initial value (for case facts: the case's current
    value), so an API client sends only what it wants to set.
    """
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    known = {f.name for f in form_fields(spec)}
    unknown = sorted(
        set(raw) - known - {"action", "expected_version", "expected_stage", "attachment", "data"}
    )
    if unknown:
        errors["detail"] = _("These fields do not belong to this action: %(fields)s.") % {
            "fields": ", ".join(unknown)
        }
    for f in form_fields(spec):
        given = f.name in raw and raw[f.name] not in _EMPTY
        if f.kind == "bool" and f.name in raw and raw[f.name] is not None:
            given = True
        value: Any = raw[f.name] if given else f.initial_for(case, actor)
        if value in _EMPTY:
            if f.required:
                errors[f.name] = _("“%(field)s” is required.") % {"field": f.label}
            # Text columns (a choice is one too) hold "" for nothing, never NULL.
            values[f.name] = "" if f.kind in ("text", "textarea", "choice") else None
            continue
        try:
            values[f.name] = clean_field(f, value, case)
        except ValueError as exc:
            errors[f.name] = f"{f.label}: {exc}"
    if errors:
        raise ActionInputInvalid(errors)
    return values
