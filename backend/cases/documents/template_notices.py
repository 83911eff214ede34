"""The built-in template of the notice to self-demolish (Decree 16/2022 Art. 81(2)).

There is no national form (LAW.md §4 "Art. 81 extras"): this is the usual
layout of a People's Committee notice (Decree 30/2020 Appendix I), and an
admin may replace it. Placeholders are filled by context_notices.
"""

from __future__ import annotations

from backend.cases.documents.template_builder import FormBuilder
from backend.cases.documents.template_decisions import SIGNER_BLOCK
from backend.cases.documents.template_mbb01 import violator_lines


def build_demolish_notice() -> FormBuilder:
    b = FormBuilder()
    b.header("document_number")
    b.title("THÔNG BÁO", "Về việc tự phá dỡ công trình, phần công trình vi phạm")
    b.text("Kính gửi: **{{ violator_name }}**")
    b.loop("grounds", "Căn cứ {{ ground }};", var="ground", italic=True)
    b.text(
        "{{ authority }} thông báo: do {{ reason }}, đề nghị {{ violator_heading }} tự phá dỡ "
        "công trình, phần công trình xây dựng vi phạm:"
    )
    violator_lines(b)
    b.line("Địa điểm xây dựng", "site_address")
    b.text(
        "Thời hạn tự phá dỡ: **{{ demolish_days }} ngày** kể từ ngày nhận thông báo này (theo dấu "
        "bưu điện hoặc biên bản giao thông báo). Quá thời hạn trên mà không tự phá dỡ thì sẽ bị "
        "cưỡng chế phá dỡ theo quy định của pháp luật; cá nhân, tổ chức vi phạm phải chịu mọi chi "
        "phí cưỡng chế."
    )
    b.text("Ngày nhận thông báo ({{ delivery_method }}): **{{ delivered_on }}**")
    b.recipients_and_signer(SIGNER_BLOCK)
    b.blanks_note()
    return b
