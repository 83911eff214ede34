"""Serving documents again, the fine and its payment, and cancelling a case.

Part of the declarative workflow table (backend.cases.workflow.table)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from backend.cases.models import (
    OPEN_STAGES,
    Outcome,
    Stage,
)
from backend.cases.workflow.action import Action
from backend.cases.workflow.deadline_starts import (
    KEEP,
    RECOUNT,
)
from backend.cases.workflow.fields import (
    Field,
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
    guard_fine_unpaid,
    guard_relief_requested,
    validate_payment,
    validate_record_service,
    validate_relief_decision,
)
from backend.cases.workflow.roles import LEADER, WARD_STAFF
from backend.cases.workflow.service_fields import RECORD_SERVICE_FIELDS
from backend.cases.workflow.stage_sets import (
    AFTER_DECISION,
)

SERVICE_AND_FINE: tuple[Action, ...] = (
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
        answers_earlier_step=True,
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
)
