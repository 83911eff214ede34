"""After the decision: serving it, legalising (Decree 16/2022 Art. 81),
demolishing, enforcing.

Part of the declarative workflow table (backend.cases.workflow.table)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.cases.models import (
    DeadlineRuleCode,
    DocumentType,
    Outcome,
    Stage,
)
from backend.cases.workflow.action import Action
from backend.cases.workflow.deadline_starts import (
    DeadlineStart,
    decision_demolition_days,
    legalise_rule,
)
from backend.cases.workflow.document_fields import (
    ENFORCEMENT_FIELDS,
)
from backend.cases.workflow.fields import (
    SIGNER_FIELDS,
    Field,
)
from backend.cases.workflow.fine_guards import (
    guard_fine_paid_before_legalised,
    validate_serving_decision,
)
from backend.cases.workflow.guards import (
    guard_demolition_period_over,
    guard_remedy_demolish,
    guard_remedy_legalise,
    refuse_window_expired,
    validate_demolition_notice,
    validate_enforcement_date,
)
from backend.cases.workflow.roles import INSPECTOR, LEADER
from backend.cases.workflow.service_fields import DECISION_SERVICE_FIELDS
from backend.cases.workflow.stage_sets import (
    NOTICE_DELIVERY_CHOICES,
    failure_reason_choices,
    initial_failure_reason,
)

AFTER_THE_DECISION: tuple[Action, ...] = (
    Action(
        code="serve_decision_legalise",
        answers_earlier_step=True,
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
        answers_earlier_step=True,
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
                choices=failure_reason_choices,
                initial=initial_failure_reason,
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
)
