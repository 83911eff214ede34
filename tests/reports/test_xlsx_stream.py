"""The case export's workbook, written as SpreadsheetML row by row (backend.reports.xlsx_stream)."""

from __future__ import annotations

import datetime
import decimal
import io
import zipfile
import zoneinfo
from collections.abc import Iterator

import openpyxl

from backend.reports.exports import Column
from backend.reports.xlsx_stream import ROWS_PER_WRITE, workbook_chunks, workbook_file

COLUMNS = [
    Column("code", "Mã hồ sơ", width=22),
    Column("when", "Thời điểm", "datetime", 18),
    Column("day", "Ngày", "date", 14),
    Column("n", "Số", "int", 8),
    Column("fine", "Tiền phạt", "real", 12),
    Column("ok", "Đúng hạn", "bool", 9),
    Column("note", "Ghi chú", width=36),
]
SAIGON = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def test_cells_keep_their_types_formats_and_text() -> None:
    rows = [
        ["A-1", datetime.datetime(2026, 2, 2, 2, 0, tzinfo=datetime.UTC), datetime.date(2026, 2, 13),
         7, decimal.Decimal("1500000.50"), True, "a < b & c > d"],
        ["=HYPERLINK(1)", None, None, None, None, False, "  lề\x07trái  "],
        ["#N/A", None, None, 0, 0.25, None, ""],
    ]  # fmt: skip
    path = workbook_file([("Hồ sơ", COLUMNS, iter(rows)), ("Trống", COLUMNS[:1], iter([]))])
    try:
        book = openpyxl.load_workbook(path)
    finally:
        path.unlink()
    assert book.sheetnames == ["Hồ sơ", "Trống"]
    sheet = book["Hồ sơ"]
    header = [c for c in sheet[1]]
    assert [c.value for c in header] == [c.header for c in COLUMNS]
    assert all(c.font.b for c in header)
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width == 22 and sheet.column_dimensions["G"].width == 36
    first, second, third = (list(r) for r in sheet.iter_rows(min_row=2))
    # Times as the wall clock in Ho Chi Minh City (Excel has no zones), as dates, styled.
    assert first[1].value == datetime.datetime(2026, 2, 2, 9, 0)  # noqa: DTZ001
    assert first[1].number_format == "DD/MM/YYYY HH:MM:SS"
    assert first[2].value == datetime.datetime(2026, 2, 13)  # noqa: DTZ001
    assert first[2].number_format == "DD/MM/YYYY"
    assert (first[3].value, first[3].data_type) == (7, "n")
    assert first[4].value == 1500000.5
    assert (first[5].value, second[5].value, third[5].value) == ("Có", "Không", None)
    assert first[6].value == "a < b & c > d"
    # Text a spreadsheet would run or misread stays text; a control character is replaced.
    assert (second[0].value, second[0].data_type) == ("'=HYPERLINK(1)", "s")
    assert second[6].value == "  lề\ufffdtrái  "
    assert (third[0].value, third[0].data_type) == ("#N/A", "s")
    assert third[6].value is None and third[3].value == 0
    assert book["Trống"].max_row == 1


def test_the_zip_leaves_as_it_is_written() -> None:
    """The first bytes come before any row is read, rows follow batch by batch,
    and the unseekable zip (sizes after each entry) opens whole."""
    read: list[int] = []

    def rows() -> Iterator[list[object]]:
        for n in range(3 * ROWS_PER_WRITE + 7):
            read.append(n)
            yield [f"A-{n}", None, None, n, None, n % 2 == 0, "x" * (n % 50)]

    chunks = workbook_chunks([("Hồ sơ", COLUMNS, rows())])
    first = next(chunks)
    assert first.startswith(b"PK\x03\x04") and read == []
    seen_while_reading = []
    rest = []
    for chunk in chunks:
        seen_while_reading.append(len(read))
        rest.append(chunk)
    # Several chunks left before the last row was read: nothing waited for the whole sheet.
    assert min(seen_while_reading) < len(read) == 3 * ROWS_PER_WRITE + 7
    data = first + b"".join(rest)
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        assert book.testzip() is None
        entry = book.getinfo("xl/worksheets/sheet1.xml")
        assert entry.flag_bits & 0x08  # its sizes follow it, in a data descriptor
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Hồ sơ"]
    assert sheet.max_row == 3 * ROWS_PER_WRITE + 8
    assert sheet.cell(row=3 * ROWS_PER_WRITE + 8, column=4).value == 3 * ROWS_PER_WRITE + 6
