"""What the record and decision steps ask for so that their forms are complete.

MBB01's items (Decree 118/2021 Art. 12(4); LAW.md §4): the time, the place
(and why elsewhere), the officer's position, witnesses, the local
representative and interpreter, statements, preventive measures and seized
items actually applied, the permit only when confirmed, pages, copies and
handover. MQĐ02 and MQĐ11 add what their forms need beyond the fine and remedy.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from backend.cases.workflow.fields import Field, initial_actor_name, initial_case_description

RECORD_FIELDS = (
    # Not required, so that no caller breaks; a form lacking one prints it as a marked blank.
    Field("record_time", "time", gettext_lazy("Time the record was made")),
    Field(
        "record_place",
        "text",
        gettext_lazy("Where the record was made (empty: at the site)"),
        max_length=300,
    ),
    Field(
        "off_site_reason",
        "text",
        gettext_lazy("Why not at the site of the violation"),
        max_length=300,
    ),
    Field(
        "conduct",
        "textarea",
        gettext_lazy("The violating conduct"),
        True,
        initial=initial_case_description,
    ),
    Field("deviation", "textarea", gettext_lazy("Extent of the deviation")),
    Field(
        "permit_confirmed",
        "bool",
        gettext_lazy("The matched permit is this site's own permit"),
        initial=False,
        help_text=gettext_lazy(
            "Only a permit confirmed here is printed: the nearest permit may be a neighbour's."
        ),
    ),
    Field("witnesses", "text", gettext_lazy("Witnesses"), max_length=300),
    Field(
        "local_representative",
        "text",
        gettext_lazy("Local government representative (name, position)"),
        max_length=300,
    ),
    Field("interpreter", "text", gettext_lazy("Interpreter"), max_length=300),
    Field("injured_party", "text", gettext_lazy("Injured person or organisation"), max_length=300),
    Field("violator_statement", "textarea", gettext_lazy("The violator's statement")),
    Field("witness_statement", "textarea", gettext_lazy("The witness's statement")),
    Field("injured_party_statement", "textarea", gettext_lazy("The injured party's statement")),
    Field(
        "preventive_measures",
        "textarea",
        gettext_lazy("Preventive measures applied, one per line (empty: none)"),
    ),
    Field(
        "seized_items",
        "textarea",
        gettext_lazy("Items, equipment or papers seized (empty: none)"),
    ),
    Field(
        "appointment",
        "text",
        gettext_lazy("Where and when the violator is to come to settle the case"),
        max_length=300,
    ),
    Field("end_time", "time", gettext_lazy("Time the record was finished")),
    Field("pages", "int", gettext_lazy("Number of pages"), minimum=1, maximum=99),
    Field("copies", "int", gettext_lazy("Number of copies"), initial=2, minimum=1, maximum=20),
    Field("handover_time", "time", gettext_lazy("Time a copy was handed to the violator")),
    Field(
        "officer_position",
        "text",
        gettext_lazy("Position of who made the record"),
        initial=lambda case, actor: "Công chức quản lý trật tự xây dựng",
        max_length=200,
    ),
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
)

SANCTION_DOCUMENT_FIELDS = (
    Field(
        "additional_penalty",
        "textarea",
        gettext_lazy("Additional penalty and its period (empty: none)"),
    ),
    Field("remedy_how", "textarea", gettext_lazy("How the remedy is to be carried out")),
    Field(
        "cost_reimbursement",
        "textarea",
        gettext_lazy("Costs of the remedy the violator must reimburse"),
    ),
)


def _initial_address(case: Any, actor: Any) -> str:
    return str(case.address or "")


ENFORCEMENT_FIELDS = (
    Field(
        "consequence",
        "textarea",
        gettext_lazy("The consequence to remedy"),
    ),
    Field(
        "follows_notice",
        "text",
        gettext_lazy("The notice this enforcement follows (number, date)"),
        max_length=300,
    ),
    Field(
        "enforcement_place",
        "text",
        gettext_lazy("Place of enforcement"),
        initial=_initial_address,
        max_length=300,
    ),
    Field(
        "coordinating_agencies",
        "textarea",
        gettext_lazy("Coordinating agencies"),
    ),
    Field("lead", "text", gettext_lazy("Who leads the enforcement"), max_length=300),
)

# The record of handing the file to the competent authority (LXLVPHC Art. 58(5)).
# No national form lists its items (LAW.md is silent): those of a record, and
# the file's content; optional, a form lacking one prints it as a marked blank.
HANDOVER_FIELDS = (
    Field("handover_time", "time", gettext_lazy("Time the file was handed over")),
    Field(
        "handover_place",
        "text",
        gettext_lazy("Where the file was handed over (empty: at the ward's office)"),
        max_length=300,
    ),
    Field(
        "signer",
        "text",
        gettext_lazy("Handed over by"),
        initial=initial_actor_name,
        max_length=200,
    ),
    Field("giver_position", "text", gettext_lazy("Position of who hands it over"), max_length=200),
    Field("receiver_name", "text", gettext_lazy("Received by"), max_length=200),
    Field("receiver_position", "text", gettext_lazy("Position of who receives it"), max_length=200),
    Field(
        "other_documents",
        "textarea",
        gettext_lazy("Other papers handed over, one per line (the record and photos are listed)"),
    ),
)
