"""The backlog register's columns, as ward offices head them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from backend.core.tabular import FieldSpec

CASE_FIELDS: list[FieldSpec] = [
    FieldSpec("case_code", _("Case code in the register"), ("Mã hồ sơ", "Số hồ sơ", "Mã vụ việc")),
    FieldSpec("ward", _("Ward"), ("Phường", "Mã phường", "Phường xã", "Đơn vị hành chính")),
    FieldSpec(
        "violation_type",
        _("Clause of Art. 16 (Decree 16/2022)"),
        ("Hành vi (khoản)", "Hành vi", "Khoản", "Điều khoản vi phạm", "Điều khoản"),
        required=True,
    ),
    FieldSpec(
        "conduct",
        _("The violating conduct"),
        ("Nội dung vi phạm", "Hành vi vi phạm", "Mô tả vi phạm", "Mô tả hành vi"),
    ),
    FieldSpec(
        "detected_on",
        _("Detection date"),
        ("Ngày phát hiện", "Ngày phát hiện vi phạm", "Ngày kiểm tra"),
    ),
    FieldSpec(
        "violator_name",
        _("Violator"),
        (
            "Người vi phạm",
            "Tên người vi phạm",
            "Họ tên người vi phạm",
            "Tổ chức, cá nhân vi phạm",
            "Người vi phạm Họ tên",
            "Người vi phạm Họ và tên",
        ),
        required=True,
    ),
    FieldSpec(
        "violator_kind",
        _("Individual or organisation"),
        ("Cá nhân/Tổ chức", "Loại đối tượng", "Đối tượng", "Người vi phạm Loại"),
    ),
    FieldSpec(
        "violator_address",
        _("Violator's address"),
        (
            "Địa chỉ người vi phạm",
            "Nơi cư trú",
            "Địa chỉ thường trú",
            "Trụ sở",
            "Người vi phạm Địa chỉ",
        ),
    ),
    FieldSpec(
        "violator_id_number",
        _("ID card number"),
        ("Số CCCD", "CCCD", "Số định danh", "Số CMND", "CMND/CCCD", "Người vi phạm Số CCCD"),
    ),
    FieldSpec("violator_birth_date", _("Date of birth"), ("Ngày sinh", "Người vi phạm Ngày sinh")),
    FieldSpec("violator_org_code", _("Enterprise code"), ("Mã số doanh nghiệp", "Mã số thuế")),
    FieldSpec(
        "violator_representative",
        _("Legal representative"),
        ("Người đại diện", "Người đại diện theo pháp luật"),
    ),
    FieldSpec(
        "address",
        _("Site address"),
        ("Địa chỉ công trình", "Địa điểm vi phạm", "Địa chỉ vi phạm", "Địa chỉ"),
        required=True,
    ),
    FieldSpec("works_class", _("Works class"), ("Loại công trình",)),
    FieldSpec("map_sheet", _("Map sheet no."), ("Số tờ", "Tờ bản đồ số", "Tờ bản đồ")),
    FieldSpec("parcel_number", _("Parcel no."), ("Số thửa", "Thửa đất số", "Thửa")),
    FieldSpec("storeys", _("Storeys"), ("Số tầng", "Tầng cao")),
    FieldSpec("floor_area_m2", _("Floor area (m²)"), ("Diện tích sàn", "Tổng diện tích sàn")),
    FieldSpec("x", _("X (VN-2000, northing)"), ("Tọa độ X", "X", "Tọa độ X VN-2000")),
    FieldSpec("y", _("Y (VN-2000, easting)"), ("Tọa độ Y", "Y", "Tọa độ Y VN-2000")),
    FieldSpec("lat", _("Latitude"), ("Vĩ độ", "Latitude", "Lat")),
    FieldSpec("lon", _("Longitude"), ("Kinh độ", "Longitude", "Lon", "Lng")),
    FieldSpec(
        "record_number",
        _("Record number"),
        ("Số biên bản", "Biên bản số", "Số BB", "Số biên bản vi phạm", "Biên bản vi phạm số"),
    ),
    FieldSpec(
        "record_on",
        _("Record date"),
        (
            "Ngày lập biên bản",
            "Ngày biên bản",
            "Ngày lập BB",
            "Biên bản ngày",
            "Biên bản ngày lập",
            "Biên bản vi phạm ngày",
        ),
    ),
    FieldSpec("recorded_by", _("Record made by"), ("Người lập biên bản",)),
    FieldSpec(
        "decision_number",
        _("Decision number"),
        (
            "Số quyết định",
            "Quyết định số",
            "Số QĐ",
            "Số quyết định xử phạt",
            "Quyết định xử phạt số",
        ),
    ),
    FieldSpec(
        "decision_on",
        _("Decision date"),
        (
            "Ngày quyết định",
            "Ngày ra quyết định",
            "Ngày ban hành quyết định",
            "Ngày QĐ",
            "Quyết định ngày",
            "Quyết định xử phạt ngày",
        ),
    ),
    FieldSpec(
        "fine_amount",
        _("Fine (VND)"),
        ("Số tiền phạt", "Mức phạt", "Tiền phạt", "Quyết định xử phạt số tiền phạt"),
    ),
    FieldSpec(
        "factors",
        _("Mitigating or aggravating circumstances"),
        ("Tình tiết", "Tình tiết giảm nhẹ, tăng nặng", "Tình tiết tăng nặng, giảm nhẹ"),
    ),
    FieldSpec(
        "remedy",
        _("Remedy"),
        ("Biện pháp khắc phục", "Biện pháp khắc phục hậu quả", "Biện pháp"),
    ),
    FieldSpec(
        "remedy_days",
        _("Days given to demolish"),
        ("Thời hạn tự phá dỡ", "Số ngày tự phá dỡ", "Thời hạn phá dỡ"),
    ),
    FieldSpec("signer", _("Decision signed by"), ("Người ký quyết định", "Người ký")),
    FieldSpec("signer_title", _("Signs as"), ("Chức vụ người ký", "Chức vụ")),
    FieldSpec(
        "delegation_number",
        _("Delegation decision no. (vice-chairman signing)"),
        ("Số quyết định ủy quyền", "Số QĐ ủy quyền", "Quyết định ủy quyền số", "Số QĐ giao quyền"),
    ),
    FieldSpec(
        "delegation_date",
        _("Delegation decision date (vice-chairman signing)"),
        ("Ngày quyết định ủy quyền", "Ngày QĐ ủy quyền", "Ngày QĐ giao quyền"),
    ),
    FieldSpec(
        "served_on",
        _("Date the decision was served"),
        ("Ngày giao quyết định", "Ngày giao", "Ngày giao nhận quyết định"),
    ),
    FieldSpec("service_method", _("How it was served"), ("Hình thức giao", "Phương thức giao")),
    FieldSpec(
        "received_on",
        _("Date of receipt"),
        ("Ngày nhận quyết định", "Ngày nhận", "Ngày nhận được quyết định"),
    ),
]

# The steps after the record and the decision (backend.cases.importing.later_steps).
CASE_FIELDS += [
    FieldSpec(
        "decision_kind",
        _("Kind of decision"),
        ("Loại quyết định", "Hình thức quyết định"),
    ),
    FieldSpec(
        "no_fine_reason",
        _("Why no fine is imposed"),
        ("Lý do không phạt tiền", "Lý do không xử phạt", "Lý do không áp dụng phạt tiền"),
    ),
    FieldSpec(
        "transfer_on",
        _("Date the case was transferred"),
        ("Ngày chuyển hồ sơ", "Ngày chuyển", "Ngày bàn giao hồ sơ"),
    ),
    FieldSpec(
        "handover_number",
        _("Handover record number"),
        ("Số biên bản bàn giao", "Biên bản bàn giao số", "Số biên bản bàn giao hồ sơ"),
    ),
    FieldSpec(
        "transfer_authority",
        _("Transferred to"),
        ("Chuyển đến", "Cơ quan tiếp nhận", "Nơi chuyển hồ sơ", "Chuyển hồ sơ đến"),
    ),
    FieldSpec(
        "transfer_reason",
        _("Reason for the transfer"),
        ("Lý do chuyển hồ sơ", "Lý do chuyển"),
    ),
    FieldSpec(
        "permit_number",
        _("Number of the permit obtained"),
        ("Số giấy phép được cấp", "Số GPXD được cấp", "Giấy phép xây dựng số", "Số GPXD"),
    ),
    FieldSpec(
        "permit_date",
        _("Date the permit was issued"),
        ("Ngày cấp giấy phép", "Ngày cấp GPXD", "Ngày cấp phép"),
    ),
    FieldSpec(
        "permit_issuer",
        _("Permit issued by"),
        ("Cơ quan cấp phép", "Nơi cấp giấy phép", "Cơ quan cấp GPXD"),
    ),
    FieldSpec(
        "permit_shown_on",
        _("Date the permit was shown"),
        ("Ngày xuất trình giấy phép", "Ngày nộp giấy phép"),
    ),
    FieldSpec(
        "notice_number",
        _("Notice to self-demolish: number"),
        ("Số thông báo tự phá dỡ", "Thông báo tự phá dỡ số", "Số thông báo phá dỡ"),
    ),
    FieldSpec(
        "notice_on",
        _("Notice to self-demolish: date"),
        ("Ngày thông báo tự phá dỡ", "Ngày thông báo phá dỡ"),
    ),
    FieldSpec(
        "notice_reason",
        _("Why the notice was sent"),
        ("Lý do thông báo tự phá dỡ", "Lý do thông báo"),
    ),
    FieldSpec(
        "notice_delivery",
        _("How the notice was delivered"),
        ("Hình thức gửi thông báo", "Phương thức gửi thông báo"),
    ),
    FieldSpec(
        "notice_delivered_on",
        _("Postmark date, or date of the handover record"),
        ("Ngày nhận thông báo", "Ngày bưu điện", "Ngày giao thông báo"),
    ),
    FieldSpec("notice_signer", _("Notice signed by"), ("Người ký thông báo",)),
    FieldSpec(
        "enforcement_number",
        _("Enforcement decision number"),
        ("Số quyết định cưỡng chế", "Quyết định cưỡng chế số", "Số QĐ cưỡng chế"),
    ),
    FieldSpec(
        "enforcement_on",
        _("Enforcement decision date"),
        ("Ngày quyết định cưỡng chế", "Ngày QĐ cưỡng chế", "Quyết định cưỡng chế ngày"),
    ),
    FieldSpec(
        "enforcement_measures",
        _("What is to be enforced"),
        ("Nội dung cưỡng chế", "Biện pháp cưỡng chế"),
    ),
    FieldSpec(
        "enforcement_planned_on",
        _("Planned enforcement date"),
        ("Ngày dự kiến cưỡng chế", "Ngày cưỡng chế dự kiến"),
    ),
    FieldSpec(
        "enforcement_signer",
        _("Enforcement decision signed by"),
        ("Người ký quyết định cưỡng chế",),
    ),
    FieldSpec(
        "enforced_number",
        _("Enforcement record number"),
        ("Số biên bản cưỡng chế", "Biên bản cưỡng chế số"),
    ),
    FieldSpec(
        "enforced_on",
        _("Date of enforcement"),
        ("Ngày cưỡng chế", "Ngày thực hiện cưỡng chế", "Ngày lập biên bản cưỡng chế"),
    ),
    FieldSpec(
        "enforcement_result",
        _("What was done"),
        ("Kết quả cưỡng chế", "Kết quả thực hiện cưỡng chế"),
    ),
]

FIELD_KEYS = [spec.key for spec in CASE_FIELDS]
LABELS = {spec.key: spec.label for spec in CASE_FIELDS}
