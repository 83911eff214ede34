"""What a service record asks for: the document, how it was served, and the proof."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from backend.cases.workflow.choices import SERVICE_METHOD_CHOICES, ServiceMethod
from backend.cases.workflow.fields import Field
from backend.cases.workflow.guards import DECISION_ACTIONS
from backend.cases.workflow.service_records import (
    document_label,
    latest_served_document,
    served_document_choices,
)


def decision_choices(case: Any) -> list[tuple[str, Any]]:
    """The case's latest sanction decision: the document the serve actions hand over."""
    if not getattr(case, "pk", None):
        return []
    step = case.steps.filter(action__in=DECISION_ACTIONS).order_by("-occurred_on", "-id").first()
    return [(str(step.pk), document_label(step))] if step else []


def latest_decision(case: Any, actor: Any = None) -> str | None:
    choices = decision_choices(case)
    return choices[0][0] if choices else None


def _service_fields(document: Field) -> tuple[Field, ...]:
    return (
        document,
        Field(
            "method",
            "choice",
            gettext_lazy("How it was served"),
            True,
            choices=SERVICE_METHOD_CHOICES,
            initial=ServiceMethod.IN_PERSON,
        ),
        Field(
            "received_on",
            "date",
            gettext_lazy("Date of receipt (on the signed receipt or the postal delivery notice)"),
            help_text=gettext_lazy(
                "In person: leave empty when it is the day of handover. By post: the "
                "delivery date. Periods that run from receipt count from this day."
            ),
        ),
        Field("postmark_on", "date", gettext_lazy("Postmark date (registered post)")),
        Field(
            "posting_record",
            "text",
            gettext_lazy("Record of public posting (number and date)"),
            max_length=200,
        ),
    )


# Serving the sanction decision, which moves the case on.
DECISION_SERVICE_FIELDS = _service_fields(
    Field(
        "document_step",
        "choice",
        gettext_lazy("Decision served"),
        True,
        choices=decision_choices,
        initial=latest_decision,
    )
)

# Serving any document again, or recording a letter that came back.
RECORD_SERVICE_FIELDS = (
    *_service_fields(
        Field(
            "document_step",
            "choice",
            gettext_lazy("Document served"),
            True,
            choices=served_document_choices,
            initial=latest_served_document,
        )
    ),
    Field("returned", "bool", gettext_lazy("The letter came back undelivered"), initial=False),
)
