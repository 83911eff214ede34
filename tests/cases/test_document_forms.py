"""Each form, read back from the DOCX, has every field filled or explicitly marked missing.

The table FORM_FIELDS lists, per document, the label the form prints and the
value a fully recorded case puts beside it (Decree 118/2021 Art. 12(4);
LAW.md §4). A sparsely recorded case prints "…………" for each missing value
and lists it in the closing note.
"""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from docx import Document

from backend.cases.documents.context_common import BLANK
from backend.cases.documents.template_files import BUILDERS, body_xml, built_template_body
from backend.cases.documents.templates_in_force import BUILT_IN, REQUIRED_PLACEHOLDERS
from backend.cases.models import Stage
from backend.cases.services.editing import case_update
from tests.cases.conftest import PATHS, open_case, walk
from tests.cases.test_documents import docx, text_of

FACTS = {
    "violator_sex": "male",
    "violator_occupation": "Kinh doanh",
    "violator_id_issued_on": "2021-03-15",
    "violator_id_issued_by": "Cục Cảnh sát quản lý hành chính về trật tự xã hội",
}
RECORD = {
    **FACTS,
    "record_time": "09:15",
    "officer_position": "Công chức địa chính - xây dựng",
    "local_representative": "Lê Văn Tổ, Tổ trưởng tổ dân phố 3",
    "interpreter": "Không",
    "injured_party": "Hộ ông Phạm Văn Kề, số 47",
    "violator_statement": "Tôi xin dừng thi công",
    "witness_statement": "Đúng như biên bản",
    "injured_party_statement": "Tường nhà tôi bị nứt",
    "preventive_measures": "Tạm giữ máy trộn bê tông\nNiêm phong công trường",
    "seized_items": "01 máy trộn bê tông",
    "appointment": "Trụ sở UBND phường, 08 giờ ngày 10/12",
    "end_time": "10:05",
    "pages": "3",
    "copies": "2",
    "handover_time": "10:10",
    "deviation": "Tầng 4 không phép",
}
DECISION = {
    "additional_penalty": "Không",
    "remedy_how": "Tự tháo dỡ, vận chuyển phế thải",
    "cost_reimbursement": "Không phát sinh",
}
ENFORCEMENT = {
    "consequence": "Tầng 4 xây dựng không phép",
    "measures": "Phá dỡ tầng 4 | 05 ngày kể từ ngày cưỡng chế",
    "coordinating_agencies": "Công an phường A",
    "lead": "Phó Chủ tịch UBND phường A",
    "follows_notice": "Thông báo số 3/TB-UBND ngày 01/12/2026",
}

# Per form: the label printed and the value a fully recorded case shows there.
FORM_FIELDS: dict[str, list[tuple[str, str]]] = {
    "MBB01": [
        ("Số:", "1/BB-VPHC"),
        ("Hôm nay, hồi", "09 giờ 15 phút"),
        ("Họ và tên:", "Nguyễn Văn Bình"),
        ("Giới tính:", "Nam"),
        ("Ngày, tháng, năm sinh:", "04/05/1980"),
        ("Quốc tịch:", "Việt Nam"),
        ("Nghề nghiệp:", "Kinh doanh"),
        ("Số định danh cá nhân/CMND/Hộ chiếu:", "079080001234"),
        ("Ngày cấp:", "15/03/2021"),
        ("Nơi cấp:", "Cục Cảnh sát"),
        ("Chức vụ:", "Công chức địa chính - xây dựng"),
        ("Người chứng kiến:", "Trần Thị C"),
        ("Đại diện chính quyền địa phương:", "Lê Văn Tổ"),
        ("Người phiên dịch:", "Không"),
        ("Quy định tại:", "khoản 7 Điều 16"),
        ("Cá nhân, tổ chức bị thiệt hại:", "Hộ ông Phạm Văn Kề"),
        ("Ý kiến trình bày của cá nhân vi phạm", "Tôi xin dừng thi công"),
        ("Ý kiến trình bày của người chứng kiến:", "Đúng như biên bản"),
        ("Ý kiến trình bày của cá nhân, tổ chức bị thiệt hại:", "Tường nhà tôi bị nứt"),
        ("Tang vật, phương tiện", "01 máy trộn bê tông"),
        ("Yêu cầu có mặt", "Trụ sở UBND phường"),
        ("Biên bản lập xong hồi", "10 giờ 05 phút"),
        ("gồm", "03 tờ"),
        ("được lập thành", "02 bản"),
        ("Biên bản đã giao cho", "10 giờ 10 phút"),
        ("Mức độ sai phạm:", "Tầng 4 không phép"),
        ("Thửa đất:", "thửa đất số 345, tờ bản đồ số 12"),
    ],
    "MQD02": [
        ("Số:", "1/QĐ-XPHC"),
        ("Căn cứ", "Điều 70, Điều 78 và Điều 85"),
        ("Giới tính:", "Nam"),
        ("Nghề nghiệp:", "Kinh doanh"),
        ("Tình tiết tăng nặng:", ""),
        # The proposed fine: the midpoint of clause 7's band for an individual (30–40M).
        ("Đối với hành vi 1)", "35.000.000 đồng"),
        ("Tổng mức phạt:", "Ba mươi lăm triệu đồng"),
        ("Hình thức xử phạt bổ sung:", "Không"),
        ("Cách thức thực hiện:", "Tự tháo dỡ"),
        ("Chi phí tổ chức thực hiện", "Không phát sinh"),
        ("tài khoản số", "3511.0.1234567"),
        ("trong thời hạn", "10 ngày kể từ ngày nhận được Quyết định xử phạt"),
        ("XÁC NHẬN GIAO QUYẾT ĐỊNH", "NGƯỜI NHẬN QUYẾT ĐỊNH"),
    ],
    "MQD11": [
        ("Số:", "1/QĐ-CC"),
        ("Căn cứ Quyết định xử phạt", "1/QĐ-XPHC"),
        ("Căn cứ Thông báo", "3/TB-UBND"),
        ("Hành vi vi phạm quy định tại:", "khoản 7 Điều 16"),
        ("Hậu quả phải khắc phục:", "Tầng 4 xây dựng không phép"),
        ("tầng 4; thời hạn:", "thời hạn: 05 ngày kể từ ngày cưỡng chế"),
        ("Cơ quan, tổ chức phối hợp:", "Công an phường A"),
        ("Giao cho", "Phó Chủ tịch UBND phường A"),
        ("Địa điểm cưỡng chế:", "45 Đường Thử"),
    ],
    "REMEDY": [
        ("Số:", "1/QĐ-KPHQ"),
        ("Căn cứ Điều 6, Điều 65 và Điều 66", "Luật Xử lý vi phạm hành chính"),
        ("Căn cứ Biên bản vi phạm hành chính số", "1/BB-VPHC"),
        ("Giới tính:", "Nam"),
        ("Nghề nghiệp:", "Kinh doanh"),
        ("1. Hành vi vi phạm hành chính:", "Xây dựng"),
        ("2. Quy định tại:", "khoản 7 Điều 16"),
        ("3. Địa điểm vi phạm:", "45 Đường Thử"),
        ("Thửa đất:", "thửa đất số 345, tờ bản đồ số 12"),
        ("4. Lý do không ra quyết định xử phạt:", "đã quá thời hạn ra quyết định xử phạt"),
        ("ngày kể từ ngày nhận quyết định này", "trong thời hạn 20 ngày"),
        ("- Sở Xây dựng", "Sở Xây dựng"),
    ],
    "DEMOLISH_NOTICE": [
        ("Số:", "1/TB-UBND"),
        ("Kính gửi:", "Nguyễn Văn Bình"),
        ("Căn cứ Quyết định xử phạt", "1/QĐ-XPHC"),
        ("Căn cứ khoản 2 Điều 81", "Nghị định số 16/2022/NĐ-CP"),
        ("thông báo: do", "hết thời hạn mà không xuất trình giấy phép xây dựng"),
        ("Giới tính:", "Nam"),
        ("Nghề nghiệp:", "Kinh doanh"),
        ("Địa điểm xây dựng:", "45 Đường Thử"),
        ("Thời hạn tự phá dỡ:", "15 ngày"),
        ("Ngày nhận thông báo (theo dấu bưu điện):", "/"),
    ],
    "SITE_CHECK": [
        ("Số:", "1/BB-KT"),
        ("BIÊN BẢN KIỂM TRA", ""),
        ("Sự phù hợp của công trình", "giấy phép xây dựng được cấp"),
        ("- khoản 3 Điều 81 Nghị định số 16/2022/NĐ-CP", ""),
        ("- Quyết định xử phạt", "1/QĐ-XPHC"),
        ("Người lập biên bản:", "inspector_a"),
        ("Giới tính:", "Nam"),
        ("Nghề nghiệp:", "Kinh doanh"),
        ("Địa điểm xây dựng:", "45 Đường Thử"),
        ("Giấy phép xây dựng đã xuất trình:", "số 123/GPXD ngày 10/01/2025 do UBND Phường A cấp"),
        ("Kết quả kiểm tra:", "Tầng 4 vượt phép"),
        ("Kết luận:", "trong thời hạn 15 ngày kể từ ngày lập biên bản này"),
    ],
    "MBB11": [
        ("Số:", "1/BB-CC"),
        ("BIÊN BẢN CƯỠNG CHẾ", ""),
        ("- Quyết định cưỡng chế", "1/QĐ-CC"),
        ("Người lập biên bản:", "inspector_a"),
        ("Giới tính:", "Nam"),
        ("Nghề nghiệp:", "Kinh doanh"),
        ("Địa điểm cưỡng chế:", "45 Đường Thử"),
        ("- Phá dỡ tầng 4", "thời hạn: 05 ngày kể từ ngày cưỡng chế"),
        ("Kết quả thực hiện:", "Đã phá dỡ tầng 4"),
        ("NGƯỜI BỊ CƯỠNG CHẾ", ""),
    ],
    "TRANSFER_HANDOVER": [
        ("Số:", "1/BB-BGHS"),
        ("BIÊN BẢN BÀN GIAO", ""),
        ("Hôm nay, hồi", "14 giờ 00 phút"),
        ("- khoản 5 Điều 58", "Luật Xử lý vi phạm hành chính"),
        ("- Biên bản vi phạm hành chính số", "1/BB-VPHC"),
        ("1. Bên giao:", "Ủy ban nhân dân phường"),
        ("Chức vụ:", "Phó Chủ tịch"),
        ("2. Bên nhận:", "Sở Xây dựng"),
        ("Ông (bà):", "Trần Văn Nhận"),
        ("Giới tính:", "Nam"),
        ("Nghề nghiệp:", "Kinh doanh"),
        ("Hành vi vi phạm quy định tại:", "khoản 7 Điều 16"),
        ("Địa điểm xây dựng:", "45 Đường Thử"),
        ("Lý do chuyển hồ sơ:", "Vượt thẩm quyền"),
        ("Hồ sơ bàn giao gồm:", ""),
        ("- Bản tường trình", "của người vi phạm"),
        ("BÊN NHẬN", ""),
    ],
}
TEMPLATE_KINDS = list(FORM_FIELDS)


# Lines printed only when their data exists (the notice an enforcement follows).
CONDITIONAL = {"Căn cứ Thông báo", "- Bản tường trình"}


def lines_of(content: bytes) -> list[str]:
    return text_of(content).splitlines()


def line_with(lines: list[str], label: str) -> str:
    found = [line for line in lines if label in line]
    assert found, f"the form has no line “{label}”"
    return found[0]


def fully_recorded_case(
    actors: Any, ward_settings: Any, kind: str = "MQD11", record: dict[str, str] = RECORD
) -> Any:
    """A case whose latest document of `kind` has every field; record={}: a sparse one."""
    case = open_case(actors["inspector"], days_ago=120)
    if kind == "REMEDY":
        # Past the period to decide (LXLVPHC Art. 66): the remedy without a fine.
        case = walk(case, [("record_violation", "inspector", record)], actors)
        remedy = {"remedy_days": "20", "recipients": "Sở Xây dựng"}
        return walk(case, [("issue_remedy_decision", "leader", remedy)], actors, gap_days=40)
    if kind == "DEMOLISH_NOTICE":
        steps = [
            ("record_violation", "inspector", record),
            ("issue_sanction_decision", "leader", {"remedy": "legalise", **DECISION}),
            ("serve_decision_legalise", "inspector", {}),
        ]
        case = walk(case, steps, actors)
        failed = [("legalisation_failed", "leader", {})]
        return walk(case, failed, actors, start=case.stage_deadline, gap_days=1)
    if kind == "TRANSFER_HANDOVER":
        handover = {
            "handover_time": "14:00",
            "giver_position": "Phó Chủ tịch UBND phường",
            "receiver_name": "Trần Văn Nhận",
            "receiver_position": "Chánh Thanh tra Sở Xây dựng",
            "other_documents": "Bản tường trình của người vi phạm",
        }
        if not record:
            handover = {}
        steps = [("record_violation", "inspector", record), ("transfer", "leader", handover)]
        return walk(case, steps, actors, gap_days=1)
    if kind == "SITE_CHECK":
        steps = [
            ("record_violation", "inspector", record),
            ("issue_sanction_decision", "leader", {"remedy": "legalise", **DECISION}),
            ("serve_decision_legalise", "inspector", {}),
            ("show_permit", "inspector", {}),
            ("find_nonconforming_part", "inspector", {}),
        ]
        return walk(case, steps, actors, gap_days=3)
    steps = [
        ("record_violation", "inspector", record),
        ("issue_sanction_decision", "leader", {"remedy": "demolish", **DECISION}),
        ("serve_decision_demolish", "inspector", {}),
        ("decide_enforcement", "leader", ENFORCEMENT),
    ]
    if kind == "MBB11":
        steps.append(("record_enforcement", "inspector", {}))
    return walk(case, steps, actors)


@pytest.fixture
def ward_settings(ward_a: Any) -> Any:
    from backend.cases.models import WardDocumentSettings

    return WardDocumentSettings.objects.create(
        ward=ward_a, treasury_account="3511.0.1234567", treasury_name="Kho bạc Nhà nước khu vực II"
    )


@pytest.mark.parametrize("kind", TEMPLATE_KINDS)
def test_every_field_of_a_fully_recorded_form_is_filled(
    api: Any, actors: Any, ward_settings: Any, kind: str
) -> None:
    case = fully_recorded_case(actors, ward_settings, kind)
    response = docx(api, actors["leader"], case, kind)
    assert response.status_code == 200, response.content[:300]
    lines = lines_of(response.content)
    for label, value in FORM_FIELDS[kind]:
        line = line_with(lines, label)
        if value:
            assert value in line or value in "\n".join(lines), (label, line)
    text = "\n".join(lines)
    assert "{{" not in text and "{%" not in text


@pytest.mark.parametrize("kind", TEMPLATE_KINDS)
def test_a_sparse_case_marks_each_missing_field_and_lists_it(
    api: Any, actors: Any, kind: str
) -> None:
    if kind in ("REMEDY", "DEMOLISH_NOTICE", "SITE_CHECK", "MBB11", "TRANSFER_HANDOVER"):
        case = fully_recorded_case(actors, None, kind, record={})
    else:
        case = walk(open_case(actors["inspector"], days_ago=120), PATHS[Stage.ENFORCEMENT], actors)
    lines = lines_of(docx(api, actors["leader"], case, kind).content)
    note = line_with(lines, "chưa có trong hồ sơ điện tử, cần điền trước khi ký")
    missing_somewhere = 0
    for label, _value in FORM_FIELDS[kind]:
        if label in CONDITIONAL:
            continue
        line = line_with(lines, label)
        if BLANK in line:
            missing_somewhere += 1
    assert missing_somewhere >= 2
    expected_in_note = {
        "MBB01": ["giới tính", "nghề nghiệp", "giờ lập biên bản", "số tờ của biên bản"],
        "MQD02": ["Kho bạc", "tình tiết tăng nặng", "cách thức thực hiện"],
        "MQD11": ["hậu quả phải khắc phục", "thời hạn của từng biện pháp", "phối hợp"],
        "REMEDY": ["giới tính", "nghề nghiệp", "ngày cấp giấy tờ"],
        "DEMOLISH_NOTICE": ["giới tính", "nghề nghiệp", "nơi cấp giấy tờ"],
        "SITE_CHECK": ["giới tính", "nghề nghiệp", "ngày cấp giấy tờ"],
        "MBB11": ["giới tính", "nghề nghiệp", "nơi cấp giấy tờ"],
        "TRANSFER_HANDOVER": ["giờ bàn giao", "người nhận hồ sơ", "chức vụ người nhận"],
    }[kind]
    for label in expected_in_note:
        assert label in note, label


def test_the_authority_carries_the_units_kind_from_the_wards_data(
    api: Any, actors: Any, ward_a: Any
) -> None:
    from backend.cases.models import WardDocumentSettings

    ward_a.name = "Bến Thành"
    ward_a.save()
    case = walk(open_case(actors["inspector"], days_ago=20), PATHS[Stage.HALTED], actors)
    unnamed = text_of(docx(api, actors["leader"], case, "MQD02").content)
    assert f"ỦY BAN NHÂN DÂN {BLANK} BẾN THÀNH" in unnamed
    assert "loại đơn vị hành chính" in unnamed

    WardDocumentSettings.objects.create(ward=ward_a, unit_kind="ward")
    text = text_of(docx(api, actors["leader"], case, "MQD02").content)
    assert "ỦY BAN NHÂN DÂN PHƯỜNG BẾN THÀNH" in text
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN PHƯỜNG BẾN THÀNH" in text
    assert "Bến Thành, ngày" in text


@pytest.mark.parametrize("kind", TEMPLATE_KINDS)
def test_documents_follow_decree_30s_page_and_type(
    api: Any, actors: Any, ward_settings: Any, kind: str
) -> None:
    case = fully_recorded_case(actors, ward_settings, kind)
    doc = Document(io.BytesIO(docx(api, actors["leader"], case, kind).content))
    section = doc.sections[0]
    assert round(section.top_margin.mm) == round(section.bottom_margin.mm) == 20
    assert (round(section.left_margin.mm), round(section.right_margin.mm)) == (30, 15)
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    normal = doc.styles["Normal"].font
    assert (normal.name, normal.size.pt) == ("Times New Roman", 14)


def test_the_built_in_templates_are_what_the_builder_writes() -> None:
    for kind in BUILDERS:
        assert body_xml(BUILT_IN[kind].read_bytes()) == built_template_body(kind), (
            f"{kind}: run manage.py build_document_templates"
        )


def test_the_record_prints_a_permit_only_when_confirmed_for_this_case(
    api: Any, actors: Any, ward_a: Any
) -> None:
    from tests.factories import PermitFactory

    PermitFactory(number="NEIGHBOUR-9/GPXD", ward=ward_a)
    unconfirmed = walk(
        open_case(actors["inspector"], days_ago=5, violation_type="art16_6"),
        [("record_violation", "inspector", {})],
        actors,
        gap_days=1,
    )
    assert unconfirmed.permit is not None
    text = text_of(docx(api, actors["inspector"], unconfirmed, "MBB01").content)
    assert "NEIGHBOUR-9/GPXD" not in text
    assert f"Giấy phép xây dựng: {BLANK}" in text

    confirmed = walk(
        open_case(actors["inspector"], days_ago=5, violation_type="art16_6"),
        [("record_violation", "inspector", {"permit_confirmed": True})],
        actors,
        gap_days=1,
    )
    assert "NEIGHBOUR-9/GPXD" in text_of(docx(api, actors["inspector"], confirmed, "MBB01").content)


def test_the_record_lists_the_preventive_measures_recorded_not_a_default(
    api: Any, actors: Any
) -> None:
    none_applied = walk(
        open_case(actors["inspector"], days_ago=5), PATHS[Stage.SUSPENDED], actors, gap_days=1
    )
    text = text_of(docx(api, actors["inspector"], none_applied, "MBB01").content)
    assert "Không áp dụng." in text
    assert "đình chỉ thi công" not in text.lower()

    sealed = walk(
        open_case(actors["inspector"], days_ago=5),
        [("record_violation", "inspector", {"preventive_measures": "Niêm phong công trường"})],
        actors,
        gap_days=1,
    )
    lines = lines_of(docx(api, actors["inspector"], sealed, "MBB01").content)
    assert "- Niêm phong công trường" in lines


def test_the_legalisation_window_is_read_from_the_rule_in_force(api: Any, actors: Any) -> None:
    from backend.cases.models import DeadlineRule

    DeadlineRule.objects.filter(code="legalise_house").update(amount=45)
    case = walk(
        open_case(actors["inspector"], days_ago=20),
        PATHS[Stage.HALTED][:1] + [("issue_sanction_decision", "leader", {"remedy": "legalise"})],
        actors,
        gap_days=2,
    )
    text = text_of(docx(api, actors["leader"], case, "MQD02").content)
    assert "trong thời hạn 45 ngày kể từ ngày ban hành" in text


def test_a_deputys_decision_cites_the_delegation(api: Any, actors: Any) -> None:
    case = walk(
        open_case(actors["inspector"], days_ago=20),
        PATHS[Stage.HALTED][:1]
        + [
            (
                "issue_sanction_decision",
                "leader",
                {
                    "signer_title": "deputy",
                    "delegation_number": "12/QĐ-UBND",
                    "delegation_date": "2026-01-02",
                },
            )
        ],
        actors,
        gap_days=2,
    )
    text = text_of(docx(api, actors["leader"], case, "MQD02").content)
    assert "KT. CHỦ TỊCH" in text and "PHÓ CHỦ TỊCH" in text
    assert "giao quyền xử phạt vi phạm hành chính số 12/QĐ-UBND ngày 02/01/2026" in text


def test_case_facts_the_forms_need_are_editable(actors: Any) -> None:
    case = walk(
        open_case(actors["inspector"], days_ago=5), PATHS[Stage.SUSPENDED], actors, gap_days=1
    )
    updated = case_update(
        actor=actors["inspector"], case=case, changes={"violator_occupation": "Thợ xây"}
    )
    assert updated.violator_occupation == "Thợ xây"


def test_the_template_forms_are_the_generated_document_types() -> None:
    from backend.cases.document_settings import PERIODIC_REPORT_FORM, TEMPLATE_FORMS
    from backend.cases.documents.generation import GENERATED_TYPES
    from backend.cases.models import DocumentType

    # The case documents, then the periodic report's letter (backend.reports.periodic).
    case_forms = tuple(f for f in TEMPLATE_FORMS if f[0] != PERIODIC_REPORT_FORM)
    assert tuple((t.value, t.label) for t in GENERATED_TYPES) == case_forms
    assert len(TEMPLATE_FORMS) == len(case_forms) + 1
    assert {t for t, _label in case_forms} <= set(DocumentType.values)
    assert set(GENERATED_TYPES) == set(BUILDERS) == set(BUILT_IN)
    assert set(REQUIRED_PLACEHOLDERS) == set(GENERATED_TYPES) | {PERIODIC_REPORT_FORM}


ENGLISH_WORDS = re.compile(r"\b(the|of|and|within|days|demolish|permit|individual|ward)\b", re.I)


@pytest.mark.parametrize("kind", TEMPLATE_KINDS)
def test_a_document_made_from_an_english_page_is_in_vietnamese(
    api: Any, actors: Any, ward_settings: Any, kind: str
) -> None:
    # These tests run in English (conftest); the paper that is signed never is.
    case = fully_recorded_case(actors, ward_settings, kind)
    text = text_of(docx(api, actors["leader"], case, kind).content)
    assert not ENGLISH_WORDS.findall(text), [
        line for line in text.splitlines() if ENGLISH_WORDS.search(line)
    ]
