"""The notice to self-demolish (thông báo tự phá dỡ), Decree 16/2022 Art. 81(2).

No permit was shown within the period the sanction decision gave: the
sanctioning official notifies the violator, who must demolish within 15 days
from the postmark or the handover of this notice. There is no national form
(LAW.md §4 "Art. 81 extras"): this is the usual layout of a People's
Committee notice. Self-contained: it builds on the DOCX primitives and the
shared sections only.
"""

from __future__ import annotations

import datetime
from typing import Any

from backend.cases.documents.docx_primitives import labelled_line, paragraph, title_lines
from backend.cases.documents.form_sections import (
    authority_of,
    date_in_words,
    form_header,
    recipients_section,
    short_date,
    signature_table,
    signer_lines,
    violator_section,
)
from backend.cases.models import CaseStep, ViolationCase
from backend.cases.selectors import case_steps

REASONS = {
    "window_expired": "hết thời hạn mà không xuất trình giấy phép xây dựng",
    "permit_refused": "cơ quan có thẩm quyền không cấp giấy phép xây dựng",
    "withdrawn": "cá nhân, tổ chức vi phạm không tiếp tục làm thủ tục cấp giấy phép xây dựng",
}


def demolition_notice(doc: Any, case: ViolationCase, step: CaseStep, user: Any) -> None:
    steps = list(case_steps(case))
    decision = next(
        (s for s in reversed(steps) if s.action in ("issue_sanction_decision", "receive_decision")),
        None,
    )
    form_header(doc, case, step.document_number, step.occurred_on)
    title_lines(doc, "THÔNG BÁO", "Về việc tự phá dỡ công trình, phần công trình vi phạm")
    paragraph(doc, f"Kính gửi: {case.violator_name}")
    if decision is not None:
        number = decision.document_number or decision.data.get("decision_number", "")
        paragraph(
            doc,
            f"Căn cứ Quyết định xử phạt vi phạm hành chính số {number} "
            f"{date_in_words(decision.occurred_on)};",
        )
    paragraph(doc, "Căn cứ khoản 2 Điều 81 Nghị định số 16/2022/NĐ-CP;")
    reason = REASONS.get(str(step.data.get("reason")), "")
    paragraph(
        doc,
        f"{authority_of(case)} thông báo: do {reason}, đề nghị cá nhân, tổ chức có tên dưới "
        "đây tự phá dỡ công trình, phần công trình xây dựng vi phạm:",
    )
    violator_section(doc, case)
    labelled_line(doc, "Địa điểm xây dựng", case.address)
    paragraph(
        doc,
        "Thời hạn tự phá dỡ: 15 ngày kể từ ngày nhận thông báo này (theo dấu bưu điện hoặc "
        "biên bản giao thông báo). Quá thời hạn trên mà không tự phá dỡ thì sẽ bị cưỡng chế "
        "phá dỡ theo quy định của pháp luật; cá nhân, tổ chức vi phạm phải chịu mọi chi phí "
        "cưỡng chế.",
    )
    delivered = step.data.get("delivered_on")
    if delivered:
        how = "dấu bưu điện" if step.data.get("delivery_method") == "post" else "biên bản giao"
        labelled_line(
            doc,
            f"Ngày nhận thông báo ({how})",
            short_date(datetime.date.fromisoformat(delivered)),
        )
    recipients_section(doc, "")
    signature_table(doc, [""], signer_lines(step))
