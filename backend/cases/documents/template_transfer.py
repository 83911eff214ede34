"""The built-in template of the record of handing a case file to the competent
authority (Law on Handling Administrative Violations Art. 58(5)).

No national form lists its items (LAW.md is silent): this is a default in the
usual layout of a record (MBB01's header, parties and signatures), and an admin
may replace it. Placeholders are filled by context_transfer.
"""

from __future__ import annotations

from backend.cases.documents.template_builder import FormBuilder
from backend.cases.documents.template_mbb01 import violator_lines


def build_transfer_handover() -> FormBuilder:
    b = FormBuilder()
    b.header("document_number")
    b.title("BIÊN BẢN BÀN GIAO", "Hồ sơ vụ việc vi phạm hành chính")
    b.text("Hôm nay, hồi {{ handover_time }}, {{ date_in_words }}, tại {{ handover_place }}.")
    b.text("Căn cứ:", bold=True)
    b.loop("grounds", "- {{ ground }};", var="ground")
    b.text("Chúng tôi gồm:", bold=True)
    b.text("1. Bên giao: {{ authority }}", bold=True)
    b.line("Ông (bà)", "giver_name")
    b.line("Chức vụ", "giver_position")
    b.text("2. Bên nhận: {{ receiving_authority }}", bold=True)
    b.line("Ông (bà)", "receiver_name")
    b.line("Chức vụ", "receiver_position")
    b.text(
        "Tiến hành bàn giao hồ sơ vụ việc vi phạm hành chính số {{ case_code }} của "
        "{{ violator_heading }}:",
        bold=True,
    )
    violator_lines(b)
    b.line("Hành vi vi phạm quy định tại", "clause")
    b.line("Địa điểm xây dựng", "site_address")
    b.line("Lý do chuyển hồ sơ", "reason")
    b.text("Hồ sơ bàn giao gồm:", bold=True)
    b.loop("documents", "- {{ paper }};", var="paper")
    b.text(
        "Biên bản được lập thành 02 bản có giá trị pháp lý như nhau, mỗi bên giữ 01 bản; "
        "các bên đã đọc lại biên bản và cùng ký xác nhận."
    )
    b.signatures(
        ("BÊN NHẬN", "(Ký, ghi rõ chức vụ, họ và tên)", "{{ receiver_name }}"),
        ("BÊN GIAO", "(Ký, ghi rõ chức vụ, họ và tên)", "{{ giver_name }}"),
    )
    b.blanks_note()
    return b
