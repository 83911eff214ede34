"""Building the spreadsheets the import tests read (openpyxl, CSV, hostile zips)."""

from __future__ import annotations

import unicodedata
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook


def write_xlsx(
    path: Path,
    rows: Sequence[Sequence[Any]],
    *,
    merges: Sequence[str] = (),
    sheet: str = "Sổ cấp phép",
    extra_sheets: Sequence[str] = (),
) -> Path:
    workbook = Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = sheet
    for row in rows:
        worksheet.append(list(row))
    for cells in merges:
        worksheet.merge_cells(cells)
    for name in extra_sheets:
        workbook.create_sheet(name)
    workbook.save(path)
    return path


def windows_1258(text: str) -> bytes:
    """Text as Windows-1258 writes it: â ê ô ơ ư ă precomposed, tone marks combining."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", char)
        if marks and marks[0] in "\u0302\u0306\u031b":
            base = unicodedata.normalize("NFC", base + marks.pop(0))
        out += (base + "".join(marks)).encode("cp1258")
    return bytes(out)


def write_csv(path: Path, rows: Sequence[Sequence[Any]], *, encoding: str, delimiter: str) -> Path:
    text = "\r\n".join(delimiter.join(str(v) for v in row) for row in rows) + "\r\n"
    path.write_bytes(windows_1258(text) if encoding == "cp1258" else text.encode(encoding))
    return path


def add_member(path: Path, name: str, data: bytes) -> Path:
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return path


def zip_bomb_xlsx(path: Path, inflated_bytes: int = 300 * 1024 * 1024) -> Path:
    """A workbook whose sheet inflates to hundreds of megabytes from a few hundred kilobytes."""
    source = path.with_suffix(".seed.xlsx")
    write_xlsx(source, [["Số giấy phép"], ["1"]])
    with (
        zipfile.ZipFile(source) as original,
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as bomb,
    ):
        for info in original.infolist():
            data = original.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                with bomb.open(info.filename, "w", force_zip64=True) as member:
                    member.write(data[: -len(b"</worksheet>")])
                    block = b" " * (1024 * 1024)
                    for _ in range(inflated_bytes // len(block)):
                        member.write(block)
                    member.write(b"</worksheet>")
            else:
                bomb.writestr(info, data)
    source.unlink()
    return path
