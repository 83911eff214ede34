"""What MBB01, the violation record, and its evidence appendix are filled with.

From the case's facts and the record step (Decree 118/2021 Art. 12(4);
LAW.md §4): the time and place, the officer, witnesses and interpreter, the
violator, the conduct and clause, statements, the stop order, the preventive
measures actually recorded, seized items, the right to explain, pages,
copies and handover; then the location sketch and the photos the officer chose.
"""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone, translation
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage

from backend.cases.documents.context_common import (
    DECREE_16,
    DECREE_118,
    LAW_ON_VIOLATIONS,
    Blanks,
    authority_context,
    clause_of,
    clean,
    date_in_words,
    short_date,
    text_lines,
    time_in_words,
    violator_context,
)
from backend.cases.documents.location_sketch import location_sketch_png
from backend.cases.models import CaseStep, ViolationCase, ViolationType
from backend.permits.models import WorksClass
from backend.photos.selectors import case_photos_chosen, photo_jpeg, photo_warning_texts
from gis.vn2000 import vn2000_hcmc_position

# The right to explain: a request for a hearing within 2 working days, a
# written explanation within 5 (LXLVPHC Art. 61(2); form MBB01, note 12).
HEARING_REQUEST_WD = 2
WRITTEN_EXPLANATION_WD = 5
# Photos go in at most this size and JPEG quality: sharp on A4, the file stays small.
PHOTO_SIDE_PX = 1200
PHOTO_QUALITY = 80


def vn2000_text(case: ViolationCase) -> str:
    # Cadastral maps in HCMC are in VN-2000: give both systems.
    position = vn2000_hcmc_position(case.location)
    if position is None:
        return ""
    return f"X = {position.x_northing_m:.2f} m, Y = {position.y_easting_m:.2f} m"


def permit_text(case: ViolationCase, step: CaseStep, blanks: Blanks) -> str:
    """Only a permit the officer confirmed as this site's: the nearest one may be a neighbour's."""
    permit = case.permit
    if permit is not None and step.data.get("permit_confirmed"):
        return clean(
            f"số {permit.number} ngày {short_date(permit.issued_on)} do "
            f"{permit.issuing_authority} cấp"
        )
    if case.violation_type == ViolationType.CLAUSE_7:
        return "không có"
    return blanks.fill("", "giấy phép xây dựng của công trình (chưa được xác nhận)")


def site_context(case: ViolationCase, step: CaseStep, blanks: Blanks) -> dict[str, Any]:
    f = blanks.fill
    scale = []
    if case.storeys:
        scale.append(f"{case.storeys} tầng")
    if case.floor_area_m2:
        scale.append(f"tổng diện tích sàn {case.floor_area_m2} m²")
    with translation.override("vi"):
        works_class = str(WorksClass(case.works_class).label)
    return {
        "site_address": f(case.address, "địa điểm xây dựng"),
        "parcel": (
            f"thửa đất số {f(case.parcel_number, 'số thửa đất')}, "
            f"tờ bản đồ số {f(case.map_sheet, 'số tờ bản đồ')}"
        ),
        "coordinates": f"vĩ độ {case.location.y:.6f}, kinh độ {case.location.x:.6f}",
        "vn2000": f(vn2000_text(case), "tọa độ VN-2000"),
        "permit": permit_text(case, step, blanks),
        "works_class": works_class,
        "scale": f(", ".join(scale), "quy mô công trình (số tầng, diện tích sàn)"),
        "deviation": f(step.data.get("deviation"), "mức độ sai phạm"),
    }


def record_context(
    tpl: DocxTemplate, case: ViolationCase, step: CaseStep, user: Any, photo_ids: list[int] | None
) -> dict[str, Any]:
    blanks = Blanks()
    f = blanks.fill
    data = step.data
    detected = short_date(timezone.localdate(case.detected_at))
    context: dict[str, Any] = {
        **authority_context(case, blanks),
        **violator_context(case, blanks),
        **site_context(case, step, blanks),
        "document_number": f(step.document_number, "số biên bản"),
        "date_in_words": date_in_words(step.occurred_on),
        "record_date_words": date_in_words(step.occurred_on),
        "record_time": f(time_in_words(data.get("record_time")), "giờ lập biên bản"),
        "record_place": f(data.get("record_place") or case.address, "nơi lập biên bản"),
        "off_site_reason": clean(data.get("off_site_reason") or ""),
        "grounds": [
            LAW_ON_VIOLATIONS,
            DECREE_118,
            DECREE_16,
            f"Kết quả kiểm tra hiện trường ngày {detected} (hồ sơ {case.code})",
        ],
        "officer_name": f(step.signer, "người lập biên bản"),
        "officer_position": f(data.get("officer_position"), "chức vụ người lập biên bản"),
        "witnesses": f(data.get("witnesses"), "người chứng kiến"),
        "local_representative": f(
            data.get("local_representative"), "đại diện chính quyền địa phương"
        ),
        "interpreter": f(data.get("interpreter"), "người phiên dịch (ghi “Không” nếu không có)"),
        "conduct": f(data.get("conduct"), "hành vi vi phạm"),
        "clause": clause_of(case),
        "injured_party": f(data.get("injured_party"), "cá nhân, tổ chức bị thiệt hại"),
        "violator_statement": f(data.get("violator_statement"), "ý kiến của người vi phạm"),
        "witness_statement": f(data.get("witness_statement"), "ý kiến của người chứng kiến"),
        "injured_party_statement": f(
            data.get("injured_party_statement"), "ý kiến của người bị thiệt hại"
        ),
        # What the officer recorded; the field says that empty means none was applied.
        "preventive_measures": text_lines(data.get("preventive_measures")) or ["Không áp dụng."],
        "seized_items": clean(data.get("seized_items") or "") or "Không",
        "hearing_request_days": f"{HEARING_REQUEST_WD:02d}",
        "written_explanation_days": f"{WRITTEN_EXPLANATION_WD:02d}",
        "appointment": f(data.get("appointment"), "thời gian, địa điểm có mặt giải quyết vụ việc"),
        "end_time": f(time_in_words(data.get("end_time")), "giờ lập xong biên bản"),
        "pages": f(f"{data['pages']:02d}" if data.get("pages") else "", "số tờ của biên bản"),
        "copies": f(f"{data['copies']:02d}" if data.get("copies") else "", "số bản"),
        "handover_time": f(
            f"{time_in_words(data.get('handover_time'))}, {date_in_words(step.occurred_on)}"
            if data.get("handover_time")
            else "",
            "giờ giao biên bản",
        ),
        "refusal_reason": (
            f(data.get("refusal_reason"), "lý do không ký biên bản")
            if data.get("violator_signed") is False
            else ""
        ),
        "note": clean(step.note or ""),
        "sketch": InlineImage(tpl, io.BytesIO(location_sketch_png(case, user)), width=Mm(110)),
        "photos": photo_items(tpl, case, user, photo_ids),
        "no_photos": "Không có ảnh hiện trường được chọn đưa vào biên bản.",
    }
    context["blanks"] = blanks.labels
    return context


def photo_items(
    tpl: DocxTemplate, case: ViolationCase, user: Any, photo_ids: list[int] | None
) -> list[dict[str, Any]]:
    items = []
    for index, photo in enumerate(case_photos_chosen(user, case, photo_ids), start=1):
        data = photo_jpeg(photo, side_px=PHOTO_SIDE_PX, quality=PHOTO_QUALITY)
        image: Any = (
            InlineImage(tpl, io.BytesIO(data), width=Mm(120))
            if data
            else "(không đọc được tệp ảnh)"
        )
        items.append({"image": image, "caption": photo_caption(index, photo)})
    return items


def photo_caption(index: int, photo: Any) -> str:
    """When, where, how far and how sure, the hash, and every trust warning."""
    parts = []
    taken = photo.captured_at or photo.exif_taken_at or photo.uploaded_at
    if taken:
        parts.append(f"chụp lúc {timezone.localtime(taken):%H:%M %d/%m/%Y}")
    where = photo.device_location or photo.exif_location
    if where is not None:
        position = f"vị trí {where.y:.6f}, {where.x:.6f}"
        if photo.device_location is not None and photo.device_accuracy_m is not None:
            position += f" (sai số ±{photo.device_accuracy_m:.0f} m)"
        parts.append(position)
    distance = (
        photo.exif_distance_m if photo.exif_distance_m is not None else photo.device_distance_m
    )
    if distance is not None:
        parts.append(f"cách vị trí vi phạm {distance:.0f} m")
    parts.append(f"SHA-256 {photo.sha256[:16]}…")
    with translation.override("vi"):
        warnings = photo_warning_texts(photo)
    caption = f"Ảnh {index}: " + "; ".join(parts) + "."
    if warnings:
        caption += " Cảnh báo: " + " ".join(warnings)
    return clean(caption)
