"""The case workflow as one declarative table: suspension → halt → enforcement.

Each Action says from which stages it may be taken, where it leads, who may
take it (the inspector records and proposes; the ward leader decides and
signs; city roles never act), what must be true first (the guard), what it
asks for (its fields), which document it issues and which deadline it
starts. `backend.cases.services.case_transition` is the one function that
applies it. Legal sources: Decree 16/2022/NĐ-CP (Art. 16, 81), the Law on
Handling Administrative Violations (Art. 66, 70), Decree 118/2021/NĐ-CP.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
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
from backend.cases.workflow.choices import (
    FAILURE_REASON_CHOICES,
    SERVICE_METHOD_CHOICES,
)
from backend.cases.workflow.deadline_starts import (
    KEEP,
    DeadlineStart,
    decision_demolition_days,
    legalise_rule,
)
from backend.cases.workflow.fields import (
    SANCTION_FIELDS,
    SIGNER_FIELDS,
    SITE_FIELDS,
    VIOLATOR_FIELDS,
    Field,
    initial_actor_name,
    initial_case_description,
    initial_today,
)
from backend.cases.workflow.guards import (
    guard_demolition_period_over,
    guard_remedy_demolish,
    guard_remedy_legalise,
    validate_enforcement_date,
)
from backend.cases.workflow.plausible_values import (
    DOCUMENT_NUMBER_MAX,
    EARLIEST_RECORD_DAY,
    PLANNED_HORIZON,
)
from backend.cases.workflow.roles import INSPECTOR, LEADER, WARD_STAFF
from backend.control_characters import code_point, first_control_character
from backend.errors import InvalidInput

# --- The table ---------------------------------------------------------------
AFTER_RECORD = frozenset(OPEN_STAGES - {Stage.DETECTED, Stage.TRANSFERRED})

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
            Field(
                "conduct",
                "textarea",
                gettext_lazy("The violating conduct"),
                True,
                initial=initial_case_description,
            ),
            Field("deviation", "textarea", gettext_lazy("Extent of the deviation")),
            Field("witnesses", "text", gettext_lazy("Witnesses"), max_length=300),
            Field(
                "violator_signed",
                "bool",
                gettext_lazy("The violator signed the record"),
                initial=True,
            ),
            Field(
                "refusal_reason",
                "text",
                gettext_lazy("Why the violator did not sign"),
                max_length=300,
            ),
            Field("signer", "text", gettext_lazy("Recorded by"), True, initial=initial_actor_name),
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
        code="issue_sanction_decision",
        label=gettext_lazy("Issue the sanction decision"),
        label_vi="Ban hành quyết định xử phạt vi phạm hành chính",
        sources=frozenset({Stage.SUSPENDED}),
        target=Stage.HALTED,
        roles=LEADER,
        date_label=gettext_lazy("Date of issue"),
        document=DocumentType.MQD02,
        fields=(
            *SANCTION_FIELDS,
            *SIGNER_FIELDS,
            Field("recipients", "textarea", gettext_lazy("Sent to")),
        ),
        deadline=DeadlineStart(DeadlineRuleCode.SERVE, anchor="act"),
        decides=True,
    ),
    Action(
        code="transfer",
        label=gettext_lazy("Transfer the case to the competent authority"),
        label_vi="Chuyển hồ sơ đến người có thẩm quyền",
        sources=frozenset(OPEN_STAGES - {Stage.TRANSFERRED}),
        target=Stage.TRANSFERRED,
        roles=LEADER,
        date_label=gettext_lazy("Date of transfer"),
        fields=(
            Field("authority", "text", gettext_lazy("Transferred to"), True, max_length=300),
            Field("reason", "textarea", gettext_lazy("Reason"), True),
        ),
        deadline=DeadlineStart(DeadlineRuleCode.DECISION_TRANSFERRED, anchor="record"),
        decides=True,
        answers_deadline=False,
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
            Field("authority", "text", gettext_lazy("Issued by"), True, max_length=300),
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
        fields=(
            Field(
                "method",
                "choice",
                gettext_lazy("How it was served"),
                True,
                choices=SERVICE_METHOD_CHOICES,
                initial="in_person",
            ),
        ),
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
        fields=(
            Field(
                "method",
                "choice",
                gettext_lazy("How it was served"),
                True,
                choices=SERVICE_METHOD_CHOICES,
                initial="in_person",
            ),
        ),
        deadline=DeadlineStart(
            DeadlineRuleCode.DEMOLISH, anchor="act", override_days=decision_demolition_days
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
        label=gettext_lazy("Order demolition: no permit was obtained"),
        label_vi="Buộc phá dỡ do không được cấp giấy phép",
        sources=frozenset({Stage.LEGALISING}),
        target=Stage.SELF_DEMOLITION,
        roles=LEADER,
        date_label=gettext_lazy("Date of the decision"),
        document=DocumentType.REMEDY,
        fields=(
            Field(
                "reason",
                "choice",
                gettext_lazy("Why"),
                True,
                choices=FAILURE_REASON_CHOICES,
                initial="window_expired",
            ),
            *SIGNER_FIELDS,
        ),
        deadline=DeadlineStart(DeadlineRuleCode.DEMOLISH, anchor="act"),
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
            ),
            Field(
                "enforcement_date", "date", gettext_lazy("Planned enforcement date"), planned=True
            ),
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
        sources=frozenset(OPEN_STAGES),
        target=None,
        roles=WARD_STAFF,
        date_label=gettext_lazy("Date received"),
        fields=(
            Field("complainant", "text", gettext_lazy("Complainant"), True, max_length=200),
            Field("summary", "textarea", gettext_lazy("What the complaint says"), True),
        ),
        deadline=KEEP,
        event_kind="complaint_noted",
        help_text=gettext_lazy("A complaint does not stop the clock."),
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


# --- Input cleaning ----------------------------------------------------------
COMMON_FIELD_NAMES = ("occurred_on", "note", "document_number")


class ActionInputInvalid(InvalidInput):
    """Several fields wrong at once: every problem is reported, keyed by field."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        first = next(iter(errors.values()))
        super().__init__(first, field=next(iter(errors)), code="invalid_input")
        self.errors = dict(errors)

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {name: [str(msg)] for name, msg in self.errors.items()}
        body["code"] = self.code
        return body


def form_fields(spec: Action) -> list[Field]:
    """Every field the action's form shows, the common ones first."""
    fields = [Field("occurred_on", "date", spec.date_label, True, initial=initial_today)]
    fields.extend(spec.fields)
    if spec.document:
        fields.append(
            Field(
                "document_number",
                "int",
                gettext_lazy("Document number"),
                minimum=1,
                maximum=DOCUMENT_NUMBER_MAX,
                help_text=gettext_lazy(
                    "Leave empty to take the next number of the ward's register."
                ),
            )
        )
    fields.append(Field("note", "textarea", gettext_lazy("Note")))
    return fields


# Not given. An empty list or object is not "nothing": it is refused as the wrong type.
_EMPTY: tuple[Any, ...] = (None, "")


def _parse_date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a date only
        except ValueError:
            continue
    raise ValueError


# "1.500.000", "1,500,000" or "1 500 000": groups of three, one separator throughout.
_GROUPED_DIGITS = re.compile(r"[0-9]{1,3}(?:([.,\s])[0-9]{3})(?:\1[0-9]{3})*")
_NUMBER_LIKE = re.compile(r"-?[0-9][0-9.,\s]*")


def _parse_int(value: Any, *, money: bool = False) -> int:
    """A whole number from JSON or a form; ValueError with a message otherwise.

    Thousands separators are read only in amounts of money: in a count, "2.5"
    is a fraction, never 25.
    """
    fraction = (
        _("Enter a whole amount in đồng, without a decimal part (for example 1.500.000).")
        if money
        else _("Enter a whole number, without a decimal part.")
    )
    if isinstance(value, bool):
        raise ValueError(_("Enter a whole number."))
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return int(value)
        raise ValueError(fraction)
    if not isinstance(value, str):
        raise ValueError(_("Enter a whole number."))
    text = value.strip()
    if re.fullmatch(r"-?[0-9]{1,18}", text):
        return int(text)
    if money and _GROUPED_DIGITS.fullmatch(text) and len(text) <= 24:
        return int(re.sub(r"[^0-9]", "", text))
    if _NUMBER_LIKE.fullmatch(text):
        raise ValueError(fraction)
    raise ValueError(_("Enter a whole number."))


def _parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "on", "yes", "có"}:
        return True
    if text in {"0", "false", "off", "no", "không", ""}:
        return False
    raise ValueError


def _number_shown(number: int, f: Field) -> str:
    # Amounts as Vietnamese write them: 2.000.000.000.
    return f"{number:,}".replace(",", ".") if f.money else str(number)


def _plausible_day(f: Field, day: datetime.date) -> datetime.date:
    today = timezone.localdate()
    earliest = f.earliest or EARLIEST_RECORD_DAY
    if day < earliest:
        raise ValueError(
            _("Check the year: the date cannot be before %(earliest)s.")
            % {"earliest": earliest.strftime("%d/%m/%Y")}
        )
    if f.planned:
        latest = today + PLANNED_HORIZON
        if day > latest:
            raise ValueError(
                _("Check the year: the date cannot be after %(latest)s.")
                % {"latest": latest.strftime("%d/%m/%Y")}
            )
    elif day > today:
        raise ValueError(_("The date cannot be in the future."))
    return day


def parse_expected_version(value: Any) -> int | None:
    """The case version a client saw (None: not sent), or InvalidInput naming the field."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and re.fullmatch(r"[0-9]{1,10}", value.strip()):
        return int(value.strip())
    raise InvalidInput(
        _("expected_version must be a whole number."),
        field="expected_version",
        code="invalid_version",
    )


def clean_field(f: Field, raw: Any, case: Any) -> Any:
    """The typed value of one field, or ValueError with a message."""
    if f.kind == "date":
        try:
            day = _parse_date(raw)
        except ValueError:
            raise ValueError(_("Enter a date as dd/mm/yyyy.")) from None
        return _plausible_day(f, day)
    if f.kind == "int":
        number = _parse_int(raw, money=f.money)
        if not f.minimum <= number <= f.maximum:
            raise ValueError(
                _("Enter a number from %(minimum)s to %(maximum)s.")
                % {"minimum": _number_shown(f.minimum, f), "maximum": _number_shown(f.maximum, f)}
            )
        return number
    if f.kind == "decimal":
        try:
            amount = Decimal(str(raw).strip().replace(",", "."))
        except InvalidOperation:
            raise ValueError(_("Enter a number.")) from None
        if not amount.is_finite() or amount < 0 or amount >= Decimal("1e8"):
            raise ValueError(_("Enter a positive number."))
        return amount.quantize(Decimal("0.01"))
    if f.kind == "bool":
        try:
            return _parse_bool(raw)
        except ValueError:
            raise ValueError(_("Answer yes or no.")) from None
    if f.kind == "choice":
        value = str(raw).strip()
        allowed = [c[0] for c in f.choices_for(case)]
        reason = f.refusal(case, value) if f.refusal and value not in allowed else None
        if reason:
            raise ValueError(reason)
        if value not in allowed:
            raise ValueError(
                _("Choose one of: %(choices)s.") % {"choices": ", ".join(str(c) for c in allowed)}
            )
        return value
    if not isinstance(raw, str):
        raise ValueError(_("Enter text, not a number, a list or an object."))
    char = first_control_character(raw)
    if char == "\x00":
        raise ValueError(_("The text contains a NUL character, which cannot be stored. Remove it."))
    if char:
        raise ValueError(
            _(
                "The text contains an invisible control character (%(code)s), which cannot be "
                "stored. Remove it (retype the text if you pasted it)."
            )
            % {"code": code_point(char)}
        )
    text = raw.strip()
    if len(text) > f.max_length:
        raise ValueError(
            _("At most %(n)d characters, please (this has %(len)d).")
            % {"n": f.max_length, "len": len(text)}
        )
    return text


def clean_action_input(
    spec: Action, raw: Mapping[str, Any], *, case: Any, actor: Any
) -> dict[str, Any]:
    """Typed values for every field of the action, or ActionInputInvalid listing all problems.

    A field left out keeps its initial value (for case facts: the case's current
    value), so an API client sends only what it wants to set.
    """
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    known = {f.name for f in form_fields(spec)}
    unknown = sorted(
        set(raw) - known - {"action", "expected_version", "expected_stage", "attachment", "data"}
    )
    if unknown:
        errors["detail"] = _("These fields do not belong to this action: %(fields)s.") % {
            "fields": ", ".join(unknown)
        }
    for f in form_fields(spec):
        given = f.name in raw and raw[f.name] not in _EMPTY
        if f.kind == "bool" and f.name in raw and raw[f.name] is not None:
            given = True
        value: Any = raw[f.name] if given else f.initial_for(case, actor)
        if value in _EMPTY:
            if f.required:
                errors[f.name] = _("“%(field)s” is required.") % {"field": f.label}
            values[f.name] = None if f.kind != "text" and f.kind != "textarea" else ""
            continue
        try:
            values[f.name] = clean_field(f, value, case)
        except ValueError as exc:
            errors[f.name] = f"{f.label}: {exc}"
    if errors:
        raise ActionInputInvalid(errors)
    return values


def fields_for_api(spec: Action, case: Any, actor: Any) -> list[dict[str, Any]]:
    out = []
    for f in form_fields(spec):
        initial = f.initial_for(case, actor)
        if isinstance(initial, datetime.date):
            initial = initial.isoformat()
        elif isinstance(initial, Decimal):
            initial = str(initial)
        item: dict[str, Any] = {
            "name": f.name,
            "type": f.kind,
            "label": str(f.label),
            "required": f.required,
            "initial": initial,
            "target": f.target,
        }
        if f.kind == "choice":
            item["choices"] = [{"value": v, "label": str(lbl)} for v, lbl in f.choices_for(case)]
        if f.help_text:
            item["help_text"] = str(f.help_text)
        out.append(item)
    return out


def actions_from(stage: str) -> list[Action]:
    return [a for a in _ACTIONS if stage in a.sources]


def transitions_table() -> list[tuple[str, str, str | None]]:
    """(action, source, target) for every legal transition: for docs and tests."""
    return [(a.code, s, a.target) for a in _ACTIONS for s in sorted(a.sources)]
