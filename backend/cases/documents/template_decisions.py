"""The built-in templates of the decisions: MQĐ02 (sanction), MQĐ15 (remedial
measures without a fine) and MQĐ11 (enforcement).

Wording after forms MQĐ02, MQĐ15 and MQĐ11 of Decree 118/2021/NĐ-CP's
appendix; placeholders are filled by context_decisions.
"""

from __future__ import annotations

from backend.cases.documents.template_builder import CENTER, FormBuilder
from backend.cases.documents.template_mbb01 import violator_lines

SIGNER_BLOCK = (
    "{{ signer_title }}",
    "{{ signer_subtitle }}",
    "(Ký, đóng dấu, ghi rõ họ và tên)",
    "",
    "",
    "{{ signer }}",
)


def _grounds(b: FormBuilder) -> None:
    b.loop("grounds", "Căn cứ {{ ground }};", var="ground", italic=True)


def build_mqd02() -> FormBuilder:
    b = FormBuilder()
    b.header("document_number")
    b.title("QUYẾT ĐỊNH", "Xử phạt vi phạm hành chính")
    b.text("{{ chairman_upper }}", bold=True, align=CENTER)
    _grounds(b)
    b.text("QUYẾT ĐỊNH:", bold=True, align=CENTER)
    b.text("Điều 1. Xử phạt vi phạm hành chính đối với {{ violator_heading }}:", bold=True)
    violator_lines(b)
    b.text("1. Đã thực hiện hành vi vi phạm hành chính:")
    b.tag("for v in violations")
    b.text("{{ v.index }}) {{ v.conduct }}; quy định tại **{{ v.clause }}**.")
    b.text("Tình tiết tăng nặng: {{ v.aggravating }}; tình tiết giảm nhẹ: {{ v.mitigating }}.")
    b.tag("endfor")
    b.line("2. Địa điểm xảy ra vi phạm", "site_address")
    b.text("3. Bị áp dụng hình thức xử phạt, biện pháp khắc phục hậu quả như sau:")
    b.text("a) Hình thức xử phạt chính: Phạt tiền.")
    b.tag("for v in violations")
    b.text(
        "- Đối với hành vi {{ v.index }}): **{{ v.fine_figures }}** (Bằng chữ: {{ v.fine_words }})."
    )
    b.tag("endfor")
    b.text("Tổng mức phạt: **{{ total_figures }}** (Bằng chữ: {{ total_words }}).")
    b.line("b) Hình thức xử phạt bổ sung", "additional_penalty")
    b.text("c) Biện pháp khắc phục hậu quả: {{ remedy }}")
    b.line("Cách thức thực hiện", "remedy_how")
    b.line("Chi phí tổ chức thực hiện biện pháp khắc phục hậu quả", "cost_reimbursement")
    b.text("Điều 2. Quyết định này có hiệu lực thi hành kể từ ngày ký.", bold=True)
    b.text("Điều 3. Quyết định này được:", bold=True)
    b.text(
        "1. Giao cho {{ violator_name }} để chấp hành. {{ violator_name }} phải nghiêm chỉnh chấp "
        "hành Quyết định xử phạt này. Nếu không tự nguyện chấp hành thì sẽ bị cưỡng chế thi hành "
        "theo quy định của pháp luật."
    )
    b.text(
        "{{ violator_name }} phải nộp tiền phạt tại {{ treasury_name }} hoặc chuyển khoản vào tài "
        "khoản số **{{ treasury_account }}** của {{ treasury_name }} trong thời hạn "
        "{{ payment_days }} ngày kể từ ngày nhận được Quyết định xử phạt."
    )
    b.text(
        "{{ violator_name }} có quyền khiếu nại hoặc khởi kiện hành chính đối với Quyết định này "
        "theo quy định của pháp luật."
    )
    b.text("2. Gửi cho {{ treasury_name }} để thu tiền phạt.")
    b.text("3. Gửi cho cơ quan, đơn vị liên quan để tổ chức thực hiện Quyết định này.")
    b.recipients_and_signer(SIGNER_BLOCK)
    b.doc.add_paragraph()
    b.text("XÁC NHẬN GIAO QUYẾT ĐỊNH", bold=True, align=CENTER)
    b.text(
        "Quyết định này đã được giao cho {{ violator_name }} vào hồi ……… giờ ……… phút, "
        "ngày ……… tháng ……… năm ………, theo hình thức: …………"
    )
    b.signatures(
        ("NGƯỜI NHẬN QUYẾT ĐỊNH", "(Ký, ghi rõ họ và tên)", ""),
        ("NGƯỜI GIAO QUYẾT ĐỊNH", "(Ký, ghi rõ chức vụ, họ và tên)", ""),
    )
    b.blanks_note()
    return b


def build_mqd11() -> FormBuilder:
    b = FormBuilder()
    b.header("document_number")
    b.title("QUYẾT ĐỊNH", "Cưỡng chế buộc thực hiện biện pháp khắc phục hậu quả")
    b.text("{{ chairman_upper }}", bold=True, align=CENTER)
    _grounds(b)
    b.text(
        "Xét thấy {{ violator_name }} đã hết thời hạn nhưng không tự nguyện chấp hành biện pháp "
        "khắc phục hậu quả theo Quyết định xử phạt vi phạm hành chính số {{ decision_number }},",
        italic=True,
    )
    b.text("QUYẾT ĐỊNH:", bold=True, align=CENTER)
    b.text(
        "Điều 1. Cưỡng chế buộc thực hiện biện pháp khắc phục hậu quả đối với "
        "{{ violator_heading }}:",
        bold=True,
    )
    violator_lines(b)
    b.line("Hành vi vi phạm quy định tại", "clause")
    b.line("Hậu quả phải khắc phục", "consequence")
    b.text("Biện pháp cưỡng chế và thời hạn thực hiện:")
    b.loop("measures", "- {{ m.text }}; thời hạn: **{{ m.deadline }}**.", var="m")
    b.line("Thời gian thực hiện cưỡng chế", "enforcement_date")
    b.line("Địa điểm cưỡng chế", "enforcement_place")
    b.line("Cơ quan, tổ chức phối hợp", "coordinating_agencies")
    b.text(
        "Điều 2. {{ violator_name }} phải chịu mọi chi phí cho việc tổ chức thực hiện các biện "
        "pháp cưỡng chế.",
    )
    b.text(
        "Điều 3. Quyết định này có hiệu lực thi hành kể từ ngày ký. Giao cho **{{ lead }}** chủ "
        "trì tổ chức thực hiện Quyết định này; giao cho {{ violator_name }} để chấp hành. "
        "{{ violator_name }} có quyền khiếu nại hoặc khởi kiện hành chính đối với Quyết định này "
        "theo quy định của pháp luật."
    )
    b.recipients_and_signer(SIGNER_BLOCK)
    b.blanks_note()
    return b


def build_mqd15() -> FormBuilder:
    """No fine may be imposed any more (LXLVPHC Art. 6, 66), the consequences are
    still remedied (Art. 65)."""
    b = FormBuilder()
    b.header("document_number")
    b.title("QUYẾT ĐỊNH", "Áp dụng biện pháp khắc phục hậu quả")
    b.text("{{ chairman_upper }}", bold=True, align=CENTER)
    _grounds(b)
    b.text(
        "Xét thấy vụ việc {{ no_fine_reason }}, nhưng hậu quả do vi phạm hành chính gây ra phải "
        "được khắc phục,",
        italic=True,
    )
    b.text("QUYẾT ĐỊNH:", bold=True, align=CENTER)
    b.text(
        "Điều 1. Không ra quyết định xử phạt vi phạm hành chính đối với {{ violator_heading }}:",
        bold=True,
    )
    violator_lines(b)
    b.text("1. Hành vi vi phạm hành chính: {{ conduct }}")
    b.line("2. Quy định tại", "clause")
    b.line("3. Địa điểm vi phạm", "site_address")
    b.line("Thửa đất", "parcel")
    b.line("4. Lý do không ra quyết định xử phạt", "no_fine_reason")
    b.text("Điều 2. Áp dụng biện pháp khắc phục hậu quả:", bold=True)
    b.text(
        "{{ measures }} trong thời hạn **{{ remedy_days }}** ngày kể từ ngày nhận quyết định này. "
        "Cá nhân, tổ chức vi phạm phải chịu mọi chi phí cho việc thực hiện biện pháp khắc phục "
        "hậu quả."
    )
    b.text(
        "Điều 3. Quyết định này có hiệu lực kể từ ngày ký và được giao cho {{ violator_name }} để "
        "chấp hành. Quá thời hạn trên mà không tự nguyện chấp hành thì sẽ bị cưỡng chế thi hành "
        "theo quy định của pháp luật. {{ violator_name }} có quyền khiếu nại hoặc khởi kiện hành "
        "chính đối với Quyết định này theo quy định của pháp luật."
    )
    b.recipients_and_signer(SIGNER_BLOCK)
    b.blanks_note()
    return b
