"""The case workflow as one declarative table: suspension → halt → enforcement.

Each Action says from which stages it may be taken, where it leads, who may
take it (the inspector records and proposes; the ward leader decides and
signs; city roles never act), what must be true first (the guard), what it
asks for (its fields), which document it issues and which deadline it
starts; the modules beside this one define those parts.
`backend.cases.services.transition.case_transition` is the one function
that applies it. Legal sources: Decree 16/2022/NĐ-CP (Art. 16, 81), the Law
on Handling Administrative Violations (Art. 66, 70), Decree 118/2021/NĐ-CP.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.cases.models import (
    OPEN_STAGES,
    DeadlineRuleCode,
    DocumentType,
    Outcome,
    Stage,
)
from backend.cases.workflow.action import Action
from backend.cases.workflow.appeal_steps import (
    COMPLAINT_DECISION_FIELDS,
    COMPLAINT_EXTRA_FIELDS,
    JUDGMENT_FIELDS,
    LAWSUIT_FIELDS,
    LIFT_FIELDS,
    MEASURE_FIELDS,
    MEASURE_REPORT_FIELDS,
    RELEASE_FIELDS,
    SUSPENSION_FIELDS,
    guard_complaint_open,
    guard_decision_to_contest,
    guard_lawsuit_open,
    guard_measure_unreleased,
    guard_measure_unreported,
    guard_not_suspended,
    guard_suspended,
    validate_after,
)
from backend.cases.workflow.choices import (
    FAILURE_REASON_CHOICES,
    NO_FINE_REASON_CHOICES,
    REMEDY_ONLY_CHOICES,
    Remedy,
)
from backend.cases.workflow.deadline_starts import (
    KEEP,
    RECOUNT,
    DeadlineStart,
    decision_demolition_days,
    legalise_rule,
)
from backend.cases.workflow.decision_fines import (
    DECISION_FINE_FIELDS,
    guard_decision_within_competence,
    initial_transfer_reason,
    validate_fine_in_time_and_bands,
)
from backend.cases.workflow.document_fields import (
    ENFORCEMENT_FIELDS,
    RECORD_FIELDS,
    SANCTION_DOCUMENT_FIELDS,
)
from backend.cases.workflow.fields import (
    REMEDY_FIELDS,
    SANCTION_FIELDS,
    SIGNER_FIELDS,
    SITE_FIELDS,
    VIOLATOR_FIELDS,
    Field,
    authority_choices,
    initial_transferred_to,
)
from backend.cases.workflow.fine_fields import (
    FINE_ENFORCEMENT_FIELDS,
    PAYMENT_FIELDS,
    RELIEF_DECISION_FIELDS,
    RELIEF_REQUEST_FIELDS,
)
from backend.cases.workflow.fine_guards import (
    guard_document_to_serve,
    guard_fine_enforceable,
    guard_fine_paid_before_legalised,
    guard_fine_unpaid,
    guard_relief_requested,
    validate_payment,
    validate_record_service,
    validate_relief_decision,
    validate_serving_decision,
)
from backend.cases.workflow.guards import (
    guard_demolition_period_over,
    guard_explanation_extendable,
    guard_fine_barred,
    guard_remedy_demolish,
    guard_remedy_legalise,
    initial_no_fine_reason,
    legalisation_window_over,
    refuse_window_expired,
    validate_demolition_notice,
    validate_enforcement_date,
    validate_extension_in_time,
    validate_remedy_only,
)
from backend.cases.workflow.plausible_values import REMEDY_DAYS_MAX
from backend.cases.workflow.roles import INSPECTOR, LEADER, WARD_STAFF
from backend.cases.workflow.service_fields import DECISION_SERVICE_FIELDS, RECORD_SERVICE_FIELDS
from backend.core.errors import InvalidInput

AFTER_RECORD = frozenset(OPEN_STAGES - {Stage.DETECTED, Stage.TRANSFERRED})
# A decision exists from "halted" on; serving it and paying its fine go on after
# the case closes (a demolished site may still owe its fine).
AFTER_DECISION = frozenset(
    {
        Stage.HALTED,
        Stage.LEGALISING,
        Stage.CONFORMITY_CHECK,
        Stage.SELF_DEMOLITION,
        Stage.ENFORCEMENT,
        Stage.CLOSED,
    }
)

NOTICE_DELIVERY_CHOICES = (
    ("post", gettext_lazy("Registered post (the postmark date)")),
    ("in_person", gettext_lazy("Handed over (the date of the handover record)")),
)


def _failure_reasons(case: Any) -> list[tuple[str, Any]]:
    # "No permit within the period" only once the period is over (Art. 81(2)).
    today = timezone.localdate()
    return [
        c
        for c in FAILURE_REASON_CHOICES
        if c[0] != "window_expired" or legalisation_window_over(case, today)
    ]


def _initial_failure_reason(case: Any, actor: Any) -> str | None:
    return "window_expired" if legalisation_window_over(case, timezone.localdate()) else None


_ACTIONS: list[Action] = [
    Action(
        code="record_violation",
        label=gettext_lazy("Make the violation record and order building to stop"),
        label_vi="Lập biên bản vi phạm hành chính, yêu cầu dừng thi công",
        sources=frozenset({Stage.DETECTED}),
        target=Stage.SUSPENDED,
        roles=INSPECTOR,
        date_label=gettext_lazy("Date of the record"),
        document=DocumentType.MBB01,
        fields=(
            *VIOLATOR_FIELDS,
            *SITE_FIELDS,
            *RECORD_FIELDS,
        ),
        deadline=DeadlineStart(DeadlineRuleCode.DECISION, anchor="act"),
    ),
    Action(
        code="request_explanation",
        label=gettext_lazy("Note the violator's request to explain"),
        label_vi="Ghi nhận yêu cầu giải trình",
        sources=frozenset({Stage.SUSPENDED}),
        target=None,
        roles=WARD_STAFF,
        date_label=gettext_lazy("Date the request was received"),
        fields=(Field("summary", "textarea", gettext_lazy("What the violator asks"), True),),
        deadline=DeadlineStart(DeadlineRuleCode.DECISION_EXPLANATION, anchor="record"),
        event_kind="explanation_requested",
        help_text=gettext_lazy("The decision is then due one month after the record."),
    ),
    Action(
        code="extend_decision_period",
        label=gettext_lazy("Extend the period to decide by one month"),
        label_vi="Gia hạn thời hạn ra quyết định xử phạt",
        sources=frozenset({Stage.SUSPENDED}),
        target=None,
        roles=LEADER,
        date_label=gettext_lazy("Date of the extension"),
        fields=(Field("reason", "textarea", gettext_lazy("Why more time is needed"), True),),
        # LXLVPHC Art. 66(1) ⚠️: at most one month more, decided within the period.
        deadline=DeadlineStart(DeadlineRuleCode.DECISION_EXTENSION, anchor="deadline"),
        guard=guard_explanation_extendable,
        validate=validate_extension_in_time,
        event_kind="decision_period_extended",
        decides=True,
    ),
    Action(
        code="issue_sanction_decision",
        label=gettext_lazy("Issue the sanction decision"),
        label_vi="Ban hành quyết định xử phạt vi phạm hành chính",
        sources=frozenset({Stage.SUSPENDED}),
        target=Stage.HALTED,
        roles=LEADER,
        date_label=gettext_lazy("Date of issue"),
        document=DocumentType.MQD02,
        fields=(
            *DECISION_FINE_FIELDS,
            *REMEDY_FIELDS,
            *SANCTION_DOCUMENT_FIELDS,
            *SIGNER_FIELDS,
            Field("recipients", "textarea", gettext_lazy("Sent to")),
        ),
        deadline=DeadlineStart(DeadlineRuleCode.SERVE, anchor="act"),
        # Past the period to decide or the limitation: no fine (LXLVPHC Art. 66, 6);
        # each fine within its band, the total within the ward's cap (else: transfer).
        guard=guard_decision_within_competence,
        validate=validate_fine_in_time_and_bands,
        decides=True,
    ),
    Action(
        code="issue_remedy_decision",
        label=gettext_lazy("Issue the decision on remedial measures, without a fine"),
        label_vi="Ban hành quyết định áp dụng biện pháp khắc phục hậu quả",
        sources=frozenset({Stage.SUSPENDED}),
        target=Stage.HALTED,
        roles=LEADER,
        date_label=gettext_lazy("Date of issue"),
        document=DocumentType.REMEDY,
        fields=(
            Field(
                "no_fine_reason",
                "choice",
                gettext_lazy("Why no fine is imposed"),
                True,
                choices=NO_FINE_REASON_CHOICES,
                initial=initial_no_fine_reason,
            ),
            Field(
                "remedy",
                "choice",
                gettext_lazy("Remedy"),
                True,
                choices=REMEDY_ONLY_CHOICES,
                initial=Remedy.DEMOLISH,
            ),
            Field(
                "measures",
                "textarea",
                gettext_lazy("The remedial measures"),
                True,
                initial=lambda case, actor: _(
                    "Demolition of the works or part of the works built in violation"
                ),
            ),
            Field(
                "remedy_days",
                "int",
                gettext_lazy("Days given to demolish (empty: the legal default)"),
                minimum=1,
                maximum=REMEDY_DAYS_MAX,
            ),
            *SIGNER_FIELDS,
            Field("recipients", "textarea", gettext_lazy("Sent to")),
        ),
        deadline=DeadlineStart(DeadlineRuleCode.SERVE, anchor="act"),
        guard=guard_fine_barred,
        validate=validate_remedy_only,
        decides=True,
        help_text=gettext_lazy(
            "Past the period to decide or the limitation, the remedial measures are still "
            "decided, without a fine (Law on Handling Administrative Violations Art. 65, 66)."
        ),
    ),
    Action(
        code="transfer",
        label=gettext_lazy("Transfer the case to the competent authority"),
        label_vi="Chuyển hồ sơ đến người có thẩm quyền",
        # Before the decision (LXLVPHC Art. 58(5), LAW.md §1 row 2a): a case
        # decided here is carried out here.
        sources=frozenset({Stage.SUSPENDED}),
        target=Stage.TRANSFERRED,
        roles=LEADER,
        date_label=gettext_lazy("Date of transfer"),
        fields=(
            Field(
                "authority",
                "choice",
                gettext_lazy("Transferred to"),
                True,
                choices=authority_choices,
            ),
            Field(
                "reason", "textarea", gettext_lazy("Reason"), True, initial=initial_transfer_reason
            ),
        ),
        deadline=DeadlineStart(DeadlineRuleCode.DECISION_TRANSFERRED, anchor="record"),
        # Judged against the SLA for "promptly" from the record ⚠️ (a configurable rule).
        measured_by=DeadlineStart(DeadlineRuleCode.TRANSFER, anchor="record"),
        decides=True,
    ),
    Action(
        code="receive_decision",
        label=gettext_lazy("Record the competent authority's sanction decision"),
        label_vi="Ghi nhận quyết định xử phạt của người có thẩm quyền",
        sources=frozenset({Stage.TRANSFERRED}),
        target=Stage.HALTED,
        roles=LEADER,
        date_label=gettext_lazy("Date of the decision"),
        fields=(
            Field(
                "authority",
                "text",
                gettext_lazy("Issued by"),
                True,
                max_length=300,
                initial=initial_transferred_to,
            ),
            Field("decision_number", "text", gettext_lazy("Decision number"), True, max_length=60),
            *SANCTION_FIELDS,
        ),
        deadline=DeadlineStart(DeadlineRuleCode.SERVE, anchor="act"),
        decides=True,
    ),
    Action(
        code="close_transferred",
        label=gettext_lazy("Close: the competent authority handles the case"),
        label_vi="Đóng hồ sơ: người có thẩm quyền tiếp tục xử lý",
        sources=frozenset({Stage.TRANSFERRED}),
        target=Stage.CLOSED,
        roles=LEADER,
        date_label=gettext_lazy("Date"),
        fields=(Field("reason", "textarea", gettext_lazy("Reason"), True),),
        outcome=Outcome.TRANSFERRED,
        decides=True,
        answers_deadline=False,
    ),
    Action(
        code="serve_decision_legalise",
        label=gettext_lazy("Serve the decision: the legalisation period starts"),
        label_vi="Giao quyết định xử phạt (thời hạn hợp thức hóa)",
        sources=frozenset({Stage.HALTED}),
        target=Stage.LEGALISING,
        roles=INSPECTOR,
        date_label=gettext_lazy("Date served"),
        fields=DECISION_SERVICE_FIELDS,
        validate=validate_serving_decision,
        # Decree 16 Art. 81: the period runs from the decision's issue date, not service.
        deadline=DeadlineStart(legalise_rule, anchor="decision"),
        guard=guard_remedy_legalise,
    ),
    Action(
        code="serve_decision_demolish",
        label=gettext_lazy("Serve the decision: the demolition period starts"),
        label_vi="Giao quyết định xử phạt (thời hạn tự phá dỡ)",
        sources=frozenset({Stage.HALTED}),
        target=Stage.SELF_DEMOLITION,
        roles=INSPECTOR,
        date_label=gettext_lazy("Date served"),
        fields=DECISION_SERVICE_FIELDS,
        validate=validate_serving_decision,
        # MQĐ02 note 13: the period set in the decision runs from its receipt.
        deadline=DeadlineStart(
            DeadlineRuleCode.DEMOLISH, anchor="receipt", override_days=decision_demolition_days
        ),
        guard=guard_remedy_demolish,
    ),
    Action(
        code="show_permit",
        label=gettext_lazy("Record the permit the violator obtained"),
        label_vi="Ghi nhận giấy phép xây dựng được cấp",
        sources=frozenset({Stage.LEGALISING}),
        target=Stage.CONFORMITY_CHECK,
        roles=INSPECTOR,
        date_label=gettext_lazy("Date the permit was shown"),
        fields=(
            Field("permit_number", "text", gettext_lazy("Permit number"), True, max_length=60),
            Field("permit_date", "date", gettext_lazy("Permit issue date"), True),
            Field("permit_issuer", "text", gettext_lazy("Issued by"), True, max_length=200),
        ),
        deadline=DeadlineStart(DeadlineRuleCode.CONFORMITY_CHECK, anchor="act"),
    ),
    Action(
        code="legalisation_failed",
        label=gettext_lazy("Send the notice to self-demolish: no permit was obtained"),
        label_vi="Thông báo tự phá dỡ công trình vi phạm do không có giấy phép",
        sources=frozenset({Stage.LEGALISING}),
        target=Stage.SELF_DEMOLITION,
        roles=LEADER,
        date_label=gettext_lazy("Date the notice was sent"),
        # Decree 16 Art. 81(2): a notice (no national form), not a decision.
        document=DocumentType.DEMOLISH_NOTICE,
        fields=(
            Field(
                "reason",
                "choice",
                gettext_lazy("Why"),
                True,
                choices=_failure_reasons,
                initial=_initial_failure_reason,
                refusal=refuse_window_expired,
            ),
            Field(
                "delivery_method",
                "choice",
                gettext_lazy("How the notice was delivered"),
                True,
                choices=NOTICE_DELIVERY_CHOICES,
                initial="post",
            ),
            Field(
                "delivered_on",
                "date",
                gettext_lazy("Postmark date, or date of the handover record"),
                True,
            ),
            *SIGNER_FIELDS,
        ),
        # The 15 days run from the postmark or the handover, not from the notice.
        deadline=DeadlineStart(DeadlineRuleCode.DEMOLISH_AFTER_NOTICE, anchor="field:delivered_on"),
        validate=validate_demolition_notice,
        decides=True,
        answers_deadline=False,
    ),
    Action(
        code="confirm_conformity",
        label=gettext_lazy("Record that the site conforms to the permit"),
        label_vi="Lập biên bản kiểm tra: công trình phù hợp giấy phép",
        sources=frozenset({Stage.CONFORMITY_CHECK}),
        target=Stage.CLOSED,
        roles=INSPECTOR,
        date_label=gettext_lazy("Date of the check"),
        document=DocumentType.SITE_CHECK,
        fields=(Field("findings", "textarea", gettext_lazy("Findings"), True),),
        outcome=Outcome.LEGALISED,
        guard=guard_fine_paid_before_legalised,
    ),
    Action(
        code="find_nonconforming_part",
        label=gettext_lazy("Record a part that does not conform: it must be demolished"),
        label_vi="Lập biên bản kiểm tra: phần sai phép phải phá dỡ",
        sources=frozenset({Stage.CONFORMITY_CHECK}),
        target=Stage.SELF_DEMOLITION,
        roles=INSPECTOR,
        date_label=gettext_lazy("Date of the check"),
        document=DocumentType.SITE_CHECK,
        fields=(
            Field(
                "nonconforming_part",
                "textarea",
                gettext_lazy("The part that does not conform"),
                True,
            ),
        ),
        deadline=DeadlineStart(DeadlineRuleCode.DEMOLISH, anchor="act"),
    ),
    Action(
        code="verify_self_demolition",
        label=gettext_lazy("Record that the violator demolished the works"),
        label_vi="Lập biên bản xác nhận đã tự phá dỡ",
        sources=frozenset({Stage.SELF_DEMOLITION}),
        target=Stage.CLOSED,
        roles=INSPECTOR,
        date_label=gettext_lazy("Date of the check"),
        document=DocumentType.SITE_CHECK,
        fields=(Field("findings", "textarea", gettext_lazy("Findings"), True),),
        outcome=Outcome.SELF_DEMOLISHED,
    ),
    Action(
        code="decide_enforcement",
        label=gettext_lazy("Issue the enforcement decision"),
        label_vi="Ban hành quyết định cưỡng chế",
        sources=frozenset({Stage.SELF_DEMOLITION}),
        target=Stage.ENFORCEMENT,
        roles=LEADER,
        date_label=gettext_lazy("Date of issue"),
        document=DocumentType.MQD11,
        fields=(
            Field(
                "measures",
                "textarea",
                gettext_lazy("What is to be enforced"),
                True,
                initial=lambda case, actor: _("Demolition of the violating works"),
                help_text=gettext_lazy(
                    "One measure per line; after “|”, its deadline (for example: "
                    "Phá dỡ tầng 4 | 15 ngày kể từ ngày nhận quyết định)."
                ),
            ),
            Field(
                "enforcement_date", "date", gettext_lazy("Planned enforcement date"), planned=True
            ),
            *ENFORCEMENT_FIELDS,
            *SIGNER_FIELDS,
            Field("recipients", "textarea", gettext_lazy("Sent to")),
        ),
        deadline=DeadlineStart(DeadlineRuleCode.ENFORCE, anchor="act"),
        guard=guard_demolition_period_over,
        validate=validate_enforcement_date,
        decides=True,
        answers_deadline=False,
    ),
    Action(
        code="record_enforcement",
        label=gettext_lazy("Record the enforcement carried out"),
        label_vi="Lập biên bản cưỡng chế",
        sources=frozenset({Stage.ENFORCEMENT}),
        target=Stage.CLOSED,
        roles=INSPECTOR,
        date_label=gettext_lazy("Date of enforcement"),
        document=DocumentType.MBB11,
        fields=(Field("result", "textarea", gettext_lazy("What was done"), True),),
        outcome=Outcome.ENFORCED,
    ),
    Action(
        code="report_continued_building",
        label=gettext_lazy("Building continued after the record: open a new case"),
        label_vi="Tiếp tục thi công sau khi lập biên bản: lập hồ sơ mới",
        sources=AFTER_RECORD,
        target=None,
        roles=INSPECTOR,
        date_label=gettext_lazy("Date observed"),
        fields=(Field("description", "textarea", gettext_lazy("What was built since"), True),),
        deadline=KEEP,
        event_kind="child_case_opened",
        opens_child_case=True,
        help_text=gettext_lazy("Decree 16 Art. 16.12: a new violation, in a linked case."),
    ),
    Action(
        code="note_complaint",
        label=gettext_lazy("Note a complaint"),
        label_vi="Ghi nhận khiếu nại",
        # A closed case too: the complaint window runs 90 days from the decision's receipt.
        sources=frozenset(OPEN_STAGES | {Stage.CLOSED}),
        target=None,
        roles=WARD_STAFF,
        date_label=gettext_lazy("Date received"),
        fields=(
            Field("complainant", "text", gettext_lazy("Complainant"), True, max_length=200),
            Field("summary", "textarea", gettext_lazy("What the complaint says"), True),
            *COMPLAINT_EXTRA_FIELDS,
        ),
        deadline=KEEP,
        event_kind="complaint_noted",
        help_text=gettext_lazy("A complaint does not stop the clock."),
    ),
    Action(
        code="decide_complaint",
        label=gettext_lazy("Record the decision on a complaint"),
        label_vi="Ghi nhận quyết định giải quyết khiếu nại",
        sources=frozenset(OPEN_STAGES | {Stage.CLOSED}),
        target=None,
        roles=LEADER,
        date_label=gettext_lazy("Date of the decision"),
        fields=COMPLAINT_DECISION_FIELDS,
        deadline=KEEP,
        guard=guard_complaint_open,
        validate=validate_after(
            "complaint_step", gettext_lazy("The complaint was received on %(day)s.")
        ),
        event_kind="complaint_decided",
        decides=True,
    ),
    Action(
        code="note_lawsuit",
        label=gettext_lazy("Note a lawsuit against a decision"),
        label_vi="Ghi nhận việc khởi kiện vụ án hành chính",
        sources=AFTER_DECISION,
        target=None,
        roles=WARD_STAFF,
        date_label=gettext_lazy("Date the court accepted the case"),
        fields=LAWSUIT_FIELDS,
        deadline=KEEP,
        guard=guard_decision_to_contest,
        validate=validate_after(
            "decision_step", gettext_lazy("The decision was issued on %(day)s.")
        ),
        event_kind="lawsuit_noted",
        help_text=gettext_lazy("A lawsuit does not stop the decision's execution either."),
    ),
    Action(
        code="record_court_judgment",
        label=gettext_lazy("Record the court's decision on a lawsuit"),
        label_vi="Ghi nhận bản án, quyết định của Tòa án",
        sources=AFTER_DECISION,
        target=None,
        roles=WARD_STAFF,
        date_label=gettext_lazy("Date of the judgment"),
        fields=JUDGMENT_FIELDS,
        deadline=KEEP,
        guard=guard_lawsuit_open,
        validate=validate_after("lawsuit_step", gettext_lazy("The lawsuit was filed on %(day)s.")),
        event_kind="court_judgment_recorded",
    ),
    Action(
        code="suspend_execution",
        label=gettext_lazy("Record the decision suspending the execution (MQĐ31)"),
        label_vi="Quyết định tạm đình chỉ thi hành quyết định",
        sources=AFTER_DECISION,
        target=None,
        roles=LEADER,
        date_label=gettext_lazy("Date of the decision"),
        fields=SUSPENSION_FIELDS,
        # The deadline stands, but the case is not overdue while suspended (overdue_q).
        deadline=KEEP,
        guard=guard_not_suspended,
        validate=validate_after(
            "decision_step", gettext_lazy("The decision was issued on %(day)s.")
        ),
        event_kind="execution_suspended",
        decides=True,
        suspends_execution=True,
    ),
    Action(
        code="lift_suspension",
        label=gettext_lazy("Lift the suspension: the decision is carried out again"),
        label_vi="Hủy bỏ quyết định tạm đình chỉ thi hành quyết định",
        sources=AFTER_DECISION,
        target=None,
        roles=LEADER,
        date_label=gettext_lazy("Date"),
        fields=LIFT_FIELDS,
        deadline=KEEP,
        guard=guard_suspended,
        event_kind="execution_resumed",
        decides=True,
        suspends_execution=False,
    ),
    Action(
        code="apply_preventive_measure",
        label=gettext_lazy("Record a preventive measure: equipment seized or site sealed"),
        label_vi="Áp dụng biện pháp ngăn chặn: tạm giữ phương tiện hoặc niêm phong",
        sources=AFTER_RECORD,
        target=None,
        roles=INSPECTOR,
        date_label=gettext_lazy("Date of the measure"),
        fields=MEASURE_FIELDS,
        deadline=KEEP,
        event_kind="preventive_measure_applied",
        help_text=gettext_lazy("It must be reported to the head within 24 hours."),
    ),
    Action(
        code="report_preventive_measure",
        label=gettext_lazy("Record the report of a preventive measure to the head"),
        label_vi="Báo cáo thủ trưởng về việc tạm giữ, niêm phong",
        sources=frozenset(AFTER_RECORD | {Stage.CLOSED}),
        target=None,
        roles=INSPECTOR,
        date_label=gettext_lazy("Date of the report"),
        fields=MEASURE_REPORT_FIELDS,
        deadline=KEEP,
        guard=guard_measure_unreported,
        validate=validate_after("measure_step", gettext_lazy("The measure was taken on %(day)s.")),
        event_kind="preventive_measure_reported",
    ),
    Action(
        code="release_seized_items",
        label=gettext_lazy("Return the seized items or lift the seal"),
        label_vi="Trả lại phương tiện tạm giữ hoặc gỡ niêm phong",
        sources=frozenset(AFTER_RECORD | {Stage.CLOSED}),
        target=None,
        roles=LEADER,
        date_label=gettext_lazy("Date returned"),
        fields=RELEASE_FIELDS,
        deadline=KEEP,
        guard=guard_measure_unreleased,
        validate=validate_after("measure_step", gettext_lazy("The measure was taken on %(day)s.")),
        event_kind="seized_items_released",
        decides=True,
    ),
    Action(
        code="record_service",
        label=gettext_lazy("Record how a document was served"),
        label_vi="Ghi nhận việc giao, gửi văn bản",
        sources=AFTER_DECISION,
        target=None,
        roles=WARD_STAFF,
        date_label=gettext_lazy("Date handed over, sent or posted"),
        fields=RECORD_SERVICE_FIELDS,
        # A period counted from the document's receipt starts again from the new receipt.
        deadline=RECOUNT,
        guard=guard_document_to_serve,
        validate=validate_record_service,
        event_kind="document_served",
        help_text=gettext_lazy(
            "A letter that came back, or a document served again (by public posting): "
            "the latest service that reached the violator counts."
        ),
    ),
    Action(
        code="record_fine_payment",
        label=gettext_lazy("Record a fine payment receipt"),
        label_vi="Ghi nhận biên lai nộp tiền phạt",
        sources=AFTER_DECISION,
        target=None,
        roles=WARD_STAFF,
        date_label=gettext_lazy("Date paid (on the receipt)"),
        fields=PAYMENT_FIELDS,
        deadline=KEEP,
        guard=guard_fine_unpaid,
        validate=validate_payment,
        event_kind="fine_paid",
    ),
    Action(
        code="request_fine_relief",
        label=gettext_lazy("Note a request to postpone the fine or pay it in instalments"),
        label_vi="Ghi nhận đề nghị hoãn hoặc nộp tiền phạt nhiều lần",
        sources=AFTER_DECISION,
        target=None,
        roles=WARD_STAFF,
        date_label=gettext_lazy("Date the request was received"),
        fields=RELIEF_REQUEST_FIELDS,
        deadline=KEEP,
        guard=guard_fine_unpaid,
        event_kind="fine_relief_requested",
        help_text=gettext_lazy("LXLVPHC Art. 76–77: the chairman decides on the request."),
    ),
    Action(
        code="decide_fine_relief",
        label=gettext_lazy("Decide on the request to postpone or pay in instalments"),
        label_vi="Quyết định về đề nghị hoãn hoặc nộp tiền phạt nhiều lần",
        sources=AFTER_DECISION,
        target=None,
        roles=LEADER,
        date_label=gettext_lazy("Date of the decision"),
        fields=RELIEF_DECISION_FIELDS,
        deadline=KEEP,
        guard=guard_relief_requested,
        validate=validate_relief_decision,
        event_kind="fine_relief_decided",
        decides=True,
    ),
    Action(
        code="enforce_fine",
        label=gettext_lazy("Decide enforcement of the unpaid fine"),
        label_vi="Quyết định cưỡng chế thi hành quyết định xử phạt (tiền phạt)",
        # Not while "halted": the period to pay starts when the decision is served.
        sources=AFTER_DECISION - {Stage.HALTED},
        target=None,
        roles=LEADER,
        date_label=gettext_lazy("Date of the decision"),
        fields=FINE_ENFORCEMENT_FIELDS,
        deadline=KEEP,
        guard=guard_fine_enforceable,
        event_kind="fine_enforcement_decided",
        decides=True,
        help_text=gettext_lazy(
            "Decree 296/2025 on enforcement: its day counts are a setting of the ward."
        ),
    ),
    Action(
        code="cancel",
        label=gettext_lazy("Cancel the case"),
        label_vi="Hủy hồ sơ",
        sources=frozenset(OPEN_STAGES),
        target=Stage.CLOSED,
        roles=LEADER,
        date_label=gettext_lazy("Date"),
        fields=(Field("reason", "textarea", gettext_lazy("Reason"), True),),
        outcome=Outcome.CANCELLED,
        decides=True,
        answers_deadline=False,
    ),
]

ACTIONS: dict[str, Action] = {a.code: a for a in _ACTIONS}


def action_or_error(code: Any) -> Action:
    spec = ACTIONS.get(str(code or ""))
    if spec is None:
        raise InvalidInput(
            _("Unknown action “%(action)s”.") % {"action": code},
            field="action",
            code="unknown_action",
        )
    return spec


def actions_from(stage: str) -> list[Action]:
    return [a for a in _ACTIONS if stage in a.sources]


def transitions_table() -> list[tuple[str, str, str | None]]:
    """(action, source, target) for every legal transition: for docs and tests."""
    return [(a.code, s, a.target) for a in _ACTIONS for s in sorted(a.sources)]
