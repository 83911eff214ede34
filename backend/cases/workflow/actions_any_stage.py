"""At any stage, or after the case closed: building that continues and the
preventive measures, complaints and lawsuits, the suspension of execution.

Part of the declarative workflow table (backend.cases.workflow.table)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from backend.cases.models import (
    OPEN_STAGES,
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
from backend.cases.workflow.deadline_starts import (
    KEEP,
)
from backend.cases.workflow.fields import (
    Field,
)
from backend.cases.workflow.roles import INSPECTOR, LEADER, WARD_STAFF
from backend.cases.workflow.stage_sets import (
    AFTER_DECISION,
    AFTER_RECORD,
)

AT_ANY_STAGE: tuple[Action, ...] = (
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
        answers_earlier_step=True,
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
        answers_earlier_step=True,
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
        answers_earlier_step=True,
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
        answers_earlier_step=True,
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
        answers_earlier_step=True,
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
)
