"""The built-in template of MBB01, the violation record, and its evidence appendix.

The wording follows form MBB01 of Decree 118/2021/NĐ-CP's appendix (its items
are Art. 12(4)); construction adds the parcel, coordinates, permit, scale and
photos (Decree 16/2022). Placeholders are filled by context_record.
"""

from __future__ import annotations

from backend.cases.documents.template_builder import CENTER, FormBuilder


def build_mbb01() -> FormBuilder:
    b = FormBuilder()
    b.header("document_number")
    b.title("BIÊN BẢN VI PHẠM HÀNH CHÍNH", "Về trật tự xây dựng")
    b.text("Hôm nay, hồi {{ record_time }}, {{ record_date_words }}, tại {{ record_place }}.")
    b.tag("if off_site_reason")
    b.text("Lý do lập biên bản không tại nơi xảy ra vi phạm: {{ off_site_reason }}.")
    b.tag("endif")
    b.text("Căn cứ:", bold=True)
    b.loop("grounds", "- {{ ground }};", var="ground")
    b.text("Chúng tôi gồm:", bold=True)
    b.text("1. Người có thẩm quyền lập biên bản:")
    b.line("Họ và tên", "officer_name")
    b.line("Chức vụ", "officer_position")
    b.line("Cơ quan", "authority")
    b.text("2. Với sự chứng kiến của:")
    b.line("Người chứng kiến", "witnesses")
    b.line("Đại diện chính quyền địa phương", "local_representative")
    b.text("3. Người phiên dịch: **{{ interpreter }}**")
    b.text("Tiến hành lập biên bản vi phạm hành chính đối với {{ violator_heading }}:", bold=True)
    violator_lines(b)
    b.text("Đã có hành vi vi phạm hành chính:", bold=True)
    b.text("{{ conduct }}")
    b.text("Quy định tại: **{{ clause }}**.")
    b.text("Địa điểm, quy mô công trình vi phạm:", bold=True)
    b.line("Địa điểm xây dựng", "site_address")
    b.line("Thửa đất", "parcel")
    b.line("Tọa độ (WGS 84)", "coordinates")
    b.line("Tọa độ VN-2000 (TP.HCM, kinh tuyến trục 105°45′)", "vn2000")
    b.line("Giấy phép xây dựng", "permit")
    b.line("Loại công trình", "works_class")
    b.line("Quy mô công trình", "scale")
    b.line("Mức độ sai phạm", "deviation")
    b.line("Cá nhân, tổ chức bị thiệt hại", "injured_party")
    b.line(
        "Ý kiến trình bày của cá nhân vi phạm hoặc đại diện tổ chức vi phạm", "violator_statement"
    )
    b.line("Ý kiến trình bày của người chứng kiến", "witness_statement")
    b.line("Ý kiến trình bày của cá nhân, tổ chức bị thiệt hại", "injured_party_statement")
    b.text(
        "Người có thẩm quyền lập biên bản đã yêu cầu {{ violator_name }} chấm dứt ngay hành vi vi "
        "phạm, **dừng ngay việc thi công xây dựng công trình vi phạm** kể từ thời điểm lập biên bản."
    )
    b.text("Các biện pháp ngăn chặn và bảo đảm xử lý vi phạm hành chính được áp dụng:", bold=True)
    b.loop("preventive_measures", "- {{ measure }}", var="measure")
    b.line("Tang vật, phương tiện, giấy phép, chứng chỉ hành nghề bị tạm giữ", "seized_items")
    b.text("Quyền giải trình:", bold=True)
    b.text(
        "Trong thời hạn {{ hearing_request_days }} ngày làm việc kể từ ngày lập biên bản này, "
        "{{ violator_name }} có quyền gửi văn bản yêu cầu được giải trình trực tiếp đến "
        "{{ explanation_receiver }} để thực hiện quyền giải trình; hoặc trong thời hạn "
        "{{ written_explanation_days }} ngày làm việc kể từ ngày lập biên bản, gửi văn bản giải "
        "trình đến {{ explanation_receiver }}."
    )
    b.line("Yêu cầu có mặt để giải quyết vụ việc (thời gian, địa điểm)", "appointment")
    b.text(
        "Biên bản lập xong hồi {{ end_time }}, {{ record_date_words }}, gồm **{{ pages }}** tờ, "
        "được lập thành **{{ copies }}** bản có nội dung và giá trị như nhau; đã đọc lại cho những "
        "người có tên trên cùng nghe, công nhận là đúng và cùng ký tên dưới đây; giao cho "
        "{{ violator_name }} 01 bản, 01 bản lưu hồ sơ."
    )
    b.tag("if refusal_reason")
    b.line(
        "Lý do cá nhân vi phạm hoặc đại diện tổ chức vi phạm không ký biên bản", "refusal_reason"
    )
    b.tag("endif")
    b.text("Biên bản đã giao cho {{ violator_name }} hồi **{{ handover_time }}**.")
    b.tag("if note")
    b.line("Ghi chú", "note")
    b.tag("endif")
    b.signatures(
        ("NGƯỜI VI PHẠM", "(Ký, ghi rõ họ và tên)", "{{ violator_name }}"),
        ("NGƯỜI LẬP BIÊN BẢN", "(Ký, ghi rõ chức vụ, họ và tên)", "{{ officer_name }}"),
        ("NGƯỜI CHỨNG KIẾN", "(Ký, ghi rõ họ và tên)", "{{ witnesses }}"),
        ("ĐẠI DIỆN CHÍNH QUYỀN", "(Ký, ghi rõ chức vụ, họ và tên)", "{{ local_representative }}"),
        ("NGƯỜI PHIÊN DỊCH", "(Ký, ghi rõ họ và tên)", "{{ interpreter }}"),
    )
    b.blanks_note()
    evidence_appendix(b)
    return b


def violator_lines(b: FormBuilder) -> None:
    """The violator, as MBB01 and MQĐ02 both list it (Decree 118/2021 Art. 12(4))."""
    b.tag("if is_individual")
    b.line("Họ và tên", "violator_name")
    b.line("Giới tính", "violator_sex")
    b.line("Ngày, tháng, năm sinh", "violator_birth_date")
    b.line("Quốc tịch", "violator_nationality")
    b.line("Nghề nghiệp", "violator_occupation")
    b.line("Nơi ở hiện tại", "violator_address")
    b.line("Số định danh cá nhân/CMND/Hộ chiếu", "violator_id_number")
    b.line("Ngày cấp", "violator_id_issued_on")
    b.line("Nơi cấp", "violator_id_issued_by")
    b.tag("else")
    b.line("Tên tổ chức", "violator_name")
    b.line("Địa chỉ trụ sở chính", "violator_address")
    b.line("Mã số doanh nghiệp", "violator_org_code")
    b.line(
        "Số GCN đăng ký đầu tư/doanh nghiệp hoặc GP thành lập/đăng ký hoạt động "
        "(số, ngày cấp, nơi cấp)",
        "violator_org_registration",
    )
    b.line("Người đại diện theo pháp luật", "violator_representative")
    b.line("Chức danh", "violator_representative_title")
    b.tag("endif")


def evidence_appendix(b: FormBuilder) -> None:
    """Where the site is and the photos the officer chose, each with its trust warnings."""
    b.page_break()
    b.text("PHỤ LỤC: SƠ ĐỒ VỊ TRÍ VÀ ẢNH HIỆN TRƯỜNG", bold=True, align=CENTER)
    b.text(
        "(Kèm theo Biên bản vi phạm hành chính số {{ document_number }})", italic=True, align=CENTER
    )
    b.text("Vị trí: **{{ coordinates }}** (WGS 84); VN-2000: **{{ vn2000 }}**.")
    b.text("{{ sketch }}", align=CENTER)
    b.text(
        "Sơ đồ vị trí (hướng Bắc lên trên, ô lưới 20 m): chấm đỏ – vị trí vi phạm; viền đỏ – "
        "phạm vi công trình; viền xanh – thửa đất theo giấy phép; viền xám – thửa đất lân cận "
        "có giấy phép; nét đứt – ranh giới phường.",
        italic=True,
        size=11,
    )
    b.tag("for photo in photos")
    b.text("{{ photo.image }}", align=CENTER)
    b.text("{{ photo.caption }}", italic=True, size=11)
    b.tag("endfor")
    b.tag("if not photos")
    b.text("{{ no_photos }}", italic=True)
    b.tag("endif")
