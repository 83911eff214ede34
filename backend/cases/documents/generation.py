"""Making a form's DOCX: which forms can be made, the template in force, the file.

The caller has checked that the user may see the case; a form lacking data
is refused with the list of what to fill in (required_data). The form is a
Word template rendered by docxtpl (Jinja2 in DOCX) with autoescaping, so no
value can inject XML; the template is the replacement an admin uploaded for
the document's date, else the built-in one (templates_in_force).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from docxtpl import DocxTemplate

from backend.cases.documents.context_common import clean
from backend.cases.documents.context_decisions import (
    ContextBuilder,
    decision_context,
    enforcement_context,
    sanction_context,
)
from backend.cases.documents.context_record import record_context
from backend.cases.documents.context_remedy_and_notice import (
    demolish_notice_context,
    remedy_context,
)
from backend.cases.documents.context_site_records import (
    enforcement_record_context,
    site_check_context,
)
from backend.cases.documents.context_transfer import transfer_handover_context
from backend.cases.documents.required_data import DocumentDataMissing, document_missing
from backend.cases.documents.templates_in_force import template_in_force
from backend.cases.models import DocumentType, ViolationCase
from backend.cases.selectors import case_document_step
from backend.core.errors import InvalidInput
from backend.photos.selectors import case_photos

GENERATED_TYPES = (
    DocumentType.MBB01,
    DocumentType.MQD02,
    DocumentType.REMEDY,
    DocumentType.DEMOLISH_NOTICE,
    DocumentType.SITE_CHECK,
    DocumentType.MQD11,
    DocumentType.MBB11,
    DocumentType.TRANSFER_HANDOVER,
)
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# What each form other than the record (record_context) is filled with.
CONTEXTS: dict[str, ContextBuilder] = {
    DocumentType.MQD02: sanction_context,
    DocumentType.REMEDY: remedy_context,
    DocumentType.DEMOLISH_NOTICE: demolish_notice_context,
    DocumentType.SITE_CHECK: site_check_context,
    DocumentType.MQD11: enforcement_context,
    DocumentType.MBB11: enforcement_record_context,
    DocumentType.TRANSFER_HANDOVER: transfer_handover_context,
}


@dataclass(frozen=True)
class GeneratedDocument:
    content: bytes
    filename: str
    content_type: str = DOCX_CONTENT_TYPE


def parse_photo_ids(raw: list[str] | None) -> list[int] | None:
    """The photo ids a request chose ("12,15" or repeated), None when it chose nothing."""
    if raw is None:
        return None
    ids: list[int] = []
    for value in raw:
        for part in str(value).split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit() or len(part) > 12:
                raise InvalidInput(
                    _(
                        "Photos are chosen by their numbers, separated by commas (for example 12,15)."
                    ),
                    field="photos",
                )
            ids.append(int(part))
    return ids


def document_generate(
    *,
    user: Any,
    case: ViolationCase,
    document_type: str,
    photo_ids: list[int] | None = None,
) -> GeneratedDocument:
    """The DOCX of the latest document of this type on the case (the caller checked access).

    photo_ids: the photos the officer chose for a record's appendix; None
    takes those without trust warnings.
    """
    if document_type not in GENERATED_TYPES:
        raise InvalidInput(
            _("Documents that can be generated: %(types)s.")
            % {"types": ", ".join(str(t) for t in GENERATED_TYPES)},
            field="document_type",
        )
    if photo_ids is not None:
        known = {p.pk for p in case_photos(user, case)}
        unknown = [str(i) for i in photo_ids if i not in known]
        if unknown:
            raise InvalidInput(
                _("These photos are not photos of this case: %(ids)s.")
                % {"ids": ", ".join(unknown)},
                field="photos",
            )
    step = case_document_step(case, document_type)
    if step is not None and step.data.get("imported"):
        # A past document brought in from the ward's register: its paper original
        # is the document; a form made now would be a new paper under an old number.
        raise InvalidInput(
            _(
                "Document %(number)s was issued on paper before the case was imported "
                "(%(file)s, row %(row)s): its paper original is the document, none is generated."
            )
            % {
                "number": step.document_number,
                "file": step.data["imported"].get("file"),
                "row": step.data["imported"].get("row"),
            },
            field="document_type",
            code="imported_document",
        )
    missing = document_missing(case, document_type, step)
    if missing:
        raise DocumentDataMissing(missing)
    assert step is not None
    safe_number = step.document_number.split("/")[0]
    filename = f"{case.code}-{document_type}-{safe_number}.docx"
    source, version = template_in_force(document_type, step.occurred_on)
    tpl = DocxTemplate(source)
    if document_type == DocumentType.MBB01:
        context = record_context(tpl, case, step, user, photo_ids)
    else:
        context = decision_context(CONTEXTS[document_type], case, step)
    tpl.render(context, autoescape=True)
    properties = tpl.docx.core_properties
    properties.title = clean(f"{document_type} {step.document_number} {case.code}")
    properties.author = clean(step.signer)
    properties.comments = clean(f"template: {version}")
    out = io.BytesIO()
    tpl.save(out)
    return GeneratedDocument(content=out.getvalue(), filename=filename)
