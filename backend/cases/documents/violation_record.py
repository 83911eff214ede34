"""MBB01, the record of an administrative violation (biên bản vi phạm hành chính).

Made on site by the inspector; it orders the works to stop at once and
tells the violator of the right to explain (Law on Handling Administrative
Violations, Art. 58 and 61), with the location sketch and photos appended.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from backend.cases.documents.docx_primitives import labelled_line, paragraph, title_lines
from backend.cases.documents.evidence_appendix import evidence_appendix
from backend.cases.documents.form_sections import (
    LEGAL_GROUNDS,
    authority_of,
    clause_of,
    date_in_words,
    form_header,
    short_date,
    signature_table,
    site_section,
    violator_section,
)
from backend.cases.models import CaseStep, ViolationCase


def violation_record_mbb01(doc: Any, case: ViolationCase, step: CaseStep, user: Any) -> None:
    form_header(doc, case, step.document_number, step.occurred_on)
    title_lines(doc, "BIÊN BẢN VI PHẠM HÀNH CHÍNH", "Về trật tự xây dựng")
    paragraph(
        doc,
        f"Hôm nay, hồi ..... giờ ..... phút, {date_in_words(step.occurred_on)}, tại {case.address}.",
    )
    paragraph(doc, "Căn cứ:")
    for ground in LEGAL_GROUNDS:
        paragraph(doc, f"- {ground};")
    paragraph(
        doc,
        f"- Kết quả kiểm tra hiện trường ngày {short_date(timezone.localdate(case.detected_at))} "
        f"(hồ sơ {case.code}).",
    )
    paragraph(doc, "Chúng tôi gồm:", bold=True)
    paragraph(
        doc,
        f"1. Người lập biên bản: {step.signer}, cán bộ quản lý trật tự xây dựng, "
        f"{authority_of(case)}.",
    )
    paragraph(
        doc, f"2. Với sự chứng kiến của: {step.data.get('witnesses') or '....................'}"
    )
    paragraph(doc, "Tiến hành lập biên bản vi phạm hành chính đối với:", bold=True)
    violator_section(doc, case)
    paragraph(doc, "Đã có hành vi vi phạm hành chính:", bold=True)
    paragraph(doc, step.data.get("conduct", ""))
    paragraph(
        doc,
        f"Quy định tại: {clause_of(case)} ngày 28/01/2022 của Chính phủ quy định xử phạt "
        "vi phạm hành chính về xây dựng.",
    )
    site_section(doc, case)
    if step.data.get("deviation"):
        labelled_line(doc, "Mức độ sai phạm", step.data["deviation"])
    paragraph(doc, "Yêu cầu dừng thi công:", bold=True)
    paragraph(
        doc,
        f"Người có thẩm quyền yêu cầu {case.violator_name} chấm dứt ngay hành vi vi phạm, "
        "dừng ngay việc thi công xây dựng công trình vi phạm kể từ thời điểm lập biên bản.",
    )
    paragraph(
        doc,
        "Biện pháp ngăn chặn và bảo đảm xử lý vi phạm hành chính được áp dụng: "
        "đình chỉ thi công xây dựng công trình vi phạm.",
    )
    paragraph(doc, "Quyền giải trình:", bold=True)
    paragraph(
        doc,
        "Trong thời hạn 02 ngày làm việc kể từ ngày lập biên bản, người vi phạm có quyền gửi "
        "văn bản yêu cầu được giải trình trực tiếp; hoặc trong thời hạn 05 ngày làm việc kể từ "
        f"ngày lập biên bản, gửi văn bản giải trình đến Chủ tịch {authority_of(case)}.",
    )
    paragraph(
        doc,
        "Biên bản lập xong cùng ngày, được lập thành 02 bản có nội dung và giá trị như nhau; "
        "đã đọc lại cho những người có tên trên cùng nghe, công nhận là đúng và cùng ký tên "
        "dưới đây; giao cho người vi phạm 01 bản.",
    )
    if step.data.get("violator_signed") is False:
        labelled_line(
            doc,
            "Lý do người vi phạm không ký biên bản",
            step.data.get("refusal_reason") or "....................",
        )
    if step.note:
        labelled_line(doc, "Ghi chú", step.note)
    signature_table(
        doc,
        ["NGƯỜI VI PHẠM", "(Ký, ghi rõ họ và tên)", "", "", "", case.violator_name],
        ["NGƯỜI LẬP BIÊN BẢN", "(Ký, ghi rõ chức vụ, họ và tên)", "", "", "", step.signer],
    )
    signature_table(
        doc,
        ["NGƯỜI CHỨNG KIẾN", "(Ký, ghi rõ họ và tên)", "", "", "", step.data.get("witnesses", "")],
        ["ĐẠI DIỆN CHÍNH QUYỀN", "(Ký, ghi rõ chức vụ, họ và tên)", "", "", "", ""],
    )
    evidence_appendix(doc, case, user)
