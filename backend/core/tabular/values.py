"""Cell values as Vietnamese offices write them: dd/mm/yyyy dates or Excel serials,
numbers with a decimal comma and dots between thousands (1.234,5).

Each parser returns the value or raises CellError with what to fix, in the
user's language; the caller adds the row and column (RowError).
"""

from __future__ import annotations

import datetime
import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from backend.core.tabular.text import nfc

# Excel's 1900 date system (Lotus's phantom 29/02/1900 included): day 1 is 01/01/1900.
_EXCEL_EPOCH = datetime.date(1899, 12, 30)
# Serials a register can hold: 01/01/1950 … 31/12/2100 (anything else is a number, not a date).
_SERIAL_RANGE = (18_264, 73_415)
_DATE_TEXT = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_THOUSANDS_DOTS = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")
_THOUSANDS_COMMAS = re.compile(r"^[+-]?\d{1,3}(,\d{3}){2,}$")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


class CellError(ValueError):
    """A cell that cannot be read: `message` says what to write instead."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RowError:
    """One problem in one row, located as the user sees the sheet."""

    row: int  # the sheet's own row number (1-based, header rows counted)
    column: str  # "D — Ngày cấp": the column letter and its header
    value: str  # the cell as written
    message: str  # what to fix

    def as_text(self) -> str:
        return _("Row %(row)s, column %(column)s (“%(value)s”): %(message)s") % {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value: Any) -> str:
    """The cell as the user wrote it, for messages and the refused-rows workbook."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time():
            return value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return nfc(str(value))


def parse_text(value: Any, *, max_length: int) -> str:
    text = cell_text(value)
    if len(text) > max_length:
        raise CellError(_("Shorten this text to at most %(max)s characters.") % {"max": max_length})
    return text


def parse_date(value: Any) -> datetime.date:
    """A date cell, an Excel serial, or text as dd/mm/yyyy (also with - or .) or yyyy-mm-dd.

    Text is always read day first, as Vietnamese documents write it: 03/04/2025
    is 3 April, never 4 March.
    """
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool):
        raise CellError(_("Write the date as dd/mm/yyyy, e.g. 25/03/2025."))
    if isinstance(value, int | float):
        if math.isfinite(value) and float(value).is_integer():
            serial = int(value)
            if _SERIAL_RANGE[0] <= serial <= _SERIAL_RANGE[1]:
                return _EXCEL_EPOCH + datetime.timedelta(days=serial)
        raise CellError(_("Write the date as dd/mm/yyyy, e.g. 25/03/2025."))
    text = cell_text(value)
    match = _DATE_TEXT.match(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
    else:
        iso = _ISO_DATE.match(text)
        if not iso:
            raise CellError(_("Write the date as dd/mm/yyyy, e.g. 25/03/2025."))
        year, month, day = (int(part) for part in iso.groups())
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise CellError(
            _("This date does not exist: check the day and month (dd/mm/yyyy).")
        ) from None


def _number_text(text: str) -> str:
    """Vietnamese separators to a plain decimal string, or CellError."""
    compact = text.replace(" ", "").replace("\u00a0", "")
    if "," in compact and "." in compact:
        # Both present: the last one is the decimal separator.
        if compact.rfind(",") > compact.rfind("."):
            return compact.replace(".", "").replace(",", ".")
        return compact.replace(",", "")
    if "," in compact:
        if _THOUSANDS_COMMAS.match(compact):
            return compact.replace(",", "")
        if compact.count(",") == 1:
            return compact.replace(",", ".")  # the decimal comma
        raise CellError(_("Write one number, with a comma before the decimals (1.234,5)."))
    if _THOUSANDS_DOTS.match(compact):
        return compact.replace(".", "")  # dots between thousands (1.234 is one thousand …)
    return compact


def parse_decimal(value: Any, *, units: tuple[str, ...] = ()) -> Decimal:
    """A number cell, or text such as "1.234,5", "1234.5", "120 m2" (units the caller allows)."""
    if isinstance(value, bool):
        raise CellError(_("Write a number, e.g. 1.234,5."))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CellError(_("Write a number, e.g. 1.234,5."))
        return Decimal(repr(value))
    text = cell_text(value).lower()
    for unit in sorted(units, key=len, reverse=True):
        if text.endswith(unit):
            text = text[: -len(unit)].strip()
            break
    plain = _number_text(text)
    if not _PLAIN_NUMBER.match(plain):
        raise CellError(_("Write a number, e.g. 1.234,5."))
    try:
        return Decimal(plain)
    except InvalidOperation:
        raise CellError(_("Write a number, e.g. 1.234,5.")) from None


def parse_int(value: Any, *, units: tuple[str, ...] = ()) -> int:
    number = parse_decimal(value, units=units)
    if number != number.to_integral_value():
        raise CellError(_("Write a whole number."))
    return int(number)
