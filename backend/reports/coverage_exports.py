"""Exports of the inspection coverage (backend.reports.coverage): CSV and XLSX.

The same figures as the audit dashboard's coverage section: one row per ward
and a last row for all wards shown; visits per inspector in a second table
(a second CSV, a second sheet). Headers are Vietnamese and fixed, like the
case exports (backend.reports.exports). The rows are few (one per ward and
inspector); the CSV still streams, its header leaving before the figures are
computed.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from backend.reports.coverage import Coverage, InspectorFigures, WardCoverage
from backend.reports.export_files import xlsx_row
from backend.reports.exports import Column

ALL_WARDS = "Tất cả các phường được chọn"

COVERAGE_COLUMNS = [
    Column("month", "Tháng", width=9),
    Column("ward_code", "Mã phường", width=10),
    Column("ward_name", "Phường", width=26),
    Column("active", "Số công trình đang thi công", "int", 14),
    Column("due", "Số công trình đến hạn kiểm tra trong tháng", "int", 14),
    Column("on_schedule", "Số công trình được kiểm tra đúng lịch", "int", 14),
    Column("on_schedule_share", "Tỷ lệ kiểm tra đúng lịch", "real", 12),
    Column("overdue", "Số công trình quá hạn kiểm tra", "int", 14),
    Column("never_visited", "Số công trình chưa từng được kiểm tra", "int", 14),
    Column("visits", "Số lượt kiểm tra trong tháng", "int", 12),
    Column("violations_tip", "Số vi phạm phát hiện từ phản ánh của người dân", "int", 14),
    Column("violations_patrol", "Số vi phạm phát hiện qua kiểm tra, tuần tra", "int", 14),
    Column("violations_other", "Số vi phạm phát hiện qua nguồn khác", "int", 14),
    Column("as_of", "Số liệu tính đến ngày", "date", 14),
]

INSPECTOR_COLUMNS = [
    Column("month", "Tháng", width=9),
    Column("ward_code", "Mã phường", width=10),
    Column("ward_name", "Phường", width=26),
    Column("inspector", "Cán bộ kiểm tra", width=26),
    Column("visits", "Số lượt kiểm tra", "int", 12),
    Column("sites", "Số công trình đã kiểm tra", "int", 12),
    Column("violations", "Số lượt phát hiện vi phạm", "int", 12),
]

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS: dict[tuple[str, str], str] = {
    ("coverage", "csv"): "text/csv; charset=utf-8",
    ("coverage-inspectors", "csv"): "text/csv; charset=utf-8",
    ("coverage", "xlsx"): XLSX_TYPE,
}


def _month_label(coverage: Coverage) -> str:
    return f"{coverage.first:%m/%Y}"


def _ward_row(coverage: Coverage, ward: WardCoverage) -> list[Any]:
    share = ward.on_schedule_share
    return [
        _month_label(coverage),
        ward.code,
        ward.name or ALL_WARDS,
        ward.active,
        ward.due,
        ward.on_schedule,
        None if share is None else round(share, 4),
        ward.overdue,
        ward.never_visited,
        ward.visits,
        ward.violations_tip,
        ward.violations_patrol,
        ward.violations_other,
        coverage.today,
    ]


def _inspector_row(coverage: Coverage, ward: WardCoverage, one: InspectorFigures) -> list[Any]:
    return [
        _month_label(coverage),
        ward.code,
        ward.name or ALL_WARDS,
        one.name,
        one.visits,
        one.sites,
        one.violations,
    ]


def coverage_rows(compute: Callable[[], Coverage]) -> Iterator[list[Any]]:
    """Each ward's row, then the all-wards row; computed when the first row is asked for."""
    coverage = compute()
    for ward in coverage.wards:
        yield _ward_row(coverage, ward)
    yield _ward_row(coverage, coverage.city)


def inspector_rows(compute: Callable[[], Coverage]) -> Iterator[list[Any]]:
    coverage = compute()
    for ward in coverage.wards:
        for one in ward.inspectors:
            yield _inspector_row(coverage, ward, one)


def coverage_xlsx_file(coverage: Coverage) -> Path:
    """A workbook with a sheet of wards and a sheet of inspectors, in a temporary file."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, columns, rows in (
        ("Độ bao phủ kiểm tra", COVERAGE_COLUMNS, coverage_rows(lambda: coverage)),
        ("Lượt kiểm tra theo cán bộ", INSPECTOR_COLUMNS, inspector_rows(lambda: coverage)),
    ):
        sheet = workbook.create_sheet(title)
        for index, column in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        sheet.freeze_panes = "A2"
        header = []
        for column in columns:
            cell = WriteOnlyCell(sheet, value=column.header)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in rows:
            sheet.append(xlsx_row(sheet, columns, row))
    handle, name = tempfile.mkstemp(prefix="ttxd-coverage-", suffix=".xlsx")
    os.close(handle)
    try:
        workbook.save(name)
    except BaseException:
        os.unlink(name)
        raise
    return Path(name)
