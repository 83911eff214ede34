"""Which Word template a document is rendered from, and what a replacement must hold.

Each form has a template built into the code (forms/*.docx, written by
`manage.py build_document_templates`). When a decree changes a form (the 2025
amendments to Decree 118/2021 did), an admin uploads a replacement in force
from a date (DocumentTemplate); a document uses the latest replacement in
force on its own date, else the built-in one. A replacement that lacks a
placeholder of the form's required data is refused, listing what is missing.
"""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _
from docxtpl import DocxTemplate
from jinja2 import TemplateSyntaxError

from backend.cases.document_settings import PERIODIC_REPORT_FORM
from backend.cases.models import DocumentTemplate, DocumentType
from backend.core.errors import InvalidInput

FORMS_DIR = Path(__file__).resolve().parent / "forms"
BUILT_IN = {
    DocumentType.MBB01: FORMS_DIR / "MBB01.docx",
    DocumentType.MQD02: FORMS_DIR / "MQD02.docx",
    DocumentType.REMEDY: FORMS_DIR / "MQD15.docx",
    DocumentType.DEMOLISH_NOTICE: FORMS_DIR / "DEMOLISH_NOTICE.docx",
    DocumentType.SITE_CHECK: FORMS_DIR / "SITE_CHECK.docx",
    DocumentType.MQD11: FORMS_DIR / "MQD11.docx",
    DocumentType.MBB11: FORMS_DIR / "MBB11.docx",
    DocumentType.TRANSFER_HANDOVER: FORMS_DIR / "TRANSFER_HANDOVER.docx",
}

_HEADER = ("authority_upper", "document_number", "place_name", "date_in_words")
_VIOLATOR = (
    "violator_heading",
    "is_individual",
    "violator_name",
    "violator_sex",
    "violator_birth_date",
    "violator_nationality",
    "violator_occupation",
    "violator_address",
    "violator_id_number",
    "violator_id_issued_on",
    "violator_id_issued_by",
    "violator_org_code",
    "violator_org_registration",
    "violator_representative",
    "violator_representative_title",
)
_SIGNED = ("chairman_upper", "grounds", "signer_title", "signer_subtitle", "signer", "recipients")

# The placeholders each form's data needs (Decree 118/2021 Art. 12(4) and its
# forms; LAW.md §4). Helpers such as `blanks` or `note` are not required.
REQUIRED_PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    DocumentType.MBB01: (
        *_HEADER,
        *_VIOLATOR,
        "record_time",
        "record_date_words",
        "record_place",
        "grounds",
        "officer_name",
        "officer_position",
        "authority",
        "witnesses",
        "local_representative",
        "interpreter",
        "conduct",
        "clause",
        "site_address",
        "parcel",
        "coordinates",
        "permit",
        "scale",
        "injured_party",
        "violator_statement",
        "witness_statement",
        "injured_party_statement",
        "preventive_measures",
        "seized_items",
        "hearing_request_days",
        "written_explanation_days",
        "explanation_receiver",
        "end_time",
        "pages",
        "copies",
        "handover_time",
        "sketch",
        "photos",
    ),
    DocumentType.MQD02: (
        *_HEADER,
        *_VIOLATOR,
        *_SIGNED,
        "violations",
        "site_address",
        "total_figures",
        "total_words",
        "additional_penalty",
        "remedy",
        "cost_reimbursement",
        "treasury_name",
        "treasury_account",
        "payment_days",
    ),
    DocumentType.REMEDY: (
        *_HEADER,
        *_VIOLATOR,
        *_SIGNED,
        "no_fine_reason",
        "conduct",
        "clause",
        "site_address",
        "parcel",
        "measures",
        "remedy_days",
    ),
    # No national form (Decree 16/2022 Art. 81(2)); what the notice must say.
    DocumentType.DEMOLISH_NOTICE: (
        *_HEADER,
        *_VIOLATOR,
        *_SIGNED,
        "authority",
        "reason",
        "site_address",
        "demolish_days",
        "delivery_method",
        "delivered_on",
    ),
    DocumentType.MQD11: (
        *_HEADER,
        *_VIOLATOR,
        *_SIGNED,
        "decision_number",
        "clause",
        "consequence",
        "measures",
        "enforcement_place",
        "coordinating_agencies",
        "lead",
    ),
    # LAW.md §4 lists no fields for these two records (the check has no
    # national form): what the default layouts print, a configurable default.
    DocumentType.SITE_CHECK: (
        *_HEADER,
        *_VIOLATOR,
        "grounds",
        "authority",
        "officer_name",
        "check_subject",
        "site_address",
        "permit_shown",
        "findings",
        "conclusion",
    ),
    DocumentType.MBB11: (
        *_HEADER,
        *_VIOLATOR,
        "grounds",
        "authority",
        "officer_name",
        "enforcement_place",
        "measures",
        "result",
    ),
    # LAW.md lists no items for the handover (LXLVPHC Art. 58(5)): what the
    # default layout prints, a configurable default.
    DocumentType.TRANSFER_HANDOVER: (
        *_HEADER,
        *_VIOLATOR,
        "grounds",
        "authority",
        "handover_time",
        "handover_place",
        "giver_name",
        "receiving_authority",
        "receiver_name",
        "case_code",
        "clause",
        "reason",
        "documents",
    ),
    # The periodic report (backend.reports.periodic.documents fills these).
    PERIODIC_REPORT_FORM: (
        "authority_upper",
        "place_name",
        "date_in_words",
        "report_title",
        "period_text",
        "basis",
        "rows",
        "signer_title",
        "signer",
    ),
}


def template_in_force(document_type: str, day: datetime.date) -> tuple[IO[bytes], str]:
    """The template's file for a document dated `day`, and what it is (for the file's properties)."""
    replacement = (
        DocumentTemplate.objects.filter(document_type=document_type, effective_from__lte=day)
        .order_by("-effective_from")
        .first()
    )
    if replacement is not None:
        with replacement.file.open("rb") as handle:
            return io.BytesIO(handle.read()), f"{replacement}"
    return io.BytesIO(BUILT_IN[DocumentType(document_type)].read_bytes()), "built-in"


def template_placeholders(source: IO[bytes]) -> set[str]:
    """The variables a DOCX template uses, or InvalidInput when it is not a usable template."""
    try:
        return set(DocxTemplate(source).get_undeclared_template_variables())
    except TemplateSyntaxError as exc:
        raise InvalidInput(
            _("The template has a placeholder error on line %(line)s: %(error)s.")
            % {"line": exc.lineno, "error": exc.message},
            field="file",
        ) from None
    except Exception:  # not a ZIP, not a Word document, a damaged part
        raise InvalidInput(
            _("The file is not a Word (.docx) document that can be read."), field="file"
        ) from None


def check_replacement_template(document_type: str, source: IO[bytes]) -> None:
    """Refuse a replacement template that lacks a required placeholder, naming each."""
    if document_type not in REQUIRED_PLACEHOLDERS:
        raise InvalidInput(
            _("Only these forms have templates: %(types)s.")
            % {"types": ", ".join(REQUIRED_PLACEHOLDERS)},
            field="document_type",
        )
    found = template_placeholders(source)
    missing = [name for name in REQUIRED_PLACEHOLDERS[document_type] if name not in found]
    if missing:
        raise InvalidInput(
            _("The template lacks these placeholders of the form: %(list)s.")
            % {"list": ", ".join("{{ " + name + " }}" for name in missing)},
            field="file",
            code="template_placeholders_missing",
        )


def template_source(file: Any) -> IO[bytes]:
    """An uploaded file's bytes, rewound, for checking."""
    file.seek(0)
    data = file.read()
    file.seek(0)
    return io.BytesIO(data)
