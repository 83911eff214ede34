"""A workbook written straight as SpreadsheetML, row by row, into its zip.

The case export's events sheet runs to hundreds of thousands of rows at the
city's size. openpyxl (even write-only) builds a cell object per value and
serialises it through lxml: ~20 µs a cell, 45 s for 100,000 events. Here a
row is one formatted string: text as inline strings (no shared-string
table to keep in memory), numbers as numbers, dates and times as Excel
serial numbers with a date style, a bold frozen header row and the column
widths. Memory stays flat: rows go into the zip entry as they come, and the
zip goes out as it is written (`workbook_chunks`: an unseekable zip, each
entry's sizes in the data descriptor after it), so the first bytes of a
city-wide export leave before its first row is read.
"""

from __future__ import annotations

import datetime
import decimal
import os
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone

from backend.core.control_characters import CONTROL_CHARACTER
from backend.reports.exports import FORMULA_TRIGGERS, Column, spreadsheet_text

ROWS_PER_WRITE = 500
_EPOCH = datetime.datetime(1899, 12, 30)  # noqa: DTZ001 - Excel's day zero has no zone
_EPOCH_DAY = datetime.date(1899, 12, 30).toordinal()
# Cell styles (cellXfs below): 0 plain, 1 bold header, 2 date and time, 3 date.
_HEADER, _DATETIME, _DATE = 1, 2, 3

_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="2"><numFmt numFmtId="164" formatCode="DD/MM/YYYY HH:MM:SS"/>\
<numFmt numFmtId="165" formatCode="DD/MM/YYYY"/></numFmts>
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>\
<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill>\
<fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""


def _column_letter(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text(value: str) -> str:
    # The same rules as the openpyxl cells (export_files.xlsx_text_cell): text that
    # a spreadsheet would run gets its apostrophe, characters XML cannot hold a U+FFFD.
    if value.startswith(FORMULA_TRIGGERS) or CONTROL_CHARACTER.search(value):
        value = spreadsheet_text(CONTROL_CHARACTER.sub("\ufffd", value))
    return escape(value)


def _cells(columns: list[Column], row: list[Any], number: int, refs: list[str]) -> str:
    out = [f'<row r="{number}">']
    append = out.append
    for i, value in enumerate(row):
        if value is None or value == "":
            continue
        ref = refs[i] + str(number)
        if isinstance(value, str):
            append(
                f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{_text(value)}</t></is></c>'
            )
        elif isinstance(value, bool) or columns[i].kind == "bool":
            label = "Có" if value else "Không"
            append(f'<c r="{ref}" t="inlineStr"><is><t>{label}</t></is></c>')
        elif isinstance(value, datetime.datetime):
            wall = timezone.localtime(value).replace(tzinfo=None) if value.tzinfo else value
            serial = (wall - _EPOCH).total_seconds() / 86400
            append(f'<c r="{ref}" s="{_DATETIME}"><v>{serial!r}</v></c>')
        elif isinstance(value, datetime.date):
            append(f'<c r="{ref}" s="{_DATE}"><v>{value.toordinal() - _EPOCH_DAY}</v></c>')
        elif isinstance(value, int | float | decimal.Decimal):
            append(f'<c r="{ref}"><v>{value}</v></c>')
        else:
            append(
                f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{_text(str(value))}</t></is></c>'
            )
    append("</row>")
    return "".join(out)


def _sheet(out: Any, columns: list[Column], rows: Iterator[list[Any]]) -> Iterator[None]:
    """Write the sheet into `out`, pausing after each batch of rows."""
    refs = [_column_letter(i + 1) for i in range(len(columns))]
    widths = "".join(
        f'<col min="{i}" max="{i}" width="{c.width}" customWidth="1"/>'
        for i, c in enumerate(columns, start=1)
    )
    header = "".join(
        f'<c r="{refs[i]}1" t="inlineStr" s="{_HEADER}"><is><t>{escape(c.header)}</t></is></c>'
        for i, c in enumerate(columns)
    )
    out.write(
        (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
            'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
            f'<cols>{widths}</cols><sheetData><row r="1">{header}</row>'
        ).encode()
    )
    batch: list[str] = []
    for number, row in enumerate(rows, start=2):
        batch.append(_cells(columns, row, number, refs))
        if len(batch) >= ROWS_PER_WRITE:
            out.write("".join(batch).encode())
            batch = []
            yield
    out.write(("".join(batch) + "</sheetData></worksheet>").encode())


class _Outbox:
    """An unseekable file for zipfile: what is written waits here until taken."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def take(self) -> bytes:
        out, self._parts = b"".join(self._parts), []
        return out


def _package_parts(book: zipfile.ZipFile, sheets: list[tuple[str, list[Column], Any]]) -> None:
    """The workbook's small parts: content types, relations, sheet list, styles."""
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    book.writestr(
        "[Content_Types].xml",
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
        f'officedocument.spreadsheetml.styles+xml"/>{overrides}</Types>',
    )
    book.writestr(
        "_rels/.rels",
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    )
    entries = "".join(
        f'<sheet name="{escape(title, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
        for i, (title, _c, _r) in enumerate(sheets, start=1)
    )
    book.writestr(
        "xl/workbook.xml",
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f"<sheets>{entries}</sheets></workbook>",
    )
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/'
        f'2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    n = len(sheets) + 1
    book.writestr(
        "xl/_rels/workbook.xml.rels",
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'{rels}<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>',
    )
    book.writestr("xl/styles.xml", _STYLES)


def workbook_chunks(
    sheets: Iterable[tuple[str, list[Column], Iterator[list[Any]]]],
) -> Iterator[bytes]:
    """An XLSX of `sheets` (title, columns, rows), as the bytes of its zip in the
    order they are written: for a streamed download."""
    sheets = list(sheets)
    outbox = _Outbox()
    with zipfile.ZipFile(outbox, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        _package_parts(book, sheets)
        yield outbox.take()
        for i, (_title, columns, rows) in enumerate(sheets, start=1):
            with book.open(f"xl/worksheets/sheet{i}.xml", "w", force_zip64=True) as out:
                for _batch in _sheet(out, columns, rows):
                    chunk = outbox.take()
                    if chunk:
                        yield chunk
    yield outbox.take()


def workbook_file(sheets: Iterable[tuple[str, list[Column], Iterator[list[Any]]]]) -> Path:
    """The same workbook in a temporary file."""
    handle, name = tempfile.mkstemp(prefix="ttxd-export-", suffix=".xlsx")
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in workbook_chunks(sheets):
                out.write(chunk)
    except BaseException:
        os.unlink(name)
        raise
    return Path(name)
