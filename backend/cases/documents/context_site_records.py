"""What the site check (Decree 16/2022 Art. 81(3), (4)) and MBB11 are filled with.

The check follows one of three steps (the permit conforms, a part does not,
the violator demolished); its subject and conclusion are the step's. The
period to demolish a non-conforming part is the versioned DEMOLISH rule, the
one the step's deadline runs on.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from backend.cases.deadlines import rule_in_force
from backend.cases.documents.context_common import Blanks, clean, date_in_words
from backend.cases.documents.context_decisions import latest_decision
from backend.cases.models import CaseStep, DeadlineRuleCode, DocumentType, ViolationCase
from backend.cases.selectors import case_document_step, case_steps

CHECK_SUBJECTS = {
    "confirm_conformity": "Sự phù hợp của công trình với giấy phép xây dựng được cấp",
    "find_nonconforming_part": "Sự phù hợp của công trình với giấy phép xây dựng được cấp",
    "verify_self_demolition": "Việc tự phá dỡ công trình, phần công trình vi phạm",
}
CONFORMITY_ACTIONS = ("confirm_conformity", "find_nonconforming_part")


def _decision_ground(case: ViolationCase, blanks: Blanks) -> str:
    decision = latest_decision(case)
    number = ""
    if decision is not None:
        number = decision.document_number or decision.data.get("decision_number", "")
    shown = f"{clean(number)} {date_in_words(decision.occurred_on)}" if number and decision else ""
    return f"Quyết định xử phạt vi phạm hành chính số {blanks.fill(shown, 'quyết định xử phạt')}"


def _permit_shown(case: ViolationCase) -> str:
    shown = next((s for s in reversed(list(case_steps(case))) if s.action == "show_permit"), None)
    if shown is None:
        return ""
    data = shown.data
    day = data.get("permit_date")
    issued = datetime.date.fromisoformat(str(day)).strftime("%d/%m/%Y") if day else "….."
    return (
        f"số {clean(data.get('permit_number') or '…..')} ngày {issued} do "
        f"{clean(data.get('permit_issuer') or '…..')} cấp"
    )


def _conclusion(case: ViolationCase, step: CaseStep) -> str:
    if step.action == "confirm_conformity":
        return "Công trình xây dựng phù hợp với giấy phép xây dựng được cấp."
    if step.action == "find_nonconforming_part":
        days = rule_in_force(DeadlineRuleCode.DEMOLISH, timezone.localdate(case.detected_at)).amount
        return (
            "Phần công trình không phù hợp với giấy phép xây dựng được cấp phải được tự phá dỡ "
            f"trong thời hạn {days:02d} ngày kể từ ngày lập biên bản này (khoản 4 Điều 81 Nghị "
            "định số 16/2022/NĐ-CP)."
        )
    return "Cá nhân, tổ chức vi phạm đã tự phá dỡ công trình, phần công trình vi phạm."


def made_by(step: CaseStep) -> str:
    """Who made the record: these steps have no signer field, the one who took them did."""
    if step.signer:
        return clean(step.signer)
    # As the signer field's initial value names the user (initial_actor_name).
    return clean(step.actor) if step.actor is not None else ""


def site_check_context(case: ViolationCase, step: CaseStep, blanks: Blanks) -> dict[str, Any]:
    f = blanks.fill
    data = step.data
    grounds = [_decision_ground(case, blanks)]
    if step.action in CONFORMITY_ACTIONS:
        grounds.append("khoản 3 Điều 81 Nghị định số 16/2022/NĐ-CP")
    notice = case_document_step(case, DocumentType.DEMOLISH_NOTICE)
    if notice is not None:
        grounds.append(
            f"Thông báo số {clean(notice.document_number)} {date_in_words(notice.occurred_on)}"
        )
    permit = _permit_shown(case) if step.action in CONFORMITY_ACTIONS else ""
    return {
        "grounds": grounds,
        "check_subject": CHECK_SUBJECTS.get(step.action, CHECK_SUBJECTS["confirm_conformity"]),
        "officer_name": f(made_by(step), "người lập biên bản"),
        "site_address": f(case.address, "địa điểm xây dựng"),
        "permit_shown": permit,
        "findings": f(data.get("findings") or data.get("nonconforming_part"), "kết quả kiểm tra"),
        "conclusion": _conclusion(case, step),
    }


def enforcement_record_context(
    case: ViolationCase, step: CaseStep, blanks: Blanks
) -> dict[str, Any]:
    f = blanks.fill
    decision = case_document_step(case, DocumentType.MQD11)
    number = ""
    measures: list[str] = []
    place = case.address
    if decision is not None:
        number = f"{clean(decision.document_number)} {date_in_words(decision.occurred_on)}"
        for line in str(decision.data.get("measures") or "").splitlines():
            text, _sep, deadline = line.partition("|")
            if text.strip(" -;"):
                shown = clean(text.strip(" -;"))
                measures.append(
                    f"{shown}; thời hạn: {clean(deadline.strip())}" if deadline else shown
                )
        place = decision.data.get("enforcement_place") or case.address
    return {
        "grounds": [
            "Quyết định cưỡng chế buộc thực hiện biện pháp khắc phục hậu quả số "
            + f(number, "quyết định cưỡng chế")
        ],
        "officer_name": f(made_by(step), "người lập biên bản"),
        "enforcement_place": f(clean(place), "địa điểm cưỡng chế"),
        "measures": measures or [f("", "biện pháp cưỡng chế")],
        "result": f(step.data.get("result"), "kết quả thực hiện cưỡng chế"),
    }
