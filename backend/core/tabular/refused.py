"""The rows an import refused, as a workbook the office corrects and sends again.

Written in openpyxl's write-only mode (rows streamed to the file, never held
as cells): the sheet's own columns as they came, the source row number
first and the reasons last.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font


def write_refused_rows(
    target: str | Path | IO[bytes],
    labels: Sequence[str],
    rows: Iterable[tuple[int, Sequence[Any], str]],
) -> int:
    """Write (source row number, cell values, reason) rows under the sheet's labels.

    Returns the number of rows written. Values are written as they came
    (text, numbers, dates); formula-like text is written as text.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Refused rows"))
    bold = Font(bold=True)
    header = [_("Source row"), *labels, _("Reason refused")]
    cells = []
    for label in header:
        cell = _text_cell(sheet, str(label))
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    sheet.freeze_panes = "B2"
    written = 0
    width = len(labels)
    for number, values, reason in rows:
        padded = [_as_cell(sheet, v) for v in list(values)[:width]]
        padded += [None] * (width - len(padded))
        sheet.append([number, *padded, reason])
        written += 1
    workbook.save(target)
    return written


def _text_cell(sheet: Any, text: str) -> WriteOnlyCell:
    """A cell holding the text as text: openpyxl would take "=…" for a formula."""
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    return cell


def _as_cell(sheet: Any, value: Any) -> Any:
    if isinstance(value, str) and value.startswith("="):
        return _text_cell(sheet, value)
    return value
