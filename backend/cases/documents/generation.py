"""Pre-filled, editable DOCX of the standard forms, from what the case already holds.

MBB01 (violation record), MQĐ02 (sanction decision) and MQĐ11 (enforcement
decision) follow the structure of the forms in the appendix of Decree
118/2021/NĐ-CP. The text of an official form is Vietnamese whatever language
the page is shown in, so the wording below is written in Vietnamese, not
translated. A form that lacks data it needs is refused with the list of what
to fill in (DocumentDataMissing), never produced blank.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.cases.documents.docx_primitives import (
    new_document,
    xml_text,
)
from backend.cases.documents.enforcement_decision import enforcement_decision_mqd11
from backend.cases.documents.form_sections import (
    is_individual,
)
from backend.cases.documents.sanction_decision import sanction_decision_mqd02
from backend.cases.documents.violation_record import violation_record_mbb01
from backend.cases.models import CaseStep, DocumentType, ViolationCase
from backend.cases.selectors import case_document_step, case_steps
from backend.errors import InvalidInput

GENERATED_TYPES = (DocumentType.MBB01, DocumentType.MQD02, DocumentType.MQD11)
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class DocumentDataMissing(InvalidInput):
    """The form cannot be filled: `missing` lists what to enter first."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(
            _("The document cannot be made yet. Fill in first: %(list)s.")
            % {"list": "; ".join(missing)},
            code="document_data_missing",
        )
        self.missing = missing

    def as_dict(self) -> dict[str, Any]:
        return {"detail": str(self.message), "missing": self.missing, "code": self.code}


# --- What each form needs --------------------------------------------------------
@dataclass(frozen=True)
class Need:
    label: Any
    present: Callable[[ViolationCase, CaseStep], bool]


def _has(attr: str) -> Callable[[ViolationCase, CaseStep], bool]:
    return lambda case, step: bool(getattr(case, attr))


VIOLATOR_NEEDS = (
    Need(gettext_lazy("the violator's name"), _has("violator_name")),
    Need(gettext_lazy("the violator's address"), _has("violator_address")),
    Need(
        gettext_lazy("the violator's date of birth"),
        lambda c, s: not is_individual(c) or bool(c.violator_birth_date),
    ),
    Need(
        gettext_lazy("the violator's ID card number"),
        lambda c, s: not is_individual(c) or bool(c.violator_id_number),
    ),
    Need(
        gettext_lazy("the enterprise code"),
        lambda c, s: is_individual(c) or bool(c.violator_org_code),
    ),
    Need(
        gettext_lazy("the legal representative"),
        lambda c, s: is_individual(c) or bool(c.violator_representative),
    ),
)

NEEDS: dict[str, tuple[Need, ...]] = {
    DocumentType.MBB01: (
        *VIOLATOR_NEEDS,
        Need(gettext_lazy("the address of the site"), _has("address")),
        Need(gettext_lazy("the violating conduct"), lambda c, s: bool(s.data.get("conduct"))),
        Need(gettext_lazy("who made the record"), lambda c, s: bool(s.signer)),
    ),
    DocumentType.MQD02: (
        *VIOLATOR_NEEDS,
        Need(gettext_lazy("the address of the site"), _has("address")),
        Need(gettext_lazy("the fine"), lambda c, s: s.data.get("fine_amount") is not None),
        Need(gettext_lazy("the remedy"), lambda c, s: bool(s.data.get("remedy"))),
        Need(gettext_lazy("who signs the decision"), lambda c, s: bool(s.signer)),
    ),
    DocumentType.MQD11: (
        *VIOLATOR_NEEDS,
        Need(gettext_lazy("the address of the site"), _has("address")),
        Need(gettext_lazy("the measures to enforce"), lambda c, s: bool(s.data.get("measures"))),
        Need(gettext_lazy("who signs the decision"), lambda c, s: bool(s.signer)),
    ),
}

ISSUED_BY = {
    DocumentType.MBB01: gettext_lazy("the violation record (make it first)"),
    DocumentType.MQD02: gettext_lazy("the sanction decision (issue it first)"),
    DocumentType.MQD11: gettext_lazy("the enforcement decision (issue it first)"),
}


def document_missing(case: ViolationCase, document_type: str, step: CaseStep | None) -> list[str]:
    if step is None:
        return [str(ISSUED_BY[DocumentType(document_type)])]
    missing = [str(n.label) for n in NEEDS[document_type] if not n.present(case, step)]
    if document_type == DocumentType.MQD11:
        steps = list(case_steps(case))
        if not any(s.action in ("issue_sanction_decision", "receive_decision") for s in steps):
            missing.append(str(_("the sanction decision being enforced")))
    return missing


# --- The three forms -------------------------------------------------------------


BUILDERS = {
    DocumentType.MBB01: violation_record_mbb01,
    DocumentType.MQD02: sanction_decision_mqd02,
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
