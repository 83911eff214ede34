"""The officer chooses a record's photos; an admin replaces a form's template; Word and
LibreOffice both open what is made."""

from __future__ import annotations

import datetime
import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from docx import Document

from backend.cases.documents.templates_in_force import BUILT_IN
from backend.cases.models import DocumentTemplate, Stage
from tests.cases.conftest import PATHS, SITE, open_case, walk
from tests.cases.test_document_forms import TEMPLATE_KINDS, fully_recorded_case
from tests.cases.test_documents import docx, photo_bytes, text_of

FAR_AWAY = (SITE.y + 0.05, SITE.x)  # about 5.5 km north of the site


def photographed_case(actors: Any) -> tuple[Any, Any, Any]:
    from backend.photos.services import photo_ingest

    case = open_case(actors["inspector"], days_ago=5)
    near = photo_ingest(
        actor=actors["inspector"],
        case=case,
        data=photo_bytes(),
        device_lat=SITE.y,
        device_lon=SITE.x,
        device_accuracy_m=5,
    ).photo
    far_bytes = io.BytesIO()
    from PIL import Image

    Image.new("RGB", (64, 48), (10, 90, 200)).save(far_bytes, "JPEG")
    far = photo_ingest(
        actor=actors["inspector"],
        case=case,
        data=far_bytes.getvalue(),
        device_lat=FAR_AWAY[0],
        device_lon=FAR_AWAY[1],
        device_accuracy_m=8,
    ).photo
    assert not near.warnings and far.warnings
    case = walk(case, PATHS[Stage.SUSPENDED], actors, gap_days=1)
    return case, near, far


def test_the_record_takes_the_photos_without_warnings_by_default(
    api: Any, actors: Any, media: Any
) -> None:
    case, near, _far = photographed_case(actors)
    response = docx(api, actors["inspector"], case, "MBB01")
    text = text_of(response.content)
    assert near.sha256[:16] in text
    assert "Ảnh 2" not in text
    assert len(Document(io.BytesIO(response.content)).inline_shapes) == 2  # sketch + one photo


def test_a_chosen_photo_goes_in_with_its_trust_warnings_in_the_caption(
    api: Any, actors: Any, media: Any
) -> None:
    case, near, far = photographed_case(actors)
    response = api(actors["inspector"], "en").get(
        f"/api/cases/{case.pk}/documents/MBB01/?photos={far.pk}"
    )
    assert response.status_code == 200
    caption = next(line for line in text_of(response.content).splitlines() if "Ảnh 1:" in line)
    assert far.sha256[:16] in caption and near.sha256[:16] not in caption
    assert "sai số ±8 m" in caption
    assert "Cảnh báo:" in caption and "m" in caption.split("Cảnh báo:")[1]

    none = api(actors["inspector"], "en").get(f"/api/cases/{case.pk}/documents/MBB01/?photos=")
    assert "Không có ảnh hiện trường được chọn" in text_of(none.content)


def test_a_photo_not_of_the_case_is_refused_in_vietnamese(
    api: Any, actors: Any, media: Any
) -> None:
    case, _near, _far = photographed_case(actors)
    refused = api(actors["inspector"], "vi").get(
        f"/api/cases/{case.pk}/documents/MBB01/?photos=999999"
    )
    assert refused.status_code == 400
    assert "không thuộc hồ sơ này: 999999" in refused.json()["photos"][0]
    malformed = api(actors["inspector"], "vi").get(
        f"/api/cases/{case.pk}/documents/MBB01/?photos=abc"
    )
    assert malformed.status_code == 400


def test_the_case_page_offers_the_photos_with_warned_ones_unticked(actors: Any, media: Any) -> None:
    case, near, far = photographed_case(actors)
    client = Client()
    client.force_login(actors["inspector"])
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="doc-MBB01-photos"' in page
    assert f'value="{near.pk}" checked' in page
    assert f'value="{far.pk}" >' in page or f'value="{far.pk}">' in page


def _template_with(text: str) -> bytes:
    doc = Document(str(BUILT_IN["MQD02"]))
    doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_an_admin_replacement_lacking_a_placeholder_is_refused_in_vietnamese(
    admin_user: Any, media: Any
) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    client.force_login(admin_user)
    bare = Document()
    bare.add_paragraph("Số: {{ document_number }} {{ violator_name }}")
    upload = io.BytesIO()
    bare.save(upload)
    response = client.post(
        "/admin/cases/documenttemplate/add/",
        {
            "document_type": "MQD02",
            "effective_from": "01/01/2026",
            "basis": "Nghị định 190/2025/NĐ-CP",
            "file": SimpleUploadedFile("mqd02.docx", upload.getvalue()),
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Mẫu thiếu các trường dữ liệu bắt buộc của biểu mẫu" in body
    assert (
        "{{ treasury_account }}" in body
        and "{{ document_number }}" not in body.split("Mẫu thiếu")[1].split("</")[0]
    )
    assert not DocumentTemplate.objects.exists()


def test_a_replacement_applies_from_its_date_and_the_built_in_before(
    api: Any, actors: Any, admin_user: Any, media: Any
) -> None:
    case = walk(open_case(actors["inspector"], days_ago=20), PATHS[Stage.HALTED], actors)
    decided = case.steps.get(action="issue_sanction_decision").occurred_on
    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    client.force_login(admin_user)
    for day, mark in ((decided + datetime.timedelta(days=1), "MẪU SAU"), (decided, "MẪU MỚI")):
        response = client.post(
            "/admin/cases/documenttemplate/add/",
            {
                "document_type": "MQD02",
                "effective_from": day.strftime("%d/%m/%Y"),
                "basis": "Nghị định 190/2025/NĐ-CP",
                "file": SimpleUploadedFile("mqd02.docx", _template_with(mark)),
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    text = text_of(docx(api, actors["leader"], case, "MQD02").content)
    assert "MẪU MỚI" in text and "MẪU SAU" not in text

    DocumentTemplate.objects.filter(effective_from__lte=decided).delete()
    text = text_of(docx(api, actors["leader"], case, "MQD02").content)
    assert "MẪU MỚI" not in text and "MẪU SAU" not in text


# Installed by the test setup (.ci/setup.sh): a missing LibreOffice fails the test.
SOFFICE = shutil.which("soffice") or "soffice"


@pytest.mark.parametrize("kind", TEMPLATE_KINDS)
def test_libreoffice_opens_each_document(
    api: Any, actors: Any, media: Any, tmp_path: Path, kind: str
) -> None:
    case = fully_recorded_case(actors, None, kind)
    source = tmp_path / f"{kind}.docx"
    source.write_bytes(docx(api, actors["leader"], case, kind).content)
    subprocess.run(
        [
            str(SOFFICE),
            "--headless",
            "--convert-to",
            "txt:Text (encoded):UTF8",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        timeout=180,
        capture_output=True,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    converted = (tmp_path / f"{kind}.txt").read_text(encoding="utf-8-sig")
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in converted
    assert "ỦY BAN NHÂN DÂN PHƯỜNG A" in converted
