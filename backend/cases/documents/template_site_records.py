"""The built-in templates of the records made on site after the decision: the site
check (Decree 16/2022 Art. 81(3), (4)) and the enforcement record (MBB11).

Neither has its fields in LAW.md §4 (the check has no national form): these
layouts are defaults in the usual form of a record (MBB01's header, parties
and signatures), and an admin may replace them. Placeholders are filled by
context_site_records.
"""

from __future__ import annotations

from backend.cases.documents.template_builder import FormBuilder
from backend.cases.documents.template_mbb01 import violator_lines


def _opening(b: FormBuilder, place: str) -> None:
    b.text(f"Hôm nay, {{{{ date_in_words }}}}, tại {{{{ {place} }}}}.")
    b.text("Căn cứ:", bold=True)
    b.loop("grounds", "- {{ ground }};", var="ground")
    b.text("Chúng tôi gồm:", bold=True)
    b.line("Người lập biên bản", "officer_name")
    b.line("Cơ quan", "authority")


def build_site_check() -> FormBuilder:
    b = FormBuilder()
    b.header("document_number")
    b.title("BIÊN BẢN KIỂM TRA", "{{ check_subject }}")
    _opening(b, "site_address")
    b.text("Tiến hành kiểm tra công trình xây dựng của {{ violator_heading }}:", bold=True)
    violator_lines(b)
    b.line("Địa điểm xây dựng", "site_address")
    b.tag("if permit_shown")
    b.line("Giấy phép xây dựng đã xuất trình", "permit_shown")
    b.tag("endif")
    b.line("Kết quả kiểm tra", "findings")
    b.line("Kết luận", "conclusion")
    b.signatures(
        ("NGƯỜI VI PHẠM", "(Ký, ghi rõ họ và tên)", "{{ violator_name }}"),
        ("NGƯỜI LẬP BIÊN BẢN", "(Ký, ghi rõ chức vụ, họ và tên)", "{{ officer_name }}"),
    )
    b.blanks_note()
    return b


def build_mbb11() -> FormBuilder:
    b = FormBuilder()
    b.header("document_number")
    b.title("BIÊN BẢN CƯỠNG CHẾ", "Buộc thực hiện biện pháp khắc phục hậu quả")
    _opening(b, "enforcement_place")
    b.text("Tiến hành cưỡng chế đối với {{ violator_heading }}:", bold=True)
    violator_lines(b)
    b.line("Địa điểm cưỡng chế", "enforcement_place")
    b.text("Biện pháp cưỡng chế theo quyết định:")
    b.loop("measures", "- {{ measure }}", var="measure")
    b.line("Kết quả thực hiện", "result")
    b.signatures(
        ("NGƯỜI BỊ CƯỠNG CHẾ", "(Ký, ghi rõ họ và tên)", "{{ violator_name }}"),
        ("NGƯỜI LẬP BIÊN BẢN", "(Ký, ghi rõ chức vụ, họ và tên)", "{{ officer_name }}"),
        ("NGƯỜI CHỨNG KIẾN", "(Ký, ghi rõ họ và tên)", ""),
        ("ĐẠI DIỆN CHÍNH QUYỀN", "(Ký, ghi rõ chức vụ, họ và tên)", ""),
    )
    b.blanks_note()
    return b
