"""What the decisions are filled with: MQĐ02 (sanction) and MQĐ11 (enforcement).

Every violation of a decision goes through decision_violations, the one
place that reads them from the decision's recorded data: a decision that
records several violations (each with its clause, conduct, factors and
fine) needs a change there only.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from backend.cases.deadlines import rule_in_force
from backend.cases.documents.context_common import (
    DECREE_16,
    DECREE_118,
    DECREE_189,
    Blanks,
    authority_context,
    clause_of,
    clean,
    date_in_words,
    delegation_ground,
    recipients,
    short_date,
    signer_context,
    violator_context,
)
from backend.cases.documents.number_words import money_in_figures, money_in_words
from backend.cases.models import CaseStep, DeadlineRuleCode, DocumentType, ViolationCase
from backend.cases.selectors import case_document_step, case_steps
from backend.cases.workflow.choices import Remedy
from backend.cases.workflow.deadline_starts import legalise_rule
from backend.cases.workflow.guards import DECISION_ACTIONS

ContextBuilder = Callable[[ViolationCase, CaseStep, Blanks], dict[str, Any]]

# Fines are paid within 10 days of receiving the decision (LXLVPHC Art. 73(1)).
PAYMENT_DAYS = 10


@dataclass(frozen=True)
class DecisionViolation:
    clause: str
    conduct: str
    fine_vnd: int
    aggravating: str
    mitigating: str


def decision_violations(
    case: ViolationCase, step: CaseStep | None = None
) -> list[DecisionViolation]:
    """The violations a sanction decision sanctions, each with its fine.

    A decision records its violations (the case's clause first, then any
    other, each with its band from the catalogue and its fine; LXLVPHC Art. 52)
    and the circumstances that moved the fines; older steps hold one fine. The
    case's own conduct is the violation record's; another clause's is the
    catalogue's.
    """
    decision = step or latest_decision(case)
    data = decision.data if decision is not None else {}
    record = case_document_step(case, DocumentType.MBB01)
    conduct = (record.data.get("conduct") if record else "") or case.description
    factors = clean(data.get("factors") or "")
    rows = data.get("violations") or []
    if not rows:
        return [
            DecisionViolation(
                clause=clause_of(case),
                conduct=clean(conduct),
                fine_vnd=int(data.get("fine_amount") or 0),
                aggravating=clean(data.get("aggravating_factors") or ""),
                mitigating=clean(data.get("mitigating_factors") or "") or factors,
            )
        ]
    out = []
    for row in rows:
        own = row.get("clause") == case.violation_type
        factor = str(row.get("factor") or "")
        out.append(
            DecisionViolation(
                clause=clean(row.get("citation") or "") or clause_of(case),
                conduct=clean(conduct if own else row.get("clause_label") or ""),
                fine_vnd=int(row.get("fine") or 0),
                aggravating=factors if factor == "aggravating" else "",
                mitigating=factors if factor == "mitigating" else "",
            )
        )
    return out


def latest_decision(case: ViolationCase) -> CaseStep | None:
    return next((s for s in reversed(list(case_steps(case))) if s.action in DECISION_ACTIONS), None)


def remedy_text(case: ViolationCase, step: CaseStep) -> str:
    """The remedy and its period, the period read from the versioned rules."""
    detected = timezone.localdate(case.detected_at)
    if step.data.get("remedy") == Remedy.LEGALISE:
        rule = rule_in_force(legalise_rule(case), detected)
        return (
            "Đình chỉ thi công xây dựng; buộc cá nhân, tổ chức vi phạm làm thủ tục đề nghị cấp giấy "
            f"phép xây dựng hoặc điều chỉnh giấy phép xây dựng trong thời hạn {rule.amount} ngày kể "
            f"từ ngày ban hành quyết định này ({clean(rule.basis)})."
        )
    days = step.data.get("remedy_days") or rule_in_force(DeadlineRuleCode.DEMOLISH, detected).amount
    return (
        "Buộc phá dỡ công trình, phần công trình xây dựng vi phạm trong thời hạn "
        f"{int(days)} ngày kể từ ngày nhận quyết định này."
    )


def _explanation_grounds(case: ViolationCase) -> list[str]:
    return [
        f"Văn bản yêu cầu giải trình của người vi phạm nhận ngày {short_date(s.occurred_on)}"
        for s in case_steps(case)
        if s.action == "request_explanation"
    ]


def sanction_context(case: ViolationCase, step: CaseStep, blanks: Blanks) -> dict[str, Any]:
    f = blanks.fill
    record = case_document_step(case, DocumentType.MBB01)
    grounds = [
        "Điều 57, Điều 68, Điều 70, Điều 78 và Điều 85 Luật Xử lý vi phạm hành chính",
        DECREE_118,
        DECREE_16,
        DECREE_189,
    ]
    if record is not None:
        grounds.append(
            f"Biên bản vi phạm hành chính số {clean(record.document_number)} lập "
            f"{date_in_words(record.occurred_on)}"
        )
    grounds += _explanation_grounds(case) + delegation_ground(step, blanks)
    violations = []
    for index, v in enumerate(decision_violations(case, step), start=1):
        violations.append(
            {
                "index": index,
                "clause": v.clause,
                "conduct": f(v.conduct, "hành vi vi phạm"),
                "aggravating": f(v.aggravating, "tình tiết tăng nặng (ghi “Không” nếu không có)"),
                "mitigating": f(v.mitigating, "tình tiết giảm nhẹ (ghi “Không” nếu không có)"),
                "fine_figures": money_in_figures(v.fine_vnd),
                "fine_words": money_in_words(v.fine_vnd),
            }
        )
    total = sum(v.fine_vnd for v in decision_violations(case, step))
    settings = getattr(case.ward, "document_settings", None)
    data = step.data
    return {
        "grounds": grounds,
        "violations": violations,
        "total_figures": money_in_figures(total),
        "total_words": money_in_words(total),
        "site_address": f(case.address, "địa điểm vi phạm"),
        # Empty: the decision applies none (the field says so).
        "additional_penalty": clean(data.get("additional_penalty") or "") or "Không",
        "remedy": f(remedy_text(case, step) if data.get("remedy") else "", "biện pháp khắc phục"),
        "remedy_how": f(data.get("remedy_how"), "cách thức thực hiện biện pháp khắc phục"),
        "cost_reimbursement": f(
            data.get("cost_reimbursement"), "hoàn trả chi phí thực hiện biện pháp khắc phục"
        ),
        "treasury_name": f(settings and settings.treasury_name, "Kho bạc Nhà nước nhận tiền phạt"),
        "treasury_account": f(settings and settings.treasury_account, "số tài khoản Kho bạc"),
        "payment_days": f"{PAYMENT_DAYS:02d}",
        "recipients": recipients(step, "Như Điều 3;"),
    }


def enforcement_context(case: ViolationCase, step: CaseStep, blanks: Blanks) -> dict[str, Any]:
    f = blanks.fill
    data = step.data
    decision = latest_decision(case)
    number = ""
    if decision is not None:
        number = decision.document_number or decision.data.get("decision_number", "")
        number = f"{clean(number)} {date_in_words(decision.occurred_on)}"
    grounds = [
        "Điều 86, Điều 87 và Điều 88 Luật Xử lý vi phạm hành chính",
        DECREE_118,
        DECREE_16,
        f"Quyết định xử phạt vi phạm hành chính số {f(number, 'quyết định xử phạt')}",
    ]
    if data.get("follows_notice"):
        grounds.append(clean(data["follows_notice"]))
    grounds += delegation_ground(
        step, blanks, "cưỡng chế thi hành quyết định xử phạt vi phạm hành chính"
    )
    measures = []
    for line in str(data.get("measures") or "").splitlines():
        text, _sep, deadline = line.partition("|")
        if text.strip(" -;"):
            measures.append(
                {
                    "text": clean(text.strip(" -;")),
                    "deadline": f(deadline.strip(" ;."), "thời hạn của từng biện pháp cưỡng chế"),
                }
            )
    planned = data.get("enforcement_date")
    return {
        "grounds": grounds,
        "decision_number": f(number, "quyết định xử phạt"),
        "clause": clause_of(case),
        "consequence": f(data.get("consequence"), "hậu quả phải khắc phục"),
        "measures": measures,
        "enforcement_date": f(
            short_date(_iso_day(planned)) if planned else "", "thời gian thực hiện cưỡng chế"
        ),
        "enforcement_place": f(data.get("enforcement_place") or case.address, "địa điểm cưỡng chế"),
        "coordinating_agencies": f(data.get("coordinating_agencies"), "cơ quan, tổ chức phối hợp"),
        "lead": f(data.get("lead"), "người, cơ quan chủ trì thực hiện"),
        "recipients": recipients(step, "Như Điều 3;"),
    }


def _iso_day(value: Any) -> datetime.date:
    return datetime.date.fromisoformat(str(value))


def decision_context(build: ContextBuilder, case: ViolationCase, step: CaseStep) -> dict[str, Any]:
    """What a form other than the record is filled with: the parts every one has, then its own."""
    blanks = Blanks()
    context = {
        **authority_context(case, blanks),
        **violator_context(case, blanks),
        **signer_context(step, blanks),
        "document_number": blanks.fill(step.document_number, "số văn bản"),
        "date_in_words": date_in_words(step.occurred_on),
        **build(case, step, blanks),
    }
    context["blanks"] = blanks.labels
    return context
