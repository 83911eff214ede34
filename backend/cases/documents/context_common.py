"""What every form's template is filled with: the authority, dates, the violator, the signer.

The text of an official form is Vietnamese whatever language the page is
shown in, so the wording here is written in Vietnamese, not translated.
A value the case does not hold is printed "…………" and its label listed in
the form's closing note (Blanks), so a blank is always explicit.
"""

from __future__ import annotations

import datetime
from typing import Any

from backend.cases.models import CaseStep, ViolationCase, ViolatorKind, WardDocumentSettings
from backend.cases.violator_facts import Sex
from backend.core.control_characters import without_control_characters

BLANK = "…………"
SEX_WORDS: dict[str, str] = {Sex.MALE: "Nam", Sex.FEMALE: "Nữ"}

# How the kind of unit is written before its name (Decree 30/2020/NĐ-CP, App. I, item 3).
UNIT_WORDS = {"ward": "phường", "commune": "xã", "special_zone": "đặc khu"}

LAW_ON_VIOLATIONS = (
    "Luật Xử lý vi phạm hành chính ngày 20 tháng 6 năm 2012; Luật sửa đổi, bổ sung một số "
    "điều của Luật Xử lý vi phạm hành chính ngày 13 tháng 11 năm 2020 và Luật số 88/2025/QH15"
)
DECREE_118 = (
    "Nghị định số 118/2021/NĐ-CP ngày 23 tháng 12 năm 2021 của Chính phủ quy định chi tiết "
    "một số điều và biện pháp thi hành Luật Xử lý vi phạm hành chính, được sửa đổi, bổ sung"
)
DECREE_16 = (
    "Nghị định số 16/2022/NĐ-CP ngày 28 tháng 01 năm 2022 của Chính phủ quy định xử phạt vi "
    "phạm hành chính về xây dựng"
)
DECREE_189 = (
    "Nghị định số 189/2025/NĐ-CP của Chính phủ quy định chi tiết Luật Xử lý vi phạm hành "
    "chính về thẩm quyền xử phạt vi phạm hành chính"
)


class Blanks:
    """Collects the labels of what a form prints as blank."""

    def __init__(self) -> None:
        self.labels: list[str] = []

    def fill(self, value: Any, label: str) -> str:
        if value is None or value == "" or value == []:
            if label not in self.labels:
                self.labels.append(label)
            return BLANK
        return clean(value)


def clean(value: Any) -> str:
    # Rows stored before input refused control characters may hold them; XML cannot.
    return without_control_characters(str(value))


def date_in_words(day: datetime.date | None) -> str:
    if day is None:
        return "ngày ….. tháng ….. năm ….."
    return f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def time_in_words(hhmm: Any) -> str:
    """ "14 giờ 30 phút" from "14:30"; empty when not recorded."""
    if not hhmm or ":" not in str(hhmm):
        return ""
    hours, minutes = str(hhmm).split(":")[:2]
    return f"{int(hours):02d} giờ {int(minutes):02d} phút"


def text_lines(text: Any) -> list[str]:
    """A textarea's lines, without list marks, each cleaned."""
    return [clean(line.strip(" -;")) for line in str(text or "").splitlines() if line.strip(" -;")]


def short_date(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def unit_kind_of(ward: Any) -> tuple[str, str]:
    """(kind word, bare name): "Phường Bến Thành" or a setting's kind and "Bến Thành"."""
    name = clean(ward.name).strip()
    for word in ("Đặc khu", "Phường", "Xã"):
        if name.lower().startswith(word.lower() + " "):
            return word.lower(), name[len(word) + 1 :].strip()
    settings = WardDocumentSettings.objects.filter(ward=ward).first()
    if settings is not None and settings.unit_kind:
        return UNIT_WORDS[settings.unit_kind], name
    return "", name


def authority_context(case: ViolationCase, blanks: Blanks) -> dict[str, Any]:
    kind, bare = unit_kind_of(case.ward)
    if not kind:
        blanks.fill("", "loại đơn vị hành chính của phường/xã (cài đặt văn bản của phường)")
        kind = BLANK
    authority = f"Ủy ban nhân dân {kind} {bare}"
    # The place name on a commune-level document is the commune's name; a
    # ward named by a number keeps its kind ("Phường 5") (Decree 30/2020 App. I).
    place = f"{kind.capitalize()} {bare}" if bare.isdigit() else bare
    return {
        "authority": authority,
        "authority_upper": authority.upper(),
        "chairman_upper": f"CHỦ TỊCH {authority.upper()}",
        "explanation_receiver": f"Chủ tịch {authority}",
        "place_name": place,
    }


def is_individual(case: ViolationCase) -> bool:
    return case.violator_kind == ViolatorKind.INDIVIDUAL


def violator_context(case: ViolationCase, blanks: Blanks) -> dict[str, Any]:
    f = blanks.fill
    context: dict[str, Any] = {
        "is_individual": is_individual(case),
        "violator_name": f(case.violator_name, "tên người vi phạm"),
        "violator_address": f(case.violator_address, "địa chỉ người vi phạm"),
    }
    if is_individual(case):
        sex = SEX_WORDS.get(case.violator_sex)
        context |= {
            "violator_heading": "ông (bà) có tên sau đây",
            "violator_sex": f(sex, "giới tính"),
            "violator_birth_date": f(short_date(case.violator_birth_date), "ngày sinh"),
            "violator_nationality": f(case.violator_nationality, "quốc tịch"),
            "violator_occupation": f(case.violator_occupation, "nghề nghiệp"),
            "violator_id_number": f(case.violator_id_number, "số định danh cá nhân"),
            "violator_id_issued_on": f(short_date(case.violator_id_issued_on), "ngày cấp giấy tờ"),
            "violator_id_issued_by": f(case.violator_id_issued_by, "nơi cấp giấy tờ"),
        }
    else:
        context |= {
            "violator_heading": "tổ chức có tên sau đây",
            "violator_org_code": f(case.violator_org_code, "mã số doanh nghiệp"),
            "violator_org_registration": f(
                case.violator_org_registration, "giấy chứng nhận đăng ký của tổ chức"
            ),
            "violator_representative": f(
                case.violator_representative, "người đại diện theo pháp luật"
            ),
            "violator_representative_title": f(
                case.violator_representative_title, "chức danh người đại diện"
            ),
        }
    return context


def clause_of(case: ViolationCase) -> str:
    """'khoản 7 Điều 16 Nghị định số 16/2022/NĐ-CP' from 'art16_7'."""
    clause = case.violation_type.split("_")[-1]
    return f"khoản {clause} Điều 16 Nghị định số 16/2022/NĐ-CP"


def signer_context(step: CaseStep, blanks: Blanks) -> dict[str, Any]:
    deputy = step.data.get("signer_title") == "deputy"
    return {
        "signer_title": "KT. CHỦ TỊCH" if deputy else "CHỦ TỊCH",
        "signer_subtitle": "PHÓ CHỦ TỊCH" if deputy else "",
        "signer": blanks.fill(step.signer, "người ký"),
    }


def delegation_ground(
    step: CaseStep, blanks: Blanks, power: str = "xử phạt vi phạm hành chính"
) -> list[str]:
    """A deputy signs under a delegation decision, which the grounds cite (LXLVPHC
    Art. 54): its number and date as the signing step recorded them."""
    if step.data.get("signer_title") != "deputy":
        return []
    number = blanks.fill(step.data.get("delegation_number"), "số quyết định giao quyền")
    day = step.data.get("delegation_date")
    shown = (
        datetime.date.fromisoformat(str(day)).strftime("%d/%m/%Y")
        if day
        else blanks.fill(None, "ngày quyết định giao quyền")
    )
    return [f"Quyết định về việc giao quyền {power} số {number} ngày {shown}"]


def recipients(step: CaseStep, first: str) -> list[str]:
    extra = str(step.data.get("recipients") or "")
    lines = [first]
    lines += [f"{clean(line.strip(' -;'))};" for line in extra.splitlines() if line.strip(" -;")]
    lines.append("Lưu: VT, hồ sơ.")
    return lines
