"""The register's columns, as ward offices head them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from backend.core.tabular import FieldSpec

PERMIT_FIELDS: list[FieldSpec] = [
    FieldSpec(
        "number",
        _("Permit number"),
        ("Số giấy phép", "Số GPXD", "Số GP", "Giấy phép số", "Số hiệu giấy phép"),
        required=True,
    ),
    FieldSpec(
        "issued_on",
        _("Issue date"),
        ("Ngày cấp", "Ngày cấp phép", "Ngày cấp giấy phép", "Ngày ký"),
        required=True,
    ),
    FieldSpec(
        "holder_name",
        _("Permit holder"),
        ("Chủ đầu tư", "Tên chủ đầu tư", "Chủ hộ", "Người được cấp phép", "Chủ công trình"),
        required=True,
    ),
    FieldSpec(
        "address",
        _("Works address"),
        ("Địa chỉ công trình", "Địa điểm xây dựng", "Địa chỉ xây dựng", "Địa chỉ"),
        required=True,
    ),
    FieldSpec("issuing_authority", _("Issuing authority"), ("Cơ quan cấp", "Cơ quan cấp phép")),
    FieldSpec("expires_on", _("Expiry date"), ("Ngày hết hạn", "Thời hạn giấy phép", "Hết hạn")),
    FieldSpec("map_sheet", _("Map sheet no."), ("Số tờ", "Tờ bản đồ số", "Tờ bản đồ", "Tờ số")),
    FieldSpec("parcel_number", _("Parcel no."), ("Số thửa", "Thửa đất số", "Thửa số", "Thửa")),
    FieldSpec(
        "permitted_footprint_m2",
        _("Building footprint (m²)"),
        ("Diện tích xây dựng", "Diện tích XD", "DTXD"),
    ),
    FieldSpec(
        "permitted_floor_area_m2",
        _("Total floor area (m²)"),
        ("Tổng diện tích sàn", "Diện tích sàn", "Tổng DT sàn"),
    ),
    FieldSpec("permitted_storeys", _("Storeys"), ("Số tầng", "Tầng cao")),
    FieldSpec("permitted_height_m", _("Height (m)"), ("Chiều cao", "Chiều cao công trình")),
    FieldSpec("x", _("X (VN-2000, northing)"), ("Tọa độ X", "X", "Tọa độ X VN-2000")),
    FieldSpec("y", _("Y (VN-2000, easting)"), ("Tọa độ Y", "Y", "Tọa độ Y VN-2000")),
    FieldSpec("lat", _("Latitude"), ("Vĩ độ", "Latitude", "Lat")),
    FieldSpec("lon", _("Longitude"), ("Kinh độ", "Longitude", "Lon", "Lng")),
]

FIELD_KEYS = [spec.key for spec in PERMIT_FIELDS]
