"""MQĐ11, the decision to enforce the remedy (quyết định cưỡng chế).

Issued when the time limit of the sanction decision has passed without the
remedy carried out; it cites that decision and names the measures
(Law on Handling Administrative Violations, Art. 86 to 88).
"""

from __future__ import annotations

import datetime
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH

from backend.cases.documents.docx_primitives import labelled_line, paragraph, title_lines
from backend.cases.documents.form_sections import (
    LEGAL_GROUNDS,
    authority_of,
    date_in_words,
    delegation_ground,
    form_header,
    recipients_section,
    short_date,
    signature_table,
    signer_lines,
    violator_section,
)
from backend.cases.models import CaseStep, ViolationCase
from backend.cases.selectors import case_steps


def enforcement_decision_mqd11(doc: Any, case: ViolationCase, step: CaseStep, user: Any) -> None:
    decision = next(
        (
            s
            for s in reversed(list(case_steps(case)))
            if s.action in ("issue_sanction_decision", "receive_decision")
        ),
        None,
    )
    number = ""
    if decision is not None:
        number = decision.document_number or decision.data.get("decision_number", "")
    form_header(doc, case, step.document_number, step.occurred_on)
    title_lines(doc, "QUYẾT ĐỊNH", "Cưỡng chế buộc thực hiện biện pháp khắc phục hậu quả")
    paragraph(
        doc, f"CHỦ TỊCH {authority_of(case).upper()}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER
    )
    paragraph(doc, "Căn cứ Điều 86, Điều 87, Điều 88 Luật Xử lý vi phạm hành chính;", italic=True)
    for ground in LEGAL_GROUNDS[1:]:
        paragraph(doc, f"Căn cứ {ground};", italic=True)
    delegation = delegation_ground(step, "cưỡng chế thi hành quyết định xử phạt vi phạm hành chính")
    if delegation:
        paragraph(doc, delegation, italic=True)
    if decision is not None:
        paragraph(
            doc,
            f"Căn cứ Quyết định xử phạt vi phạm hành chính số {number} "
            f"{date_in_words(decision.occurred_on)};",
            italic=True,
        )
    paragraph(
        doc,
        f"Xét thấy {case.violator_name} đã hết thời hạn nhưng không tự nguyện chấp hành "
        "biện pháp khắc phục hậu quả,",
        italic=True,
    )
    paragraph(doc, "QUYẾT ĐỊNH:", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph(doc, "Điều 1. Cưỡng chế đối với:", bold=True)
    violator_section(doc, case)
    labelled_line(doc, "Địa điểm", case.address)
    labelled_line(doc, "Biện pháp cưỡng chế", step.data.get("measures"))
    enforcement_date = step.data.get("enforcement_date")
    if enforcement_date:
        labelled_line(
            doc,
            "Thời gian thực hiện cưỡng chế",
            short_date(datetime.date.fromisoformat(enforcement_date)),
        )
    paragraph(
        doc,
        "Điều 2. Cá nhân, tổ chức bị cưỡng chế phải chịu mọi chi phí cho việc tổ chức "
        "thực hiện các biện pháp cưỡng chế.",
        bold=False,
    )
    paragraph(
        doc,
        f"Điều 3. Quyết định này có hiệu lực kể từ ngày ký và được giao cho "
        f"{case.violator_name} để chấp hành. Người bị cưỡng chế có quyền khiếu nại, khởi "
        "kiện theo quy định của pháp luật.",
    )
    recipients_section(doc, step.data.get("recipients", ""))
    signature_table(doc, [""], signer_lines(step))
