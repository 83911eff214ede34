"""From detection to the decision: the record, the explanation, the decision or
the remedy-only decision, and the transfer to a competent authority.

Part of the declarative workflow table (backend.cases.workflow.table)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from backend.cases.models import (
    DeadlineRuleCode,
    DocumentType,
    Outcome,
    Stage,
)
from backend.cases.workflow.action import Action
from backend.cases.workflow.choices import (
    NO_FINE_REASON_CHOICES,
    REMEDY_ONLY_CHOICES,
    Remedy,
)
from backend.cases.workflow.deadline_starts import (
    DeadlineStart,
)
from backend.cases.workflow.decision_fines import (
    DECISION_FINE_FIELDS,
    guard_decision_within_competence,
    initial_transfer_reason,
    validate_fine_in_time_and_bands,
)
from backend.cases.workflow.document_fields import (
    HANDOVER_FIELDS,
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
from backend.cases.workflow.guards import (
    guard_explanation_extendable,
    guard_fine_barred,
    guard_verification_not_started,
    initial_no_fine_reason,
    validate_extension_in_time,
    validate_remedy_only,
)
from backend.cases.workflow.plausible_values import REMEDY_DAYS_MAX
from backend.cases.workflow.roles import INSPECTOR, LEADER, WARD_STAFF

DETECTION_TO_DECISION: tuple[Action, ...] = (
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
        code="start_verification",
        label=gettext_lazy("Order the facts of the case verified"),
        label_vi="Xác minh tình tiết của vụ việc",
        sources=frozenset({Stage.SUSPENDED}),
        target=None,
        roles=LEADER,
        date_label=gettext_lazy("Date verification was ordered"),
        fields=(
            Field("facts", "textarea", gettext_lazy("What must be verified"), True),
            Field("verifier", "text", gettext_lazy("Who verifies"), max_length=200),
        ),
        # LXLVPHC Art. 59, 66(1) ⚠️: a case whose facts need verifying is decided
        # within one month of the record (extendable once).
        deadline=DeadlineStart(DeadlineRuleCode.DECISION_VERIFICATION, anchor="record"),
        guard=guard_verification_not_started,
        event_kind="verification_started",
        decides=True,
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
                # Printed as typed on the decision, which is in Vietnamese whatever
                # the page's language: the decree's words (Decree 16/2022 Art. 16).
                initial="Buộc phá dỡ công trình, phần công trình xây dựng vi phạm",
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
            *HANDOVER_FIELDS,
        ),
        # The record of handing the file over, signed by both sides.
        document=DocumentType.TRANSFER_HANDOVER,
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
)
