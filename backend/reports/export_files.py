"""The export files written to disk before they are streamed: XLSX and GeoPackage.

XLSX in openpyxl's write-only mode; GeoPackage written by GDAL's ogr2ogr
from temporary CSV files with declared column types. The rows, columns and
spreadsheet-text rules are backend.reports.exports'; this module only writes
them into files. Memory stays flat however many cases are exported.
"""

from __future__ import annotations

import csv
import datetime
import os
import shutil
import subprocess  # noqa: S404 - runs GDAL's ogr2ogr with fixed arguments
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from backend.cases.models import ViolationCase
from backend.core.control_characters import CONTROL_CHARACTER
from backend.reports.exports import (
    CASE_COLUMNS,
    EVENT_COLUMNS,
    FORMULA_TRIGGERS,
    Column,
    case_rows,
    event_rows,
    spreadsheet_text,
)

OGR2OGR_TIMEOUT_S = 600
# Characters XML, hence XLSX, cannot hold (or its writer refuses): one pasted
# into a case would fail the whole export. The same set input refuses, so
# text stored before that check came in is exported too.
XLSX_ILLEGAL = CONTROL_CHARACTER
# Text openpyxl would store as something else: a formula, or an error ("#N/A").
XLSX_GUESSED = (*FORMULA_TRIGGERS, "#")


def xlsx_text_cell(sheet: Any, value: str) -> Any:
    """A cell of string type: openpyxl would otherwise make "=…" a formula, "#N/A" an error."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=spreadsheet_text(XLSX_ILLEGAL.sub("\ufffd", value)))
    cell.data_type = "s"
    return cell


def xlsx_row(sheet: Any, columns: list[Column], row: list[Any]) -> list[Any]:
    """One row of plain values and cells, ready for the write-only sheet's append()."""
    from openpyxl.cell import WriteOnlyCell

    for i, column in enumerate(columns):
        value = row[i]
        if value is None:
            continue
        if isinstance(value, str):
            # Plain strings are cheap; a cell object only where openpyxl would guess wrong.
            if value.startswith(XLSX_GUESSED) or XLSX_ILLEGAL.search(value):
                row[i] = xlsx_text_cell(sheet, value)
        elif column.kind == "bool":
            row[i] = "Có" if value else "Không"
        elif isinstance(value, datetime.datetime):
            # Excel has no time zones: write the wall-clock time in Ho Chi Minh City.
            cell = WriteOnlyCell(sheet, value=timezone.localtime(value).replace(tzinfo=None))
            cell.number_format = "DD/MM/YYYY HH:MM:SS"
            row[i] = cell
        elif isinstance(value, datetime.date):
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = "DD/MM/YYYY"
            row[i] = cell
    return row


def xlsx_chunks(cases: QuerySet[ViolationCase], today: datetime.date) -> Iterator[bytes]:
    """A workbook with a sheet of cases and a sheet of events, as a stream of bytes
    (written as SpreadsheetML row by row: backend.reports.xlsx_stream)."""
    from backend.reports.xlsx_stream import workbook_chunks

    return workbook_chunks(
        [
            ("Hồ sơ vi phạm", CASE_COLUMNS, case_rows(cases, today)),
            ("Sự kiện", EVENT_COLUMNS, event_rows(cases)),
        ]
    )


# --- GeoPackage ----------------------------------------------------------------
OGR_TYPES = {
    "text": "String",
    "int": "Integer64",
    "real": "Real",
    "date": "Date",
    "datetime": "DateTime",
    "bool": "Integer(Boolean)",
}


def _ogr_text(value: Any, kind: str) -> Any:
    if value is None:
        return ""
    if kind == "datetime" and isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if kind == "date" and isinstance(value, datetime.date):
        return value.isoformat()
    if kind == "bool":
        return 1 if value else 0
    return value


def _write_ogr_csv(
    folder: Path, name: str, columns: list[Column], rows: Iterator[list[Any]]
) -> Path:
    path = folder / f"{name}.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([c.key for c in columns])
        for row in rows:
            writer.writerow([_ogr_text(v, c.kind) for v, c in zip(row, columns, strict=True)])
    # The .csvt sidecar declares each column's type: no guessing by GDAL.
    (folder / f"{name}.csvt").write_text(
        ",".join(f'"{OGR_TYPES[c.kind]}"' for c in columns) + "\n", encoding="utf-8"
    )
    return path


def ogr2ogr_path() -> str:
    found = shutil.which("ogr2ogr")
    if not found:
        raise RuntimeError("GDAL's ogr2ogr is not installed (Debian package gdal-bin).")
    return found


def gpkg_file(cases: QuerySet[ViolationCase], today: datetime.date) -> Path:
    """A GeoPackage with a point layer `cases` and an attribute table `events`."""
    tool = ogr2ogr_path()
    folder = Path(tempfile.mkdtemp(prefix="ttxd-gpkg-"))
    output: Path | None = None
    try:
        cases_csv = _write_ogr_csv(folder, "cases", CASE_COLUMNS, case_rows(cases, today))
        events_csv = _write_ogr_csv(folder, "events", EVENT_COLUMNS, event_rows(cases))
        handle, name = tempfile.mkstemp(prefix="ttxd-export-", suffix=".gpkg")
        os.close(handle)
        os.unlink(name)  # ogr2ogr creates the file itself
        output = Path(name)
        common = ["--config", "OGR_SQLITE_SYNCHRONOUS", "OFF", "-gt", "65536", "-q"]
        commands = [
            [
                tool, "-f", "GPKG", str(output), str(cases_csv), "-nln", "cases",
                "-oo", "X_POSSIBLE_NAMES=lon", "-oo", "Y_POSSIBLE_NAMES=lat",
                "-oo", "KEEP_GEOM_COLUMNS=YES", "-a_srs", "EPSG:4326", "-nlt", "POINT",
                "-lco", "GEOMETRY_NAME=geom", "-lco", "DESCRIPTION=Hồ sơ vi phạm trật tự xây dựng",
                *common,
            ],
            [
                tool, "-f", "GPKG", "-update", str(output), str(events_csv), "-nln", "events",
                "-nlt", "NONE", "-lco", "DESCRIPTION=Sự kiện của hồ sơ (chuỗi băm)", *common,
            ],
        ]  # fmt: skip
        env = {**os.environ, "CPL_LOG": os.devnull}
        for command in commands:
            subprocess.run(  # noqa: S603 - fixed arguments, paths we made
                command,
                check=True,
                capture_output=True,
                timeout=OGR2OGR_TIMEOUT_S,
                env=env,
            )
        return output
    except BaseException:
        if output is not None:
            output.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(folder, ignore_errors=True)
