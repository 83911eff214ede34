"""Making a form's DOCX: which forms can be made, the builder of each, the file.

The caller has checked that the user may see the case; a form lacking data
is refused with the list of what to fill in (required_data).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from backend.cases.documents.demolition_notice import demolition_notice
from backend.cases.documents.docx_primitives import new_document, xml_text
from backend.cases.documents.enforcement_decision import enforcement_decision_mqd11
from backend.cases.documents.remedy_decision import remedy_decision_mqd15
from backend.cases.documents.required_data import DocumentDataMissing, document_missing
from backend.cases.documents.sanction_decision import sanction_decision_mqd02
from backend.cases.documents.violation_record import violation_record_mbb01
from backend.cases.models import DocumentType, ViolationCase
from backend.cases.selectors import case_document_step
from backend.core.errors import InvalidInput

GENERATED_TYPES = (
    DocumentType.MBB01,
    DocumentType.MQD02,
    DocumentType.REMEDY,
    DocumentType.DEMOLISH_NOTICE,
    DocumentType.MQD11,
)
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

BUILDERS = {
    DocumentType.MBB01: violation_record_mbb01,
    DocumentType.MQD02: sanction_decision_mqd02,
    DocumentType.REMEDY: remedy_decision_mqd15,
    DocumentType.DEMOLISH_NOTICE: demolition_notice,
    DocumentType.MQD11: enforcement_decision_mqd11,
}


@dataclass(frozen=True)
class GeneratedDocument:
    content: bytes
    filename: str
    content_type: str = DOCX_CONTENT_TYPE


def document_generate(*, user: Any, case: ViolationCase, document_type: str) -> GeneratedDocument:
    """The DOCX of the latest document of this type on the case (the caller checked access)."""
    if document_type not in GENERATED_TYPES:
        raise InvalidInput(
            _("Documents that can be generated: %(types)s.")
            % {"types": ", ".join(str(t) for t in GENERATED_TYPES)},
            field="document_type",
        )
    step = case_document_step(case, document_type)
    missing = document_missing(case, document_type, step)
    if missing:
        raise DocumentDataMissing(missing)
    assert step is not None
    doc = new_document()
    BUILDERS[DocumentType(document_type)](doc, case, step, user)
    doc.core_properties.title = xml_text(f"{document_type} {step.document_number} {case.code}")
    doc.core_properties.author = xml_text(step.signer)
    out = io.BytesIO()
    doc.save(out)
    safe_number = step.document_number.split("/")[0]
    return GeneratedDocument(
        content=out.getvalue(), filename=f"{case.code}-{document_type}-{safe_number}.docx"
    )
