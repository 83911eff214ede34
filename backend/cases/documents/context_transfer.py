"""What the record of handing a case file to the competent authority is filled with
(Law on Handling Administrative Violations Art. 58(5)).

The file holds the violation record and every document the ward issued on the
case before the transfer, its site photos, and the papers the leader lists.
"""

from __future__ import annotations

from typing import Any

from backend.cases.documents.context_common import (
    LAW_ON_VIOLATIONS,
    Blanks,
    authority_context,
    clause_of,
    clean,
    date_in_words,
    text_lines,
    time_in_words,
)
from backend.cases.documents.context_site_records import made_by
from backend.cases.models import CaseStep, CompetentAuthority, DocumentType, ViolationCase
from backend.cases.selectors import case_steps
from backend.photos.selectors import photos_of_case

# How each document the file may hold is named in the list.
PAPER_NAMES = {
    DocumentType.MBB01: "Biên bản vi phạm hành chính",
    DocumentType.SITE_CHECK: "Biên bản kiểm tra",
}


def _authority_name(code: Any) -> str:
    """The authority by name (the step stores its code; an old step holds the name)."""
    if not code:
        return ""
    named = CompetentAuthority.objects.filter(code=str(code)).values_list("name", flat=True).first()
    return clean(named or code)


def _papers(case: ViolationCase, step: CaseStep) -> list[str]:
    papers = []
    for earlier in case_steps(case):
        if earlier.pk == step.pk or not earlier.document_type:
            continue
        name = PAPER_NAMES.get(DocumentType(earlier.document_type))
        if name and earlier.document_number:
            papers.append(
                f"{name} số {clean(earlier.document_number)} {date_in_words(earlier.occurred_on)}"
            )
    if step.actor is not None:
        count = photos_of_case(step.actor, case.pk).count()
        if count:
            papers.append(f"Ảnh hiện trường: {count:02d} ảnh")
    papers += text_lines(step.data.get("other_documents"))
    return papers


def transfer_handover_context(
    case: ViolationCase, step: CaseStep, blanks: Blanks
) -> dict[str, Any]:
    f = blanks.fill
    data = step.data
    record = next((s for s in case_steps(case) if s.document_type == DocumentType.MBB01), None)
    grounds = [f"khoản 5 Điều 58 {LAW_ON_VIOLATIONS}"]
    if record is not None and record.document_number:
        grounds.append(
            f"Biên bản vi phạm hành chính số {clean(record.document_number)} "
            f"{date_in_words(record.occurred_on)}"
        )
    return {
        "grounds": grounds,
        "handover_time": f(time_in_words(data.get("handover_time")), "giờ bàn giao"),
        "handover_place": clean(data.get("handover_place") or "")
        or f"trụ sở {authority_context(case, Blanks())['authority']}",
        "giver_name": f(made_by(step), "người giao hồ sơ"),
        "giver_position": f(data.get("giver_position"), "chức vụ người giao"),
        "receiving_authority": f(_authority_name(data.get("authority")), "cơ quan nhận hồ sơ"),
        "receiver_name": f(data.get("receiver_name"), "người nhận hồ sơ"),
        "receiver_position": f(data.get("receiver_position"), "chức vụ người nhận"),
        "case_code": clean(case.code),
        "clause": clause_of(case),
        "site_address": f(case.address, "địa điểm xây dựng"),
        "reason": f(data.get("reason"), "lý do chuyển hồ sơ"),
        "documents": _papers(case, step) or [f("", "hồ sơ bàn giao")],
    }
