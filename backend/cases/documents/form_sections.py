"""The parts the three forms share: header, legal grounds, parties, site, signatures.

The text of an official form is Vietnamese whatever language the page is
shown in, so the wording here is written in Vietnamese, not translated.
"""

from __future__ import annotations

import datetime
from typing import Any

from docx.enum.table import WD_TABLE_ALIGNMENT

from backend.cases.documents.docx_primitives import centred_cell_lines, labelled_line, paragraph
from backend.cases.models import CaseStep, ViolationCase, ViolatorKind
from gis.vn2000 import vn2000_hcmc_position

LEGAL_GROUNDS = (
    "Luật Xử lý vi phạm hành chính ngày 20 tháng 6 năm 2012, được sửa đổi, bổ sung "
    "năm 2020 và năm 2025",
    "Nghị định số 118/2021/NĐ-CP ngày 23 tháng 12 năm 2021 của Chính phủ quy định chi tiết "
    "một số điều và biện pháp thi hành Luật Xử lý vi phạm hành chính",
    "Nghị định số 16/2022/NĐ-CP ngày 28 tháng 01 năm 2022 của Chính phủ quy định xử phạt "
    "vi phạm hành chính về xây dựng",
)


def date_in_words(day: datetime.date | None) -> str:
    if day is None:
        return "ngày ..... tháng ..... năm ......"
    return f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def short_date(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "—"


def clause_of(case: ViolationCase) -> str:
    """'khoản 7 Điều 16' from 'art16_7'."""
    clause = case.violation_type.split("_")[-1]
    return f"khoản {clause} Điều 16 Nghị định số 16/2022/NĐ-CP"


def authority_of(case: ViolationCase) -> str:
    return f"Ủy ban nhân dân {case.ward.name}"


def is_individual(case: ViolationCase) -> bool:
    return case.violator_kind == ViolatorKind.INDIVIDUAL


def form_header(doc: Any, case: ViolationCase, number: str, day: datetime.date | None) -> None:
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    centred_cell_lines(
        left,
        [
            (f"ỦY BAN NHÂN DÂN {case.ward.name.upper()}", True, False),
            ("-------", False, False),
            (f"Số: {number}", False, False),
        ],
    )
    centred_cell_lines(
        right,
        [
            ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True, False),
            ("Độc lập - Tự do - Hạnh phúc", True, False),
            ("---------------", False, False),
            (f"{case.ward.name}, {date_in_words(day)}", False, True),
        ],
    )
    paragraph(doc)


def violator_section(doc: Any, case: ViolationCase) -> None:
    if is_individual(case):
        labelled_line(doc, "Họ và tên", case.violator_name)
        labelled_line(doc, "Ngày, tháng, năm sinh", short_date(case.violator_birth_date))
        labelled_line(doc, "Quốc tịch", "Việt Nam")
        labelled_line(doc, "Nơi ở hiện tại", case.violator_address)
        labelled_line(doc, "Số định danh cá nhân/CMND/Hộ chiếu", case.violator_id_number)
    else:
        labelled_line(doc, "Tên tổ chức", case.violator_name)
        labelled_line(doc, "Địa chỉ trụ sở chính", case.violator_address)
        labelled_line(doc, "Mã số doanh nghiệp", case.violator_org_code)
        labelled_line(doc, "Người đại diện theo pháp luật", case.violator_representative)


def site_section(doc: Any, case: ViolationCase) -> None:
    labelled_line(doc, "Địa điểm xây dựng", case.address)
    labelled_line(
        doc,
        "Thửa đất",
        f"thửa đất số {case.parcel_number or '.....'}, tờ bản đồ số {case.map_sheet or '.....'}",
    )
    labelled_line(
        doc, "Tọa độ (WGS 84)", f"vĩ độ {case.location.y:.6f}, kinh độ {case.location.x:.6f}"
    )
    vn2000 = vn2000_text(case)
    if vn2000:
        labelled_line(doc, "Tọa độ VN-2000 (TP.HCM, kinh tuyến trục 105°45′)", vn2000)
    permit = case.permit
    if permit is not None:
        labelled_line(
            doc,
            "Giấy phép xây dựng",
            f"số {permit.number} ngày {short_date(permit.issued_on)} do {permit.issuing_authority} cấp",
        )
    else:
        labelled_line(doc, "Giấy phép xây dựng", "không có")
    scale = []
    if case.storeys:
        scale.append(f"{case.storeys} tầng")
    if case.floor_area_m2:
        scale.append(f"tổng diện tích sàn {case.floor_area_m2} m²")
    labelled_line(doc, "Quy mô công trình", ", ".join(scale))


def vn2000_text(case: ViolationCase) -> str:
    # Cadastral maps in HCMC are in VN-2000: give both systems.
    position = vn2000_hcmc_position(case.location)
    if position is None:
        return ""
    return f"X = {position.x_northing_m:.2f} m, Y = {position.y_easting_m:.2f} m"


def signature_table(doc: Any, left: list[str], right: list[str]) -> None:
    paragraph(doc)
    table = doc.add_table(rows=1, cols=2)
    centred_cell_lines(
        table.rows[0].cells[0], [(line, i == 0, i == 1) for i, line in enumerate(left)]
    )
    centred_cell_lines(
        table.rows[0].cells[1], [(line, i == 0, i == 1) for i, line in enumerate(right)]
    )


def recipients_section(doc: Any, extra: str) -> None:
    paragraph(doc)
    paragraph(doc, "Nơi nhận:", bold=True, italic=True, size=12)
    lines = ["- Như Điều 2;"]
    lines += [f"- {line.strip(' -;')};" for line in extra.splitlines() if line.strip(" -;")]
    lines.append("- Lưu: VT, hồ sơ.")
    for line in lines:
        paragraph(doc, line, size=11)


def delegation_ground(step: CaseStep, power: str) -> str | None:
    """The ground citing the delegation a vice-chairman signs on (None: the chairman signs)."""
    if step.data.get("signer_title") != "deputy":
        return None
    number = step.data.get("delegation_number") or "....."
    day = step.data.get("delegation_date")
    shown = datetime.date.fromisoformat(day).strftime("%d/%m/%Y") if day else "....."
    return f"Căn cứ Quyết định giao quyền {power} số {number} ngày {shown};"


def signer_lines(step: CaseStep) -> list[str]:
    if step.data.get("signer_title") == "deputy":
        return ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "", "", "", step.signer]
    return ["CHỦ TỊCH", "", "", "", "", step.signer]
