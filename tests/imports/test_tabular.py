"""The shared tabular intake: limits, hostile workbooks, header blocks, Vietnamese values."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from backend.core.tabular import (
    CellError,
    FieldSpec,
    TabularLimits,
    TabularRefused,
    match_headers,
    open_table,
    parse_date,
    parse_decimal,
    parse_int,
    write_refused_rows,
)
from tests.imports.workbooks import add_member, write_csv, write_xlsx, zip_bomb_xlsx

FIELDS = [
    FieldSpec("number", "Số giấy phép", ("Số giấy phép", "Số GP"), required=True),
    FieldSpec("issued_on", "Ngày cấp", ("Ngày cấp",), required=True),
    FieldSpec("holder", "Chủ đầu tư", ("Chủ đầu tư",)),
    FieldSpec("x", "Tọa độ X", ("Tọa độ X", "X")),
    FieldSpec("y", "Tọa độ Y", ("Tọa độ Y", "Y")),
]
LIMITS = TabularLimits()


def table(path: Path, **kwargs: Any) -> Any:
    return open_table(path, limits=kwargs.pop("limits", LIMITS), **kwargs)


def test_merged_header_rows_under_a_title_are_found(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "so.xlsx",
        [
            ["SỔ THEO DÕI CẤP GIẤY PHÉP XÂY DỰNG NĂM 2025"],
            [],
            ["STT", "Số giấy phép", "Ngày cấp", "Chủ đầu tư", "Tọa độ (VN-2000)", None],
            [None, None, None, None, "X", "Y"],
            [1, "12/GPXD", "03/04/2025", "Nguyễn Văn A", 1191234.5, 604321.0],
        ],
        merges=["A3:A4", "B3:B4", "C3:C4", "D3:D4", "E3:F3"],
    )
    with table(path) as sheet:
        block, columns = match_headers(sheet, FIELDS)
        assert (block.first_row, block.depth, block.data_start) == (3, 2, 5)
        assert columns.columns == {"number": 1, "issued_on": 2, "holder": 3, "x": 4, "y": 5}
        assert block.labels[5] == "Tọa độ (VN-2000) Y"
        assert block.column_name(2) == "C — Ngày cấp"
        rows = list(sheet.rows(block.data_start))
    assert rows == [(5, [1, "12/GPXD", "03/04/2025", "Nguyễn Văn A", 1191234.5, 604321.0])]


@pytest.mark.parametrize(
    "labels",
    [
        ["SỐ GIẤY PHÉP", "NGÀY CẤP"],
        ["so giay phep", "ngay cap"],
        ["Số  giấy\nphép", "Ngày cấp (dd/mm/yyyy)"],
        # Decomposed diacritics (as Windows-1258 text comes) and the other tone placement.
        ["So\u0302\u0301 gia\u0302\u0301y phe\u0301p", "Nga\u0300y ca\u0302\u0301p"],
    ],
    ids=["upper case", "no diacritics", "spacing and a unit", "decomposed"],
)
def test_headers_match_whatever_the_case_diacritics_and_spacing(
    tmp_path: Path, labels: list[str]
) -> None:
    path = write_xlsx(tmp_path / "so.xlsx", [labels, ["1/GP", "01/02/2025"]])
    with table(path) as sheet:
        _block, columns = match_headers(sheet, FIELDS)
    assert columns.columns == {"number": 0, "issued_on": 1}


def test_a_sheet_without_a_required_column_is_refused_naming_it(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "so.xlsx", [["Số giấy phép", "Chủ đầu tư"], ["1", "A"]])
    with table(path) as sheet, pytest.raises(TabularRefused) as refused:
        match_headers(sheet, FIELDS)
    assert refused.value.code == "missing_columns"
    assert "Ngày cấp" in refused.value.message


def test_a_mapping_names_columns_by_label_or_letter(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "so.xlsx", [["GP số", "Cấp ngày", "Chủ"], ["1", "2", "3"]])
    with table(path) as sheet:
        _block, columns = match_headers(sheet, FIELDS, {"number": "gp so", "issued_on": "B"})
    assert columns.columns == {"number": 0, "issued_on": 1}


def test_formulas_are_refused_with_the_cell(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "so.xlsx", [["Số giấy phép", "Ngày cấp"], ["1", "=TODAY()"]])
    with pytest.raises(TabularRefused) as refused:
        table(path)
    assert refused.value.code == "formulas"
    assert "B2" in refused.value.message
    assert "công thức" in refused.value.message


def test_external_links_are_refused(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "so.xlsx", [["Số giấy phép"], ["1"]])
    add_member(path, "xl/externalLinks/externalLink1.xml", b"<externalLink/>")
    with pytest.raises(TabularRefused) as refused:
        table(path)
    assert refused.value.code == "external_links"
    assert "liên kết" in refused.value.message


def test_a_zip_bomb_is_refused_from_its_directory(tmp_path: Path) -> None:
    path = zip_bomb_xlsx(tmp_path / "bom.xlsx")
    assert path.stat().st_size < 2 * 1024 * 1024
    with pytest.raises(TabularRefused) as refused:
        table(path)
    assert refused.value.code == "bomb"
    assert "zip bomb" in refused.value.message


def test_too_large_a_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "so.xlsx"
    path.write_bytes(b"\0" * 2048)
    with pytest.raises(TabularRefused) as refused:
        table(path, limits=TabularLimits(max_bytes=1024))
    assert refused.value.code == "too_large"


def test_too_many_rows_are_refused_as_declared_and_while_streaming(tmp_path: Path) -> None:
    rows = [["Số giấy phép", "Ngày cấp"]] + [[str(i), "01/01/2025"] for i in range(40)]
    limits = TabularLimits(max_rows=20, header_search_rows=5)
    path = write_xlsx(tmp_path / "so.xlsx", rows)
    with pytest.raises(TabularRefused) as refused:
        table(path, limits=limits)
    assert refused.value.code == "too_many_rows"
    assert "20" in refused.value.message
    csv_path = write_csv(tmp_path / "so.csv", rows, encoding="utf-8", delimiter=",")
    with pytest.raises(TabularRefused):
        table(csv_path, limits=limits)


def test_too_many_columns_are_refused(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "so.xlsx", [[f"c{i}" for i in range(30)]])
    with pytest.raises(TabularRefused) as refused:
        table(path, limits=TabularLimits(max_columns=10))
    assert refused.value.code == "too_many_columns"


def test_old_xls_and_other_files_are_refused(tmp_path: Path) -> None:
    xls = tmp_path / "so.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    with pytest.raises(TabularRefused) as refused:
        table(xls)
    assert refused.value.code == "unsupported_format"
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"not a zip at all")
    with pytest.raises(TabularRefused) as refused:
        table(fake)
    assert refused.value.code == "not_a_zip"


def test_a_named_sheet_is_read_and_an_unknown_one_refused(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "so.xlsx", [["x"]], extra_sheets=["Năm 2024"])
    with table(path, sheet="nam 2024") as sheet:
        assert sheet.sheet == "Năm 2024"
    with pytest.raises(TabularRefused) as refused:
        table(path, sheet="2023")
    assert "Năm 2024" in refused.value.message


@pytest.mark.parametrize(
    ("encoding", "delimiter"), [("utf-8-sig", ","), ("utf-8", ";"), ("cp1258", ";")]
)
def test_csv_in_utf8_or_windows_1258_with_either_delimiter(
    tmp_path: Path, encoding: str, delimiter: str
) -> None:
    rows = [["Số giấy phép", "Ngày cấp", "Chủ đầu tư"], ["7/GP", "05/06/2025", "Trần Thị Ánh"]]
    path = write_csv(tmp_path / "so.csv", rows, encoding=encoding, delimiter=delimiter)
    with table(path) as sheet:
        assert sheet.encoding == encoding
        block, columns = match_headers(sheet, FIELDS)
        rows_read = list(sheet.rows(block.data_start))
    assert columns.columns["holder"] == 2
    # Windows-1258 writes some letters decomposed: values come back NFC through cell_text.
    from backend.core.tabular.values import cell_text

    assert cell_text(rows_read[0][1][2]) == "Trần Thị Ánh"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("03/04/2025", datetime.date(2025, 4, 3)),
        ("3/4/2025", datetime.date(2025, 4, 3)),
        ("03-04-2025", datetime.date(2025, 4, 3)),
        ("03.04.2025", datetime.date(2025, 4, 3)),
        ("2025-04-03", datetime.date(2025, 4, 3)),
        (45750, datetime.date(2025, 4, 3)),
        (45750.0, datetime.date(2025, 4, 3)),
        # openpyxl gives date cells as naive datetimes.
        (datetime.datetime(2025, 4, 3, 0, 0), datetime.date(2025, 4, 3)),  # noqa: DTZ001
    ],
)
def test_dates_as_text_serials_or_cells(value: Any, expected: datetime.date) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["31/02/2025", "tháng 4/2025", 12, 45750.5, "04/2025"])
def test_impossible_dates_say_what_to_write(value: Any) -> None:
    with pytest.raises(CellError) as error:
        parse_date(value)
    assert "dd/mm/yyyy" in error.value.message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1.234,5", Decimal("1234.5")),
        ("1.234", Decimal("1234")),
        ("12,5", Decimal("12.5")),
        ("1234.5", Decimal("1234.5")),
        ("1,234,567", Decimal("1234567")),
        ("1,234.5", Decimal("1234.5")),
        ("120 m2", Decimal("120")),
        ("85,25 m²", Decimal("85.25")),
        (1234.5, Decimal("1234.5")),
        (7, Decimal("7")),
    ],
)
def test_numbers_with_vietnamese_or_plain_separators(value: Any, expected: Decimal) -> None:
    assert parse_decimal(value, units=("m2", "m²")) == expected


@pytest.mark.parametrize("value", ["abc", "1,2,3", "12 tầng", "1.2.3,4,5"])
def test_not_numbers_are_refused(value: str) -> None:
    with pytest.raises(CellError):
        parse_decimal(value)


def test_whole_numbers_with_units() -> None:
    assert parse_int("5 tầng", units=("tầng",)) == 5
    with pytest.raises(CellError):
        parse_int("2,5")


def test_refused_rows_workbook_keeps_the_row_its_cells_and_the_reason(tmp_path: Path) -> None:
    target = tmp_path / "refused.xlsx"
    written = write_refused_rows(
        target,
        ["Số giấy phép", '=HYPERLINK("http://x")'],
        [(7, ["12/GP", "31/02/2025"], "Ngày cấp: ngày không tồn tại"), (9, ["=1+1"], "x")],
    )
    assert written == 2
    sheet = load_workbook(target).active
    assert sheet is not None
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    # Formula-like text, in a header or a cell, is kept as text (never a live formula).
    assert rows[0] == [
        "Dòng trong tệp gốc",
        "Số giấy phép",
        '=HYPERLINK("http://x")',
        "Lý do từ chối",
    ]
    assert rows[1] == [7, "12/GP", "31/02/2025", "Ngày cấp: ngày không tồn tại"]
    assert rows[2] == [9, "=1+1", None, "x"]
    assert sheet["C1"].data_type == "s" and sheet["B3"].data_type == "s"
