"""How and when a decision or notice was served, and which service counts.

Serving is a case step (LXLVPHC Art. 70 as amended by Law 88/2025: in
person, by registered post, or by public posting, within 3 working days of
the decision). Most periods then run from the violator's *receipt* (the
payment, the demolition ordered in the decision: MQĐ02 note 13); the
legalisation window runs from the decision's *issue* (Decree 16/2022 Art.
81(1)). A document may be served more than once (a letter comes back, the
decision is then posted publicly): the latest effective service counts.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from backend.cases.models import DocumentType
from backend.cases.workflow.choices import ServiceMethod

# The steps that record a service, and the data key naming the document served.
SERVICE_ACTIONS = ("serve_decision_legalise", "serve_decision_demolish", "record_service")
SERVED_DOCUMENT_KEY = "document_step"
# Documents handed to the violator: the decisions the ward signs, and the
# competent authority's decision after a transfer (recorded without a document type).
SERVED_DOCUMENT_TYPES = frozenset({DocumentType.MQD02, DocumentType.REMEDY, DocumentType.MQD11})
SERVED_DOCUMENT_ACTIONS = frozenset({"receive_decision"})


def _day(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def received_on(values: dict[str, Any]) -> datetime.date | None:
    """The day the violator is taken to have received the document (None: not received).

    In person: the date on the signed receipt (the handover itself when left
    empty). Registered post: the delivery date on the postal delivery notice;
    a letter that came back was not received. Public posting: the day of
    posting, as its record states. LAW.md names posting as a way to serve but
    not when it takes effect: counting from the posting day is a default.
    """
    method = values.get("method")
    sent_on = _day(values.get("occurred_on"))
    if values.get("returned"):
        return None
    if method == ServiceMethod.IN_PERSON:
        return _day(values.get("received_on")) or sent_on
    if method == ServiceMethod.POST:
        return _day(values.get("received_on"))
    if method == ServiceMethod.POSTED:
        return sent_on
    return None


@dataclass(frozen=True)
class Service:
    """One recorded service of one document."""

    step: Any
    document_step_id: int
    method: str
    sent_on: datetime.date
    received_on: datetime.date | None
    postmark_on: datetime.date | None
    posting_record: str
    returned: bool

    @property
    def effective(self) -> bool:
        return self.received_on is not None

    def as_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "sent_on": self.sent_on.isoformat(),
            "received_on": self.received_on.isoformat() if self.received_on else None,
            "postmark_on": self.postmark_on.isoformat() if self.postmark_on else None,
            "posting_record": self.posting_record,
            "returned": self.returned,
            "effective": self.effective,
        }


def service_of(step: Any) -> Service | None:
    if step.action not in SERVICE_ACTIONS:
        return None
    data = {**(step.data or {}), "occurred_on": step.occurred_on}
    document = data.get(SERVED_DOCUMENT_KEY)
    if document in (None, ""):
        return None
    return Service(
        step=step,
        document_step_id=int(document),
        method=str(data.get("method") or ""),
        sent_on=step.occurred_on,
        received_on=received_on(data),
        postmark_on=_day(data.get("postmark_on")),
        posting_record=str(data.get("posting_record") or ""),
        returned=bool(data.get("returned")),
    )


def services_of_document(steps: list[Any], document_step_id: int) -> list[Service]:
    """Every recorded service of the document, in the order of the case's steps."""
    out = []
    for step in steps:
        service = service_of(step)
        if service is not None and service.document_step_id == document_step_id:
            out.append(service)
    return out


def effective_service(steps: list[Any], document_step_id: int) -> Service | None:
    """The latest service of the document that reached the violator (None: not served)."""
    for service in reversed(services_of_document(steps, document_step_id)):
        if service.effective:
            return service
    return None


def is_served_document(step: Any) -> bool:
    return step.document_type in SERVED_DOCUMENT_TYPES or step.action in SERVED_DOCUMENT_ACTIONS


def document_label(step: Any) -> str:
    kind = DocumentType(step.document_type).label if step.document_type else _("Decision")
    number = step.document_number or (step.data or {}).get("decision_number") or ""
    return f"{kind} {number} ({step.occurred_on:%d/%m/%Y})".replace("  ", " ")


def served_document_choices(case: Any) -> list[tuple[str, Any]]:
    """The case's documents that are served on the violator, newest first."""
    steps = case.steps.order_by("-occurred_on", "-id") if getattr(case, "pk", None) else []
    return [(str(s.pk), document_label(s)) for s in steps if is_served_document(s)]


def latest_served_document(case: Any, actor: Any = None) -> str | None:
    choices = served_document_choices(case)
    return choices[0][0] if choices else None


def validate_service(values: dict[str, Any], document: Any, *, moves_stage: bool) -> dict[str, str]:
    """What is wrong with a service record, by field (empty: nothing)."""
    errors: dict[str, str] = {}
    method = values.get("method")
    sent_on: datetime.date = values["occurred_on"]
    got = values.get("received_on")
    postmark = values.get("postmark_on")
    issued_on = document.occurred_on if document is not None else None
    if issued_on is not None and sent_on < issued_on:
        errors["occurred_on"] = _("A document cannot be served before it was issued (%(day)s).") % {
            "day": issued_on.strftime("%d/%m/%Y")
        }
    if got is not None and got < sent_on:
        errors["received_on"] = _(
            "The date of receipt cannot be before the document was sent or handed over."
        )
    if method == ServiceMethod.POST:
        if postmark is None:
            errors["postmark_on"] = _("Enter the postmark date of the registered letter.")
        elif postmark < sent_on or (got is not None and got < postmark):
            errors["postmark_on"] = _(
                "The postmark must fall between the day the letter was sent and its delivery."
            )
        if got is None and not values.get("returned"):
            errors["received_on"] = (
                _(
                    "The period counts from receipt: enter the delivery date from the postal "
                    "delivery notice, or, while the letter is on its way, record it with "
                    "“Record how a document was served”."
                )
                if moves_stage
                else _(
                    "Enter the delivery date from the postal delivery notice, or mark the "
                    "letter as returned."
                )
            )
    elif values.get("returned"):
        errors["returned"] = _("Only a registered letter can come back undelivered.")
    if method == ServiceMethod.POSTED and not values.get("posting_record"):
        errors["posting_record"] = _("Enter the number and date of the record of public posting.")
    if values.get("returned") and got is not None:
        errors["received_on"] = _("A letter that came back has no date of receipt.")
    return errors
