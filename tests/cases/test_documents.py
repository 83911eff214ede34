"""The generated DOCX holds the case's data; a form lacking data is refused with a list."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.utils import timezone
from docx import Document
from PIL import Image

from backend.cases.documents.location_sketch import location_sketch_png
from backend.cases.documents.number_words import money_in_words, number_in_words
from backend.cases.models import Stage, ViolationCase
from backend.cases.services.editing import case_update
from backend.cases.services.transition import case_transition
from backend.wards.models import Ward
from tests.cases.conftest import PATHS, SITE, open_case, walk


def text_of(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def docx(api: Any, user: Any, case: Any, kind: str) -> Any:
    return api(user, "en").get(f"/api/cases/{case.pk}/documents/{kind}/")


def photo_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 60, 40)).save(out, "JPEG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "không"),
        (15, "mười lăm"),
        (21, "hai mươi mốt"),
        # num2words writes "lẻ" (southern usage) where the old tables wrote "linh";
        # both are standard Vietnamese for a zero tens digit.
        (105, "một trăm lẻ năm"),
        (1_250_000, "một triệu hai trăm năm mươi nghìn"),
        # It drops the "không trăm" of an empty hundreds group: still unambiguous.
        (1_005_000, "một triệu năm nghìn"),
        (115_500_000, "một trăm mười lăm triệu năm trăm nghìn"),
        (40_000_000, "bốn mươi triệu"),
        (2_000_000_000, "hai tỷ"),
    ],
)
def test_amounts_in_vietnamese_words(n: int, words: str) -> None:
    assert number_in_words(n) == words


def test_money_in_words_is_capitalised() -> None:
    assert money_in_words(5_000_000) == "Năm triệu đồng"


def test_the_violation_record_holds_the_case_its_photos_and_its_position(
    api: Any, actors: Any, media: Any
) -> None:
    from backend.photos.services import photo_ingest

    case = open_case(actors["inspector"], days_ago=5)
    photo_ingest(
        actor=actors["inspector"],
        case=case,
        data=photo_bytes(),
        filename="site.jpg",
        device_lat=SITE.y,
        device_lon=SITE.x,
        device_accuracy_m=5,
    )
    case = walk(case, PATHS[Stage.SUSPENDED], actors, gap_days=1)

    response = docx(api, actors["inspector"], case, "MBB01")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f"{case.code}-MBB01-1.docx" in response["Content-Disposition"]
    text = text_of(response.content)
    for expected in (
        "BIÊN BẢN VI PHẠM HÀNH CHÍNH",
        "Số: 1/BB-VPHC",
        "Nguyễn Văn Bình",
        "04/05/1980",
        "079080001234",
        "45 Đường Thử, Phường A",
        "khoản 7 Điều 16 Nghị định số 16/2022/NĐ-CP",
        "thửa đất số 345, tờ bản đồ số 12",
        "vĩ độ 10.770000, kinh độ 106.690000",
        "Xây dựng nhà ở 4 tầng không có giấy phép",
        "dừng ngay việc thi công",
        "02 ngày làm việc",
        "ỦY BAN NHÂN DÂN PHƯỜNG A",
        "Trần Thị C",
    ):
        assert expected in text, expected
    assert "Ảnh 1: chụp lúc" in text
    images = Document(io.BytesIO(response.content)).inline_shapes
    assert len(images) == 2  # the location sketch and the photo


def test_the_sanction_decision_holds_the_fine_the_remedy_and_the_record(
    api: Any, actors: Any
) -> None:
    case = walk(
        open_case(actors["inspector"], days_ago=20), PATHS[Stage.HALTED], actors, gap_days=2
    )
    text = text_of(docx(api, actors["leader"], case, "MQD02").content)
    for expected in (
        "Số: 1/QĐ-XPHC",
        "Xử phạt vi phạm hành chính",
        # Clause 7, an individual house, an individual: the midpoint of 30–40M.
        "35.000.000 đồng",
        "Ba mươi lăm triệu đồng",
        "Buộc phá dỡ",
        "15 ngày",
        "Biên bản vi phạm hành chính số 1/BB-VPHC",
        "Nguyễn Văn Bình",
        "CHỦ TỊCH",
        str(actors["leader"]),
    ):
        assert expected in text, expected


def test_the_enforcement_decision_cites_the_sanction_decision(api: Any, actors: Any) -> None:
    case = walk(open_case(actors["inspector"], days_ago=120), PATHS[Stage.ENFORCEMENT], actors)
    text = text_of(docx(api, actors["leader"], case, "mqd11").content)
    for expected in (
        "Số: 1/QĐ-CCXP",
        "Cưỡng chế",
        "Quyết định xử phạt vi phạm hành chính số 1/QĐ-XPHC",
        "Cưỡng chế phá dỡ tầng 4",
    ):
        assert expected in text, expected


def test_a_document_lacking_data_lists_what_to_fill_in(api: Any, actors: Any) -> None:
    case = open_case(actors["inspector"], days_ago=5)
    before = docx(api, actors["inspector"], case, "MBB01")
    assert before.status_code == 400
    assert before.json()["missing"] == ["the violation record (make it first)"]

    case = case_transition(
        actor=actors["inspector"],
        case=case,
        action="record_violation",
        data={
            "occurred_on": timezone.localdate().isoformat(),
            "violator_name": "Công ty TNHH Xây Dựng Thử",
            "violator_kind": "organisation",
            "violator_address": "1 Nguyễn Huệ",
            "address": "45 Đường Thử",
            "conduct": "Xây dựng sai giấy phép",
        },
    )
    refused = docx(api, actors["inspector"], case, "MBB01")
    assert refused.status_code == 400
    assert refused.json()["missing"] == ["the enterprise code", "the legal representative"]
    assert "enterprise code" in refused.json()["detail"]

    case_update(
        actor=actors["inspector"],
        case=case,
        changes={"violator_org_code": "0312345678", "violator_representative": "Phạm Văn E"},
    )
    made = docx(api, actors["inspector"], case, "MBB01")
    assert made.status_code == 200
    assert "Mã số doanh nghiệp: 0312345678" in text_of(made.content)


def test_documents_go_through_case_access(
    api: Any, actors: Any, inspector_b: Any, auditor: Any
) -> None:
    case = walk(
        open_case(actors["inspector"], days_ago=5), PATHS[Stage.SUSPENDED], actors, gap_days=1
    )
    assert docx(api, inspector_b, case, "MBB01").status_code == 404
    assert docx(api, auditor, case, "MBB01").status_code == 200
    assert docx(api, actors["inspector"], case, "MBB11").status_code == 400


def test_the_location_sketch_is_an_image_drawn_offline(actors: Any) -> None:
    case = open_case(actors["inspector"])
    image = Image.open(io.BytesIO(location_sketch_png(case)))
    assert image.size == (900, 900)
    assert image.getpixel((450, 450)) != (255, 255, 255)  # the site's marker


def test_documents_still_generate_when_stored_text_holds_control_characters(
    api: Any, actors: Any
) -> None:
    # Rows stored before input refused control characters; XML cannot hold them.
    case = open_case(actors["inspector"], days_ago=5)
    case = walk(case, PATHS[Stage.SUSPENDED], actors, gap_days=1)
    ViolationCase.objects.filter(pk=case.pk).update(
        violator_name="Nguyễn\x01 Văn\x1b Bình", address="45\x0b Đường Thử\x7f"
    )
    Ward.objects.filter(pk=case.ward_id).update(name="Phường\x0c A")

    response = docx(api, actors["inspector"], case, "MBB01")

    assert response.status_code == 200, response.content[:300]
    text = text_of(response.content)
    assert "Nguyễn Văn Bình" in text and "45 Đường Thử" in text
    assert "ỦY BAN NHÂN DÂN PHƯỜNG A" in text
