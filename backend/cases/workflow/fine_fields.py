"""What the fine's steps ask for: the receipt, a request for relief, the decisions."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from backend.cases.workflow.choices import FINE_RELIEF_CHOICES, RELIEF_DECISION_CHOICES
from backend.cases.workflow.fields import SIGNER_FIELDS, Field
from backend.cases.workflow.plausible_values import FINE_MAX_VND

PAYMENT_FIELDS = (
    Field("receipt_number", "text", gettext_lazy("Receipt number"), True, max_length=60),
    Field(
        "amount",
        "int",
        gettext_lazy("Fine paid (VND)"),
        True,
        minimum=0,
        maximum=FINE_MAX_VND,
        money=True,
    ),
    Field(
        "interest_paid",
        "int",
        gettext_lazy("Late-payment interest paid (VND)"),
        minimum=0,
        maximum=FINE_MAX_VND,
        money=True,
    ),
    Field(
        "place_paid",
        "text",
        gettext_lazy("Where it was paid (State Treasury, bank, office)"),
        True,
        max_length=200,
    ),
)

RELIEF_REQUEST_FIELDS = (
    Field(
        "relief", "choice", gettext_lazy("The violator asks for"), True, choices=FINE_RELIEF_CHOICES
    ),
    Field("reason", "textarea", gettext_lazy("Reasons given"), True),
)

RELIEF_DECISION_FIELDS = (
    Field(
        "outcome",
        "choice",
        gettext_lazy("Decision on the request"),
        True,
        choices=RELIEF_DECISION_CHOICES,
    ),
    Field(
        "new_due_date",
        "date",
        gettext_lazy("New date to pay by (postponement)"),
        planned=True,
    ),
    Field(
        "instalments",
        "textarea",
        gettext_lazy("Instalments, one a line: date and amount"),
        help_text=gettext_lazy("For example: 15/03/2026 2.000.000"),
    ),
    Field("decision_number", "text", gettext_lazy("Decision number"), max_length=60),
    *SIGNER_FIELDS,
)

FINE_ENFORCEMENT_FIELDS = (
    Field("decision_number", "text", gettext_lazy("Decision number"), True, max_length=60),
    Field("measure", "textarea", gettext_lazy("Enforcement measure"), True),
    *SIGNER_FIELDS,
)
