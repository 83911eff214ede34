"""The python-docx building blocks the forms are written with.

A4 pages in Times New Roman 13 pt, as official correspondence is typed
(Decree 30/2020/NĐ-CP on administrative documents), and every piece of text
made safe for the document's XML.
"""

from __future__ import annotations

from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from backend.core.control_characters import without_control_characters


def new_document() -> Any:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    for section in doc.sections:
        section.page_height, section.page_width = Cm(29.7), Cm(21.0)
        section.top_margin = section.bottom_margin = Cm(2)
        section.left_margin, section.right_margin = Cm(3), Cm(2)
    return doc


def xml_text(value: Any) -> str:
    """Text fit for the document's XML.

    Input refuses control characters now, but rows stored before may hold
    them, and python-docx refuses the whole document for one.
    """
    return without_control_characters(str(value))


def paragraph(
    doc: Any,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    align: Any = None,
    size: int | None = None,
) -> Any:
    p = doc.add_paragraph()
    if text:
        run = p.add_run(xml_text(text))
        run.bold, run.italic = bold, italic
        if size:
            run.font.size = Pt(size)
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_after = Pt(3)
    return p


def labelled_line(doc: Any, label: str, value: Any) -> None:
    p = doc.add_paragraph()
    p.add_run(xml_text(f"{label}: "))
    p.add_run(xml_text(value) if value not in (None, "") else "....................").bold = True
    p.paragraph_format.space_after = Pt(2)


def centred_cell_lines(cell: Any, lines: list[tuple[str, bool, bool]]) -> None:
    cell.paragraphs[0].text = ""
    for index, (text, bold, italic) in enumerate(lines):
        p = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        run = p.add_run(xml_text(text))
        run.bold, run.italic = bold, italic
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER


def title_lines(doc: Any, *lines: str) -> None:
    for index, line in enumerate(lines):
        paragraph(
            doc, line, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=14 if index == 0 else 13
        )
