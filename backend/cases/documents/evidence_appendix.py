"""The violation record's appendix: where the site is, and the photos taken there.

Each photo's caption carries when and where it was taken and the start of
its SHA-256, so a printed record points at the stored original.
"""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm

from backend.cases.documents.docx_primitives import paragraph
from backend.cases.documents.form_sections import vn2000_text
from backend.cases.documents.location_sketch import location_sketch_png
from backend.cases.models import ViolationCase
from backend.photos.selectors import case_photos, photo_jpeg

MAX_PHOTOS = 6
# Photos go in at most this size and JPEG quality: sharp on A4, the file stays small.
PHOTO_SIDE_PX = 1200
PHOTO_QUALITY = 80


def evidence_appendix(doc: Any, case: ViolationCase, user: Any) -> None:
    doc.add_page_break()
    paragraph(
        doc, "PHỤ LỤC: SƠ ĐỒ VỊ TRÍ VÀ ẢNH HIỆN TRƯỜNG", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER
    )
    paragraph(
        doc,
        f"Vị trí: vĩ độ {case.location.y:.6f}, kinh độ {case.location.x:.6f} (WGS 84)"
        + (f"; VN-2000: {vn2000_text(case)}" if vn2000_text(case) else ""),
    )
    doc.add_picture(io.BytesIO(location_sketch_png(case, user)), width=Cm(11))
    paragraph(
        doc,
        "Sơ đồ vị trí (hướng Bắc lên trên, ô lưới 20 m): chấm đỏ – vị trí vi phạm; viền đỏ – "
        "phạm vi công trình; viền xanh – thửa đất theo giấy phép; viền xám – thửa đất lân cận "
        "có giấy phép; nét đứt – ranh giới phường.",
        italic=True,
        size=11,
    )
    photos = case_photos(user, case, limit=MAX_PHOTOS)
    if not photos:
        paragraph(doc, "Chưa có ảnh hiện trường trong hồ sơ.", italic=True)
        return
    for index, photo in enumerate(photos, start=1):
        data = photo_jpeg(photo, side_px=PHOTO_SIDE_PX, quality=PHOTO_QUALITY)
        if data is None:
            paragraph(doc, f"Ảnh {index}: không đọc được tệp ảnh.", italic=True)
            continue
        doc.add_picture(io.BytesIO(data), width=Cm(12))
        taken = photo.captured_at or photo.exif_taken_at or photo.uploaded_at
        where = photo.device_location or photo.exif_location
        caption = (
            f"Ảnh {index}: chụp lúc {timezone.localtime(taken):%H:%M %d/%m/%Y}"
            if taken
            else f"Ảnh {index}"
        )
        if where is not None:
            caption += f"; vị trí {where.y:.6f}, {where.x:.6f}"
        caption += f"; SHA-256 {photo.sha256[:16]}…"
        paragraph(doc, caption, italic=True, size=11)
