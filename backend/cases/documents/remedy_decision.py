"""MQĐ15, the decision applying remedial measures without a fine (áp dụng biện pháp khắc phục hậu quả).

Issued when no fine may be imposed any more: the period to issue the sanction
decision has passed (Law on Handling Administrative Violations Art. 66) or the
limitation has run (Art. 6; Decree 16/2022 Art. 5), while the consequences of
the violation must still be remedied (Art. 65). Self-contained: it builds on
the DOCX primitives and the shared sections only.
"""

from __future__ import annotations

from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH

from backend.cases.documents.docx_primitives import paragraph, title_lines
from backend.cases.documents.form_sections import (
    LEGAL_GROUNDS,
    authority_of,
    clause_of,
    date_in_words,
    form_header,
    recipients_section,
    signature_table,
    signer_lines,
    violator_section,
)
from backend.cases.models import CaseStep, DocumentType, ViolationCase
from backend.cases.selectors import case_document_step

# Why no fine is imposed, as the decision states it.
NO_FINE_GROUNDS = {
    "period_over": "đã quá thời hạn ra quyết định xử phạt vi phạm hành chính theo quy định tại "
    "Điều 66 Luật Xử lý vi phạm hành chính",
    "limitation": "đã hết thời hiệu xử phạt vi phạm hành chính theo quy định tại Điều 6 Luật Xử "
    "lý vi phạm hành chính và Điều 5 Nghị định số 16/2022/NĐ-CP",
}
# Decree 16 Art. 81 and MQĐ02 note 13: the period runs from receipt of the decision.
DEFAULT_DEMOLITION_DAYS = 15


def remedy_decision_mqd15(doc: Any, case: ViolationCase, step: CaseStep, user: Any) -> None:
    record = case_document_step(case, DocumentType.MBB01)
    form_header(doc, case, step.document_number, step.occurred_on)
    title_lines(doc, "QUYẾT ĐỊNH", "Áp dụng biện pháp khắc phục hậu quả")
    paragraph(
        doc, f"CHỦ TỊCH {authority_of(case).upper()}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER
    )
    paragraph(doc, "Căn cứ Điều 6, Điều 65, Điều 66 Luật Xử lý vi phạm hành chính;", italic=True)
    for ground in LEGAL_GROUNDS[1:]:
        paragraph(doc, f"Căn cứ {ground};", italic=True)
    if record is not None:
        paragraph(
            doc,
            f"Căn cứ Biên bản vi phạm hành chính số {record.document_number} lập "
            f"{date_in_words(record.occurred_on)};",
            italic=True,
        )
    reason = NO_FINE_GROUNDS.get(str(step.data.get("no_fine_reason")), "")
    paragraph(
        doc,
        f"Xét thấy vụ việc {reason}, nhưng hậu quả do vi phạm hành chính gây ra phải được "
        "khắc phục,",
        italic=True,
    )
    paragraph(doc, "QUYẾT ĐỊNH:", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph(doc, "Điều 1. Không ra quyết định xử phạt vi phạm hành chính đối với:", bold=True)
    violator_section(doc, case)
    conduct = (record.data.get("conduct") if record else "") or case.description
    paragraph(doc, f"1. Hành vi vi phạm hành chính: {conduct}")
    paragraph(doc, f"2. Quy định tại: {clause_of(case)}.")
    paragraph(
        doc,
        f"3. Địa điểm vi phạm: {case.address} (thửa đất số {case.parcel_number or '.....'}, "
        f"tờ bản đồ số {case.map_sheet or '.....'}).",
    )
    paragraph(doc, f"4. Lý do không ra quyết định xử phạt: {reason}.")
    days = int(step.data.get("remedy_days") or DEFAULT_DEMOLITION_DAYS)
    paragraph(doc, "Điều 2. Áp dụng biện pháp khắc phục hậu quả:", bold=True)
    paragraph(
        doc,
        f"{step.data.get('measures', '')} trong thời hạn {days} ngày kể từ ngày nhận quyết "
        "định này. Cá nhân, tổ chức vi phạm phải chịu mọi chi phí cho việc thực hiện biện "
        "pháp khắc phục hậu quả.",
    )
    paragraph(
        doc,
        f"Điều 3. Quyết định này có hiệu lực kể từ ngày ký và được giao cho "
        f"{case.violator_name} để chấp hành. Quá thời hạn trên mà không tự nguyện chấp hành "
        "thì sẽ bị cưỡng chế thi hành theo quy định của pháp luật. Người bị áp dụng biện pháp "
        "khắc phục hậu quả có quyền khiếu nại hoặc khởi kiện đối với quyết định này theo quy "
        "định của pháp luật.",
    )
    recipients_section(doc, step.data.get("recipients", ""))
    signature_table(doc, [""], signer_lines(step))
