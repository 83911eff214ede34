"""The built-in templates as files: which builder writes which, and their comparable content."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

from backend.cases.documents.template_builder import FormBuilder
from backend.cases.documents.template_decisions import build_mqd02, build_mqd11, build_mqd15
from backend.cases.documents.template_mbb01 import build_mbb01
from backend.cases.documents.template_notices import build_demolish_notice
from backend.cases.documents.template_site_records import build_mbb11, build_site_check
from backend.cases.documents.template_transfer import build_transfer_handover
from backend.cases.documents.templates_in_force import BUILT_IN
from backend.cases.models import DocumentType

BUILDERS: dict[str, Callable[[], FormBuilder]] = {
    DocumentType.MBB01: build_mbb01,
    DocumentType.MQD02: build_mqd02,
    DocumentType.REMEDY: build_mqd15,
    DocumentType.DEMOLISH_NOTICE: build_demolish_notice,
    DocumentType.SITE_CHECK: build_site_check,
    DocumentType.MQD11: build_mqd11,
    DocumentType.MBB11: build_mbb11,
    DocumentType.TRANSFER_HANDOVER: build_transfer_handover,
}


def write_built_in_templates() -> list[Path]:
    for document_type, build in BUILDERS.items():
        build().save(BUILT_IN[DocumentType(document_type)])
    return [BUILT_IN[DocumentType(t)] for t in BUILDERS]


def body_xml(docx: bytes) -> bytes:
    """The document's body, without the properties that carry the time of writing."""
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return archive.read("word/document.xml")


def built_template_body(document_type: str) -> bytes:
    out = io.BytesIO()
    BUILDERS[document_type]().save(out)
    return body_xml(out.getvalue())
