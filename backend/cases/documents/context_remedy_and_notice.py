"""What MQĐ15 (remedial measures without a fine) and the notice to self-demolish are filled with.

The periods come from the versioned deadline rules (DEMOLISH for the
remedy's default, DEMOLISH_AFTER_NOTICE for the notice's 15 days of Decree
16/2022 Art. 81(2)), never from a number written here.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from backend.cases.deadlines import rule_in_force
from backend.cases.documents.context_common import (
    DECREE_16,
    DECREE_118,
    Blanks,
    clause_of,
    clean,
    date_in_words,
    delegation_ground,
    recipients,
    short_date,
)
from backend.cases.documents.context_decisions import latest_decision
from backend.cases.models import CaseStep, DeadlineRuleCode, DocumentType, ViolationCase
from backend.cases.selectors import case_document_step

# Why no fine is imposed, as the decision states it (LXLVPHC Art. 66; Art. 6 and
# Decree 16/2022 Art. 5), by the step's no_fine_reason.
NO_FINE_GROUNDS = {
    "period_over": "đã quá thời hạn ra quyết định xử phạt vi phạm hành chính theo quy định tại "
    "Điều 66 Luật Xử lý vi phạm hành chính",
    "limitation": "đã hết thời hiệu xử phạt vi phạm hành chính theo quy định tại Điều 6 Luật Xử "
    "lý vi phạm hành chính và Điều 5 Nghị định số 16/2022/NĐ-CP",
}
# Why the violator must demolish (Decree 16/2022 Art. 81(2)), by the step's reason.
NOTICE_REASONS = {
    "window_expired": "hết thời hạn mà không xuất trình giấy phép xây dựng",
    "permit_refused": "cơ quan có thẩm quyền không cấp giấy phép xây dựng",
    "withdrawn": "cá nhân, tổ chức vi phạm không tiếp tục làm thủ tục cấp giấy phép xây dựng",
}
# How the notice reached the violator (the step's delivery_method); the 15 days run from it.
DELIVERY_WORDS = {"post": "theo dấu bưu điện", "in_person": "theo biên bản giao"}
BLANK_HOW = "theo dấu bưu điện hoặc biên bản giao"


def _record_ground(case: ViolationCase) -> list[str]:
    record = case_document_step(case, DocumentType.MBB01)
    if record is None:
        return []
    return [
        f"Biên bản vi phạm hành chính số {clean(record.document_number)} lập "
        f"{date_in_words(record.occurred_on)}"
    ]


def _parcel(case: ViolationCase, blanks: Blanks) -> str:
    f = blanks.fill
    return (
        f"thửa đất số {f(case.parcel_number, 'số thửa đất')}, "
        f"tờ bản đồ số {f(case.map_sheet, 'số tờ bản đồ')}"
    )


def remedy_context(case: ViolationCase, step: CaseStep, blanks: Blanks) -> dict[str, Any]:
    f = blanks.fill
    data = step.data
    record = case_document_step(case, DocumentType.MBB01)
    conduct = (record.data.get("conduct") if record else "") or case.description
    detected = timezone.localdate(case.detected_at)
    days = data.get("remedy_days") or rule_in_force(DeadlineRuleCode.DEMOLISH, detected).amount
    grounds = [
        "Điều 6, Điều 65 và Điều 66 Luật Xử lý vi phạm hành chính",
        DECREE_118,
        DECREE_16,
        *_record_ground(case),
        *delegation_ground(step, blanks, "áp dụng biện pháp khắc phục hậu quả"),
    ]
    return {
        "grounds": grounds,
        "no_fine_reason": f(
            NO_FINE_GROUNDS.get(str(data.get("no_fine_reason"))),
            "lý do không ra quyết định xử phạt",
        ),
        "conduct": f(conduct, "hành vi vi phạm"),
        "clause": clause_of(case),
        "site_address": f(case.address, "địa điểm vi phạm"),
        "parcel": _parcel(case, blanks),
        "measures": f(data.get("measures"), "biện pháp khắc phục hậu quả"),
        "remedy_days": f"{int(days):02d}",
        "recipients": recipients(step, "Như Điều 3;"),
    }


def demolish_notice_context(case: ViolationCase, step: CaseStep, blanks: Blanks) -> dict[str, Any]:
    f = blanks.fill
    data = step.data
    decision = latest_decision(case)
    number = ""
    if decision is not None:
        number = decision.document_number or decision.data.get("decision_number", "")
        number = f"{clean(number)} {date_in_words(decision.occurred_on)}" if number else ""
    detected = timezone.localdate(case.detected_at)
    delivered = data.get("delivered_on")
    days = rule_in_force(DeadlineRuleCode.DEMOLISH_AFTER_NOTICE, detected).amount
    return {
        "grounds": [
            f"Quyết định xử phạt vi phạm hành chính số {f(number, 'quyết định xử phạt')}",
            "khoản 2 Điều 81 Nghị định số 16/2022/NĐ-CP",
        ],
        "reason": f(NOTICE_REASONS.get(str(data.get("reason"))), "lý do phải tự phá dỡ"),
        "site_address": f(case.address, "địa điểm xây dựng"),
        "demolish_days": f"{days:02d}",
        "delivery_method": DELIVERY_WORDS.get(str(data.get("delivery_method")), BLANK_HOW),
        "delivered_on": f(
            short_date(datetime.date.fromisoformat(str(delivered))) if delivered else "",
            "ngày nhận thông báo",
        ),
        "recipients": recipients(step, "Như trên;"),
    }
