"""The periodic report as a letter (DOCX, for the chairman to sign) and as tables (XLSX).

The letter is rendered with docxtpl from the built-in template
(forms/PERIODIC_REPORT.docx, written by `manage.py build_periodic_report_template`)
or from the admin's replacement in force on the report's date: a
DocumentTemplate of the form "PERIODIC_REPORT" (the same mechanism as the
case documents; a replacement lacking a placeholder is refused on upload).
Both files are made from the same figures as the JSON.
"""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from docxtpl import DocxTemplate
from openpyxl import Workbook
from openpyxl.styles import Font

from backend.cases.models import DocumentTemplate
from backend.reports.periodic.models import ReportKind
from backend.wards.models import Ward

FORM = "PERIODIC_REPORT"
BUILT_IN = Path(__file__).resolve().parent / "forms" / "PERIODIC_REPORT.docx"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The city's table of wards: the headline figures, one column each.
WARD_COLUMNS = (
    "detected",
    "records",
    "decisions",
    "fines_imposed",
    "fines_collected",
    "transfers",
    "overdue",
)


def build_template() -> Any:
    """The built-in letter: header, title, basis, the indicators' table, the wards'
    table (city reports), signature. Placeholders are filled by letter_context."""
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    head = doc.add_table(rows=2, cols=2)
    head.cell(0, 0).text = "{{ authority_upper }}"
    head.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    head.cell(1, 0).text = "Số: {{ document_number }}"
    head.cell(1, 1).text = "{{ place_name }}, {{ date_in_words }}"

    def centred(text: str, bold: bool = False) -> None:
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.add_run(text).bold = bold

    centred("BÁO CÁO", bold=True)
    centred("{{ report_title }}", bold=True)
    doc.add_paragraph("Kỳ báo cáo: {{ period_text }}.")
    doc.add_paragraph("Căn cứ: {{ basis }}.")
    doc.add_paragraph("Kính gửi: {{ recipient }}.")
    doc.add_paragraph("I. SỐ LIỆU").runs[0].bold = True
    table = doc.add_table(rows=4, cols=5)
    table.style = "Table Grid"
    for i, text in enumerate(("STT", "Chỉ tiêu", "Kỳ này", "Kỳ trước", "Cùng kỳ năm trước")):
        table.cell(0, i).text = text
    table.cell(1, 0).text = "{%tr for row in rows %}"
    for i, text in enumerate(
        (
            "{{ row.number }}",
            "{{ row.label }}",
            "{{ row.current }}",
            "{{ row.previous }}",
            "{{ row.last_year }}",
        )
    ):
        table.cell(2, i).text = text
    table.cell(3, 0).text = "{%tr endfor %}"
    doc.add_paragraph("{%p if wards %}")
    doc.add_paragraph("II. SỐ LIỆU THEO PHƯỜNG, XÃ (KỲ NÀY)").runs[0].bold = True
    wards = doc.add_table(rows=4, cols=len(WARD_COLUMNS) + 2)
    wards.style = "Table Grid"
    wards.cell(0, 0).text = "Mã"
    wards.cell(0, 1).text = "Phường, xã"
    for i in range(len(WARD_COLUMNS)):
        wards.cell(0, i + 2).text = "{{ ward_headings[" + str(i) + "] }}"
    wards.cell(1, 0).text = "{%tr for w in wards %}"
    wards.cell(2, 0).text = "{{ w.code }}"
    wards.cell(2, 1).text = "{{ w.name }}"
    for i in range(len(WARD_COLUMNS)):
        wards.cell(2, i + 2).text = "{{ w.values[" + str(i) + "] }}"
    wards.cell(3, 0).text = "{%tr endfor %}"
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph(
        "Số liệu được tổng hợp tự động từ cơ sở dữ liệu; mỗi số liệu kèm danh sách hồ sơ."
    )
    sign = doc.add_table(rows=1, cols=2)
    sign.cell(0, 0).text = "Nơi nhận:\n- {{ recipient }};\n- Lưu: VT."
    sign.cell(0, 1).text = "{{ signer_title }}\n(Ký, ghi rõ họ tên, đóng dấu)\n\n\n{{ signer }}"
    return doc


def write_built_in_template() -> Path:
    BUILT_IN.parent.mkdir(parents=True, exist_ok=True)
    build_template().save(BUILT_IN)
    return BUILT_IN


def template_in_force(day: datetime.date) -> IO[bytes]:
    replacement = (
        DocumentTemplate.objects.filter(document_type=FORM, effective_from__lte=day)
        .order_by("-effective_from")
        .first()
    )
    if replacement is not None:
        with replacement.file.open("rb") as handle:
            return io.BytesIO(handle.read())
    return io.BytesIO(BUILT_IN.read_bytes())


_KIND_WORDS = {
    ReportKind.MONTH: "tháng",
    ReportKind.QUARTER: "quý",
    ReportKind.HALF_YEAR: "6 tháng",
    ReportKind.YEAR: "năm",
}


def _d(text: str) -> str:
    return datetime.date.fromisoformat(text).strftime("%d/%m/%Y")


def period_title(period: dict[str, Any]) -> str:
    kind, label = period["kind"], period["label"]
    year = label[:4]
    if kind == ReportKind.MONTH:
        return f"tháng {int(label[5:7])} năm {year}"
    if kind == ReportKind.QUARTER:
        return f"quý {label[-1]} năm {year}"
    if kind == ReportKind.HALF_YEAR:
        return f"{'6 tháng đầu' if label.endswith('H1') else '6 tháng cuối'} năm {year}"
    return f"năm {year}"


def value_text(value: int, unit: str) -> str:
    if unit == "percent":
        return f"{value} %"
    return f"{value:,}".replace(",", ".")


def _authority(ward_code: str | None) -> tuple[str, str, str]:
    """(authority, place, recipient) of the letter."""
    ward = (
        Ward.objects.filter(code=ward_code).order_by("-valid_from").first() if ward_code else None
    )
    province = (
        ward.province
        if ward
        else (Ward.objects.values_list("province", flat=True).first() or "Thành phố Hồ Chí Minh")
    )
    if ward is not None:
        name = (
            ward.name
            if ward.name.lower().startswith(("phường", "xã", "đặc khu"))
            else f"Phường {ward.name}"
        )
        place = name.split(" ", 1)[1] if " " in name else name
        return f"Ủy ban nhân dân {name}", place, f"Ủy ban nhân dân {province}"
    bare = province.removeprefix("Thành phố ").removeprefix("Tỉnh ")
    return f"Ủy ban nhân dân {province}", bare, "Bộ Xây dựng"


def letter_context(
    figures: dict[str, Any], *, day: datetime.date, signer: str = ""
) -> dict[str, Any]:
    ward = figures.get("ward") or {}
    authority, place, recipient = _authority(ward.get("code"))
    period = figures["period"]
    rows = [
        {
            "number": n,
            "label": i["label"],
            "current": value_text(i["current"], i["unit"]),
            "previous": value_text(i["previous"], i["unit"]),
            "last_year": value_text(i["last_year"], i["unit"]),
        }
        for n, i in enumerate(figures["indicators"], start=1)
    ]
    labels = {i["key"]: i["label"] for i in figures["indicators"]}
    units = {i["key"]: i["unit"] for i in figures["indicators"]}
    wards = [
        {
            "code": w["code"],
            "name": w["name"],
            "values": [
                value_text(w["values"].get(k, {}).get("current", 0), units.get(k, "count"))
                for k in WARD_COLUMNS
            ],
        }
        for w in figures.get("wards") or []
    ]
    return {
        "authority_upper": authority.upper(),
        "document_number": "….. /BC-UBND",
        "place_name": place,
        "date_in_words": f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}",
        "report_title": f"Tình hình trật tự xây dựng {period_title(period)}",
        "period_text": f"từ ngày {_d(period['start'])} đến ngày {_d(period['end'])}",
        "basis": period["basis"],
        "recipient": recipient,
        "rows": rows,
        "wards": wards,
        "ward_headings": [labels.get(k, k) for k in WARD_COLUMNS],
        "signer_title": "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH",
        "signer": signer,
    }


def report_docx(figures: dict[str, Any], *, day: datetime.date, signer: str = "") -> bytes:
    template = DocxTemplate(template_in_force(day))
    template.render(letter_context(figures, day=day, signer=signer))
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def report_xlsx(figures: dict[str, Any]) -> bytes:
    """The tables: the indicators with their three periods and links; the wards' rows."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Indicators")[:31]
    period = figures["period"]
    sheet.append([f"{period['label']}: {_d(period['start'])}–{_d(period['end'])}"])
    headings = [
        _("Group"),
        _("Indicator"),
        _("This period"),
        _("Previous period"),
        _("Same period last year"),
        _("Cases behind it"),
    ]
    sheet.append(headings)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for i in figures["indicators"]:
        sheet.append(
            [
                i["group_label"],
                i["label"],
                i["current"],
                i["previous"],
                i["last_year"],
                i["links"]["current"] or "",
            ]
        )
    if figures.get("wards"):
        keys = [i["key"] for i in figures["indicators"]]
        labels = [i["label"] for i in figures["indicators"]]
        wards = book.create_sheet(_("Wards")[:31])
        wards.append([_("Code"), _("Ward"), *labels])
        for cell in wards[1]:
            cell.font = Font(bold=True)
        for w in figures["wards"]:
            wards.append([w["code"], w["name"], *(w["values"][k]["current"] for k in keys)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
