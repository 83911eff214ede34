"""What each form needs before it can be made, and the refusal that lists it.

A form that lacks data it needs is refused with the list of what to fill in
(DocumentDataMissing), never produced blank: a blank official form invites
handwriting that the case history does not hold.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.cases.documents.context_common import is_individual
from backend.cases.models import CaseStep, DocumentType, ViolationCase
from backend.cases.selectors import case_steps
from backend.core.errors import InvalidInput


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


@dataclass(frozen=True)
class Need:
    label: Any
    present: Callable[[ViolationCase, CaseStep], bool]


def _has_field(attr: str) -> Callable[[ViolationCase, CaseStep], bool]:
    return lambda case, step: bool(getattr(case, attr))


VIOLATOR_NEEDS = (
    Need(gettext_lazy("the violator's name"), _has_field("violator_name")),
    Need(gettext_lazy("the violator's address"), _has_field("violator_address")),
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
        Need(gettext_lazy("the address of the site"), _has_field("address")),
        Need(gettext_lazy("the violating conduct"), lambda c, s: bool(s.data.get("conduct"))),
        Need(gettext_lazy("who made the record"), lambda c, s: bool(s.signer)),
    ),
    DocumentType.MQD02: (
        *VIOLATOR_NEEDS,
        Need(gettext_lazy("the address of the site"), _has_field("address")),
        Need(gettext_lazy("the fine"), lambda c, s: s.data.get("fine_amount") is not None),
        Need(gettext_lazy("the remedy"), lambda c, s: bool(s.data.get("remedy"))),
        Need(gettext_lazy("who signs the decision"), lambda c, s: bool(s.signer)),
    ),
    DocumentType.REMEDY: (
        *VIOLATOR_NEEDS,
        Need(gettext_lazy("the address of the site"), _has_field("address")),
        Need(gettext_lazy("the remedial measures"), lambda c, s: bool(s.data.get("measures"))),
        Need(gettext_lazy("who signs the decision"), lambda c, s: bool(s.signer)),
    ),
    DocumentType.DEMOLISH_NOTICE: (
        Need(gettext_lazy("the violator's name"), _has_field("violator_name")),
        Need(gettext_lazy("the address of the site"), _has_field("address")),
        Need(gettext_lazy("who signs the notice"), lambda c, s: bool(s.signer)),
    ),
    DocumentType.SITE_CHECK: (
        Need(gettext_lazy("the violator's name"), _has_field("violator_name")),
        Need(gettext_lazy("the address of the site"), _has_field("address")),
        # No signer field on these steps: the officer who took the step made it.
        Need(gettext_lazy("who made the record"), lambda c, s: bool(s.signer or s.actor_id)),
    ),
    DocumentType.MBB11: (
        Need(gettext_lazy("the violator's name"), _has_field("violator_name")),
        Need(gettext_lazy("the address of the site"), _has_field("address")),
        Need(gettext_lazy("who made the record"), lambda c, s: bool(s.signer or s.actor_id)),
    ),
    DocumentType.TRANSFER_HANDOVER: (
        Need(gettext_lazy("the violator's name"), _has_field("violator_name")),
        Need(
            gettext_lazy("the authority the file goes to"),
            lambda c, s: bool(s.data.get("authority")),
        ),
        Need(gettext_lazy("who hands the file over"), lambda c, s: bool(s.signer or s.actor_id)),
    ),
    DocumentType.MQD11: (
        *VIOLATOR_NEEDS,
        Need(gettext_lazy("the address of the site"), _has_field("address")),
        Need(gettext_lazy("the measures to enforce"), lambda c, s: bool(s.data.get("measures"))),
        Need(gettext_lazy("who signs the decision"), lambda c, s: bool(s.signer)),
    ),
}
ISSUED_BY = {
    DocumentType.MBB01: gettext_lazy("the violation record (make it first)"),
    DocumentType.MQD02: gettext_lazy("the sanction decision (issue it first)"),
    DocumentType.REMEDY: gettext_lazy("the decision on remedial measures (issue it first)"),
    DocumentType.DEMOLISH_NOTICE: gettext_lazy("the notice to self-demolish (send it first)"),
    DocumentType.SITE_CHECK: gettext_lazy("the site check record (make it first)"),
    DocumentType.MQD11: gettext_lazy("the enforcement decision (issue it first)"),
    DocumentType.MBB11: gettext_lazy("the enforcement record (make it first)"),
    DocumentType.TRANSFER_HANDOVER: gettext_lazy("the transfer of the case (record it first)"),
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
