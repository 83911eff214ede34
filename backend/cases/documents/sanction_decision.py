"""MQĐ02, the decision imposing the sanction (quyết định xử phạt vi phạm hành chính).

Signed by the ward chairperson or a deputy; it cites the violation record,
states the fine in figures and words and the remedy with its time limit
(demolition, or a permit application within 30 or 90 days, Decree 16 Art. 81).
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
    delegation_ground,
    form_header,
    recipients_section,
    signature_table,
    signer_lines,
    violator_section,
)
from backend.cases.documents.number_words import money_in_figures, money_in_words
from backend.cases.models import CaseStep, DocumentType, ViolationCase
from backend.cases.selectors import case_document_step
from backend.cases.workflow.choices import Remedy


def _violation_record_step(case: ViolationCase) -> CaseStep | None:
    return case_document_step(case, DocumentType.MBB01)


def sanction_decision_mqd02(doc: Any, case: ViolationCase, step: CaseStep, user: Any) -> None:
    record = _violation_record_step(case)
    form_header(doc, case, step.document_number, step.occurred_on)
    title_lines(doc, "QUYẾT ĐỊNH", "Xử phạt vi phạm hành chính")
    paragraph(
        doc, f"CHỦ TỊCH {authority_of(case).upper()}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER
    )
    paragraph(doc, "Căn cứ Điều 57, Điều 68 Luật Xử lý vi phạm hành chính;", italic=True)
    for ground in LEGAL_GROUNDS[1:]:
        paragraph(doc, f"Căn cứ {ground};", italic=True)
    paragraph(
        doc,
        "Căn cứ Nghị định số 189/2025/NĐ-CP của Chính phủ về thẩm quyền của Chủ tịch "
        "Ủy ban nhân dân cấp xã;",
        italic=True,
    )
    if record is not None:
        paragraph(
            doc,
            f"Căn cứ Biên bản vi phạm hành chính số {record.document_number} lập "
            f"{date_in_words(record.occurred_on)};",
            italic=True,
        )
    delegation = delegation_ground(step, "xử phạt vi phạm hành chính")
    if delegation:
        paragraph(doc, delegation, italic=True)
    paragraph(doc, "QUYẾT ĐỊNH:", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph(doc, "Điều 1. Xử phạt vi phạm hành chính đối với:", bold=True)
    violator_section(doc, case)
    conduct = (record.data.get("conduct") if record else "") or case.description
    paragraph(doc, f"1. Đã thực hiện hành vi vi phạm hành chính: {conduct}")
    paragraph(doc, f"2. Quy định tại: {clause_of(case)}.")
    paragraph(
        doc,
        f"3. Địa điểm vi phạm: {case.address} (thửa đất số {case.parcel_number or '.....'}, "
        f"tờ bản đồ số {case.map_sheet or '.....'}).",
    )
    fine = int(step.data.get("fine_amount") or 0)
    paragraph(
        doc,
        f"4. Hình thức xử phạt chính: Phạt tiền {money_in_figures(fine)} (Bằng chữ: {money_in_words(fine)}).",
    )
    remedy_days = step.data.get("remedy_days")
    if step.data.get("remedy") == Remedy.LEGALISE:
        days = 30 if case.works_class == "individual_house" else 90
        remedy = (
            "Đình chỉ thi công xây dựng; buộc cá nhân, tổ chức vi phạm làm thủ tục đề nghị cấp giấy "
            f"phép xây dựng trong thời hạn {days} ngày kể từ ngày ban hành quyết định này "
            "(Điều 81 Nghị định số 16/2022/NĐ-CP)."
        )
    else:
        days = int(remedy_days) if remedy_days else 15
        remedy = (
            "Buộc phá dỡ công trình, phần công trình xây dựng vi phạm trong thời hạn "
            f"{days} ngày kể từ ngày nhận quyết định này."
        )
    paragraph(doc, f"5. Biện pháp khắc phục hậu quả: {remedy}")
    paragraph(doc, "Điều 2. Quyết định này được:", bold=True)
    paragraph(
        doc,
        f"1. Giao cho {case.violator_name} để chấp hành. {case.violator_name} phải nghiêm "
        "chỉnh chấp hành quyết định xử phạt này; nộp tiền phạt trong thời hạn 10 ngày kể từ "
        "ngày nhận được quyết định. Quá thời hạn trên mà không tự nguyện chấp hành thì sẽ bị "
        "cưỡng chế thi hành theo quy định của pháp luật.",
    )
    paragraph(
        doc,
        "Người bị xử phạt có quyền khiếu nại hoặc khởi kiện đối với quyết định này theo quy "
        "định của pháp luật.",
    )
    paragraph(
        doc,
        "2. Gửi cho Kho bạc Nhà nước để thu tiền phạt; gửi cơ quan, đơn vị liên quan để tổ "
        "chức thực hiện.",
    )
    paragraph(doc, "Điều 3. Quyết định này có hiệu lực kể từ ngày ký.", bold=True)
    recipients_section(doc, step.data.get("recipients", ""))
    signature_table(doc, [""], signer_lines(step))
