"""Writing the built-in Word templates: the page, the header and the typography of Decree 30/2020.

The forms are templates rendered by docxtpl (Jinja2 inside DOCX); this module
writes them once with python-docx (`manage.py build_document_templates`), and
an admin may replace one by uploading another (templates_in_force).

Layout, Decree 30/2020/NĐ-CP Appendix I: A4; margins top and bottom 20 mm,
left 30 mm, right 15 mm (the ranges are 20–25, 20–25, 30–35, 15–20 mm);
Times New Roman; national title 13 pt bold upper case; motto 14 pt bold;
issuing body 13 pt bold upper case; place and date 14 pt italic; title 14 pt
bold; body 14 pt (range 13–14); "Nơi nhận" 12 pt bold italic and its lines
11 pt; the signer's title 14 pt bold.

Text given to `text` may mark bold spans with **…**; Jinja tags must not
cross a span, so that each tag stays in one run.
"""

from __future__ import annotations

from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

FONT = "Times New Roman"
BODY_PT = 14
CENTER = WD_ALIGN_PARAGRAPH.CENTER
JUSTIFY = WD_ALIGN_PARAGRAPH.JUSTIFY


class FormBuilder:
    """A form template being written, paragraph by paragraph."""

    def __init__(self) -> None:
        self.doc: Any = Document()
        style = self.doc.styles["Normal"]
        style.font.name = FONT
        style.font.size = Pt(BODY_PT)
        # Vietnamese is set in the East Asian slot too, or Word may substitute a font.
        style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
        style.paragraph_format.space_after = Pt(6)
        for section in self.doc.sections:
            section.page_height, section.page_width = Mm(297), Mm(210)
            section.top_margin = section.bottom_margin = Mm(20)
            section.left_margin, section.right_margin = Mm(30), Mm(15)

    def text(
        self,
        text: str = "",
        *,
        bold: bool = False,
        italic: bool = False,
        align: Any = JUSTIFY,
        size: int | None = None,
        cell: Any = None,
        first: bool = False,
    ) -> Any:
        """A paragraph; **…** spans are bold."""
        target = cell if cell is not None else self.doc
        paragraph = target.paragraphs[0] if first else target.add_paragraph()
        for index, part in enumerate(text.split("**")):
            if not part:
                continue
            run = paragraph.add_run(part)
            run.bold = bold or index % 2 == 1
            run.italic = italic
            if size:
                run.font.size = Pt(size)
        if align is not None:
            paragraph.alignment = align
        return paragraph

    def tag(self, tag: str) -> None:
        """A paragraph holding only a docxtpl block tag ({%p … %}): it vanishes when rendered."""
        self.doc.add_paragraph(f"{{%p {tag} %}}")

    def loop(self, items: str, line: str, *, var: str = "item", **style: Any) -> None:
        self.tag(f"for {var} in {items}")
        self.text(line, **style)
        self.tag("endfor")

    def line(self, label: str, var: str) -> None:
        self.text(f"{label}: **{{{{ {var} }}}}**")

    def title(self, *lines: str) -> None:
        for index, line in enumerate(lines):
            self.text(line, bold=True, align=CENTER, size=BODY_PT if index == 0 else None)

    def header(self, number_var: str) -> None:
        """The issuing body and number (left), the national title and the date (right)."""
        table = self.doc.add_table(rows=1, cols=2)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        left, right = table.rows[0].cells
        # The national title fits on one line in the right column (165 mm of text width).
        for column, cell, width in ((0, left, Mm(62)), (1, right, Mm(103))):
            table.columns[column].width = width
            cell.width = width
        self.text("{{ authority_upper }}", bold=True, align=CENTER, size=13, cell=left, first=True)
        self.text("-------", align=CENTER, cell=left)
        self.text(f"Số: {{{{ {number_var} }}}}", align=CENTER, size=13, cell=left)
        self.text(
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            bold=True,
            align=CENTER,
            size=13,
            cell=right,
            first=True,
        )
        self.text("Độc lập - Tự do - Hạnh phúc", bold=True, align=CENTER, cell=right)
        self.text("---------------", align=CENTER, cell=right)
        self.text("{{ place_name }}, {{ date_in_words }}", italic=True, align=CENTER, cell=right)
        self.doc.add_paragraph()

    def signatures(self, *blocks: tuple[str, str, str]) -> None:
        """Signature blocks two by two: (title, how to sign, name placeholder)."""
        for start in range(0, len(blocks), 2):
            pair = blocks[start : start + 2]
            table = self.doc.add_table(rows=1, cols=2)
            for cell, (title, how, name) in zip(table.rows[0].cells, pair, strict=False):
                self.text(title, bold=True, align=CENTER, cell=cell, first=True)
                self.text(how, italic=True, align=CENTER, size=13, cell=cell)
                for _blank in range(3):
                    self.text("", cell=cell)
                self.text(name, bold=True, align=CENTER, cell=cell)
            self.doc.add_paragraph()

    def recipients_and_signer(self, signer_block: tuple[str, ...]) -> None:
        """ "Nơi nhận" on the left, the signer on the right (Decree 30 App. I, items 8–9)."""
        table = self.doc.add_table(rows=1, cols=2)
        left, right = table.rows[0].cells
        self.text("Nơi nhận:", bold=True, italic=True, size=12, align=None, cell=left, first=True)
        self.text("{%p for line in recipients %}", align=None, cell=left)
        self.text("- {{ line }}", size=11, align=None, cell=left)
        self.text("{%p endfor %}", align=None, cell=left)
        for index, line in enumerate(signer_block):
            self.text(
                line,
                bold=index < 2 or index == len(signer_block) - 1,
                align=CENTER,
                cell=right,
                first=index == 0,
            )

    def blanks_note(self) -> None:
        self.tag("if blanks")
        self.text(
            "Các mục ghi “…………” chưa có trong hồ sơ điện tử, cần điền trước khi ký: "
            "{{ blanks|join('; ') }}.",
            italic=True,
            size=11,
        )
        self.tag("endif")

    def page_break(self) -> None:
        self.doc.add_page_break()

    def save(self, path: Any) -> None:
        self.doc.core_properties.author = "TTXD"
        self.doc.save(path)
