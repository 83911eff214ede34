"""Opening a spreadsheet from outside: XLSX (streamed, read-only) or CSV, within limits.

Everything that can be refused is refused before a row is parsed: the
file's size; for an XLSX, its zip directory (gis.archives: bombs, member
counts, paths), links to other workbooks (xl/externalLinks/, whose values
Excel would fetch from elsewhere) and formulas in the sheet read; then the
rows and columns the sheet declares. Rows are counted again while streaming,
since a sheet's declared dimension can lie.

Formulas: openpyxl's read-only, data-only mode yields each formula's value as
last cached by Excel and cannot tell a formula from a value. Cached values
may be stale or missing (a file written by a script is never recalculated),
so the sheet's XML is scanned for formula elements (<f>, a byte search over
the streamed member, seconds for 100,000 rows) and the workbook is refused
with the first formula's cell: the office pastes the values and sends again.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl.utils import column_index_from_string

from backend.core.errors import InvalidInput
from backend.core.tabular.limits import TabularLimits
from backend.core.tabular.text import fold
from gis.archives import ArchiveRefused, open_zip

_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL_REF = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]+[0-9]+)"')
_ROW = re.compile(rb"<(?:\w+:)?row[\s>]")
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*\bref="[A-Z]+[0-9]+:([A-Z]+)[0-9]+"')
_SCAN_CHUNK = 1024 * 1024
_SCAN_OVERLAP = 512


class TabularRefused(InvalidInput):
    """A file refused as a whole, with a message the officer can act on."""


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}"


def _archive_message(refusal: ArchiveRefused) -> str:
    if refusal.code == "not_a_zip":
        return _(
            "This file is not an Excel workbook (.xlsx). Open it in Excel and save it "
            "as “Excel Workbook (.xlsx)”, or as CSV UTF-8."
        )
    if refusal.code in ("bomb", "too_large", "too_many_members"):
        return _(
            "This workbook would inflate far beyond its size when opened (it may be "
            "a “zip bomb”) and was refused. Save the sheet again from Excel, or as CSV UTF-8."
        )
    return _("This workbook is damaged or unsafe to open. Save it again from Excel.")


class Table:
    """One sheet's rows, streamed: `rows()` yields (sheet row number, cell values)."""

    def __init__(
        self,
        *,
        kind: str,
        limits: TabularLimits,
        sheet: str | None = None,
        sheet_names: list[str] | None = None,
        declared_rows: int | None = None,
        worksheet: Any = None,
        workbook: Any = None,
        csv_path: Path | None = None,
        encoding: str = "utf-8",
        delimiter: str = ",",
    ) -> None:
        self.kind = kind
        self.limits = limits
        self.sheet = sheet
        self.sheet_names = sheet_names or []
        self.declared_rows = declared_rows
        self.encoding = encoding
        self._worksheet = worksheet
        self._workbook = workbook
        self._csv_path = csv_path
        self._delimiter = delimiter

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._workbook is not None:
            self._workbook.close()
            self._workbook = None

    def _raw_rows(self) -> Iterator[list[Any]]:
        if self.kind == "xlsx":
            for values in self._worksheet.iter_rows(values_only=True):
                yield list(values)
            return
        assert self._csv_path is not None
        with self._csv_path.open("r", encoding=self.encoding, newline="") as handle:
            yield from csv.reader(handle, delimiter=self._delimiter)

    def rows(self, start: int = 1) -> Iterator[tuple[int, list[Any]]]:
        """Rows from `start` (1-based, as the sheet numbers them), trailing blanks cut.

        TabularRefused past the row or column limit, however the sheet declared itself.
        """
        max_rows = self.limits.max_rows + self.limits.header_search_rows
        for number, values in enumerate(self._raw_rows(), start=1):
            if number > max_rows:
                raise TabularRefused(too_many_rows(self.limits), code="too_many_rows")
            if number < start:
                continue
            while values and (values[-1] is None or values[-1] == ""):
                values.pop()
            if len(values) > self.limits.max_columns:
                raise TabularRefused(too_many_columns(self.limits), code="too_many_columns")
            yield number, values


def too_many_rows(limits: TabularLimits) -> str:
    return _(
        "The sheet has more than %(max)s rows. Split it into several files and import each."
    ) % {"max": f"{limits.max_rows:,}".replace(",", ".")}


def too_many_columns(limits: TabularLimits) -> str:
    return _(
        "The sheet has more than %(max)s columns. Delete the columns the import does not use."
    ) % {"max": limits.max_columns}


def open_table(
    path: str | Path,
    *,
    filename: str | None = None,
    sheet: str | None = None,
    limits: TabularLimits,
) -> Table:
    """The sheet (the first visible one unless `sheet` names another) of an XLSX or CSV file.

    `filename` is the name the user gave the file (its extension decides the
    format); TabularRefused says what is wrong with it, in the user's language.
    """
    path = Path(path)
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise TabularRefused(
            _(
                "The file is %(size)s MB; at most %(max)s MB can be imported. Split it into "
                "several files."
            )
            % {"size": _megabytes(size), "max": _megabytes(limits.max_bytes)},
            code="too_large",
        )
    suffix = Path(filename or path.name).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _open_xlsx(path, sheet, limits)
    if suffix in (".csv", ".txt"):
        return _open_csv(path, limits)
    raise TabularRefused(
        _(
            "Send the register as an Excel workbook (.xlsx) or a CSV file; old .xls files "
            "must be saved again as .xlsx."
        ),
        code="unsupported_format",
    )


def _open_xlsx(path: Path, sheet: str | None, limits: TabularLimits) -> Table:
    import openpyxl

    try:
        archive = open_zip(path, limits.archive)
    except ArchiveRefused as refusal:
        raise TabularRefused(_archive_message(refusal), code=refusal.code) from None
    with archive:
        names = archive.namelist()
        if "xl/workbook.xml" not in names:
            raise TabularRefused(_archive_message(ArchiveRefused("not_a_zip", "")), code="not_xlsx")
        if any(name.startswith("xl/externalLinks/") for name in names):
            raise TabularRefused(
                _(
                    "The workbook links to other workbooks (external links), whose values "
                    "cannot be checked. In Excel use Data → Edit Links → Break Link, save, "
                    "and send it again."
                ),
                code="external_links",
            )
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged workbook; all mean "cannot open"
        raise TabularRefused(
            _("This workbook is damaged or unsafe to open. Save it again from Excel."),
            code="damaged",
        ) from None
    try:
        worksheet = _pick_sheet(workbook, sheet)
        declared_rows, declared_columns = _scan_sheet(path, worksheet, limits)
        if declared_rows > limits.max_rows + limits.header_search_rows:
            raise TabularRefused(too_many_rows(limits), code="too_many_rows")
        if declared_columns is not None and declared_columns > limits.max_columns:
            raise TabularRefused(too_many_columns(limits), code="too_many_columns")
    except BaseException:
        workbook.close()
        raise
    return Table(
        kind="xlsx",
        limits=limits,
        sheet=worksheet.title,
        sheet_names=list(workbook.sheetnames),
        declared_rows=declared_rows,
        worksheet=worksheet,
        workbook=workbook,
    )


def _pick_sheet(workbook: Any, sheet: str | None) -> Any:
    if sheet is None:
        for candidate in workbook.worksheets:
            if getattr(candidate, "sheet_state", "visible") == "visible":
                return candidate
        return workbook.worksheets[0]
    wanted = fold(sheet)
    for name in workbook.sheetnames:
        if name == sheet or fold(name) == wanted:
            return workbook[name]
    raise TabularRefused(
        _("The workbook has no sheet “%(sheet)s”; its sheets are: %(names)s.")
        % {"sheet": sheet, "names": ", ".join(workbook.sheetnames)},
        code="no_such_sheet",
    )


def _scan_sheet(path: Path, worksheet: Any, limits: TabularLimits) -> tuple[int, int | None]:
    """The sheet's row count and declared width, or TabularRefused at its first formula.

    One pass over the sheet's raw XML (openpyxl would otherwise parse the whole
    sheet once more to size it when the <dimension> element is missing).
    """
    member = str(getattr(worksheet, "_worksheet_path", "")).lstrip("/")
    with open_zip(path, limits.archive) as archive, archive.open(member) as handle:
        scan = _SheetScan(handle)
    if scan.formula_cell is not None:
        raise TabularRefused(
            _(
                "Cell %(cell)s of sheet “%(sheet)s” holds a formula. Formulas are not imported: "
                "copy the sheet and paste it as values only (Paste Special → Values), then "
                "send it again."
            )
            % {"cell": scan.formula_cell, "sheet": worksheet.title},
            code="formulas",
        )
    return scan.rows, scan.columns


class _SheetScan:
    """Rows (<row> elements), the declared last column, and the first formula's cell."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.rows = 0
        self.columns: int | None = None
        self.formula_cell: str | None = None
        tail = b""
        first = True
        while True:
            chunk = handle.read(_SCAN_CHUNK)
            if not chunk:
                return
            window = tail + chunk
            if first:
                first = False
                dimension = _DIMENSION.search(window)
                if dimension:
                    self.columns = column_index_from_string(dimension.group(1).decode())
            # A <row> tag is far shorter than the overlap: count only those starting after it.
            self.rows += len(_ROW.findall(window, len(tail)))
            found = _FORMULA.search(window)
            if found:
                refs = _CELL_REF.findall(window, 0, found.start())
                self.formula_cell = refs[-1].decode() if refs else "?"
                return
            tail = window[-_SCAN_OVERLAP:]


def _open_csv(path: Path, limits: TabularLimits) -> Table:
    encoding = _csv_encoding(path)
    with path.open("r", encoding=encoding, newline="") as handle:
        sample = handle.read(64 * 1024)
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    with path.open("rb") as raw:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: raw.read(_SCAN_CHUNK), b""))
    if lines > limits.max_rows + limits.header_search_rows + 1:
        raise TabularRefused(too_many_rows(limits), code="too_many_rows")
    return Table(
        kind="csv",
        limits=limits,
        declared_rows=lines,
        csv_path=path,
        encoding=encoding,
        delimiter=delimiter,
    )


def _csv_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) when every byte decodes as such, else Windows-1258.

    Excel's "CSV UTF-8" writes a BOM; its plain "CSV" writes the Windows code
    page, which for Vietnamese is 1258. Decoded incrementally: no whole file in memory.
    """
    with path.open("rb") as handle:
        head = handle.read(3)
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            for chunk in iter(lambda: handle.read(_SCAN_CHUNK), b""):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return _cp1258_or_refuse(path)
    return "utf-8-sig" if head == codecs.BOM_UTF8 else "utf-8"


def _cp1258_or_refuse(path: Path) -> str:
    with path.open("rb") as handle:
        decoder = codecs.getincrementaldecoder("cp1258")()
        try:
            for chunk in iter(lambda: handle.read(_SCAN_CHUNK), b""):
                decoder.decode(chunk)
        except UnicodeDecodeError:
            raise TabularRefused(
                _(
                    "The CSV file's characters cannot be read. Save it from Excel as "
                    "“CSV UTF-8 (Comma delimited)” and send it again."
                ),
                code="encoding",
            ) from None
    return "cp1258"
