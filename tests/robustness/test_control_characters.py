"""Invisible control characters in text are refused with a 400 naming the input.

Tab, line feed and carriage return (browsers send a textarea's line breaks as
CR LF) are text; the other C0 controls, DEL, the C1 controls and lone
surrogates are not. One stored in a case broke its documents.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.utils import timezone
from django.utils.http import urlencode

from backend.audit.models import CaseEvent
from backend.cases.models import CaseStep, Stage, ViolationCase
from backend.photos.models import SitePhoto
from tests.cases.conftest import SAMPLE_DATA, data_for, open_case
from tests.photos import imagery
from tests.photos.conftest import upload
from tests.robustness.conftest import logged_in, messages_of

pytestmark = pytest.mark.django_db

REFUSED = ["\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x85", "\x9f"]


@pytest.fixture
def case_a(inspector_a: Any) -> ViolationCase:
    return open_case(inspector_a, days_ago=3)


def new_case_body(**fields: Any) -> dict[str, Any]:
    return {
        "location": {"type": "Point", "coordinates": [106.69, 10.77]},
        "violation_type": "art16_7",
        **fields,
    }


@pytest.mark.parametrize("char", REFUSED, ids=[f"U+{ord(c):04X}" for c in REFUSED])
def test_a_control_character_in_a_json_body_is_a_400_and_opens_no_case(
    api: Any, inspector_a: Any, char: str
) -> None:
    body = new_case_body(description=f"Xây{char} dựng")
    response = api(inspector_a, "en").post("/api/cases/", body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "control_character"
    assert "description" in response.json()
    assert f"U+{ord(char):04X}" in messages_of(response)
    assert not ViolationCase.objects.exists()


def test_the_refusal_is_in_vietnamese_by_default(api: Any, inspector_a: Any) -> None:
    response = api(inspector_a).post(
        "/api/cases/", new_case_body(address="12\x01 Lê Lợi"), format="json"
    )
    assert response.status_code == 400
    assert "ký tự điều khiển" in messages_of(response)


def test_a_lone_surrogate_in_json_is_a_400_not_a_server_error(api: Any, inspector_a: Any) -> None:
    raw = json.dumps(new_case_body()).replace('"art16_7"', '"art16_7", "address": "\\ud800"')
    response = api(inspector_a, "en").post("/api/cases/", raw, content_type="application/json")
    assert response.status_code == 400, response.content
    assert "address" in response.json()


def test_a_control_character_nested_in_json_names_its_key(
    api: Any, inspector_a: Any, case_a: Any
) -> None:
    payload = {
        "action": "record_violation",
        "data": {**data_for("record_violation", timezone.localdate()), "witnesses": ["A\x1bB"]},
    }
    response = api(inspector_a, "en").post(
        f"/api/cases/{case_a.pk}/transitions/", payload, format="json"
    )
    assert response.status_code == 400, response.content
    assert "witnesses" in response.json()
    assert not CaseStep.objects.exists()


@pytest.mark.parametrize(
    "url",
    ["/api/map/search/?q=a%01b", "/api/cases/?ward=%1b", "/api/cases/?stage%7f=detected"],
)
def test_a_control_character_in_an_api_query_string_is_a_json_400(
    api: Any, inspector_a: Any, url: str
) -> None:
    response = api(inspector_a, "en").get(url)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "control_character"


def test_a_control_character_in_a_page_address_is_a_plain_400(inspector_a: Any) -> None:
    response = logged_in(inspector_a).get("/cases/?q=%02")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert "U+0002" in response.content.decode()


def test_a_control_character_in_a_url_encoded_form_is_a_400(inspector_a: Any, case_a: Any) -> None:
    body = "violator_kind=individual&works_class=individual_house&violator_name=A%01B"
    response = logged_in(inspector_a).post(
        f"/cases/{case_a.pk}/details/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert "violator_name" in response.content.decode()
    case_a.refresh_from_db()
    assert case_a.violator_name == ""


def test_a_control_character_in_a_multipart_page_form_is_a_400(
    inspector_a: Any, case_a: Any
) -> None:
    events = CaseEvent.objects.count()
    form = {
        "action": "record_violation",
        **data_for("record_violation", timezone.localdate()),
        "violator_kind": "individual",
        "works_class": "individual_house",
        "violator_name": "Nguyễn\x0cVăn",
    }
    response = logged_in(inspector_a).post(f"/cases/{case_a.pk}/act/", form)  # multipart
    assert response.status_code == 400
    assert "violator_name" in response.content.decode()
    case_a.refresh_from_db()
    assert case_a.stage == Stage.DETECTED and CaseEvent.objects.count() == events


def test_a_control_character_in_a_multipart_api_transition_is_a_400(
    api: Any, inspector_a: Any, case_a: Any
) -> None:
    payload = {
        "action": "record_violation",
        **data_for("record_violation", timezone.localdate()),
        "conduct": "Xây\x07 dựng",
    }
    response = api(inspector_a, "en").post(
        f"/api/cases/{case_a.pk}/transitions/", payload, format="multipart"
    )
    assert response.status_code == 400, response.content
    assert "conduct" in response.json() and "U+0007" in messages_of(response)
    assert not CaseStep.objects.exists()


def test_a_control_character_in_a_photo_note_is_a_400(
    api: Any, inspector_a: Any, case_a: Any
) -> None:
    response = upload(api(inspector_a, "en"), case_a, imagery.jpeg(), note="tầng 3\x1b")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "control_character" and "note" in response.json()
    assert not SitePhoto.objects.exists()


def test_tabs_and_line_breaks_of_every_kind_are_text(inspector_a: Any, case_a: Any) -> None:
    form = {
        **SAMPLE_DATA["record_violation"],
        "violator_kind": "individual",
        "works_class": "individual_house",
        "violator_address": "Tổ 1\r\nHẻm\t2\nP. A",
    }
    response = logged_in(inspector_a).post(
        f"/cases/{case_a.pk}/details/",
        urlencode(form),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 302, response.content
    case_a.refresh_from_db()
    assert case_a.violator_address.replace("\r\n", "\n") == "Tổ 1\nHẻm\t2\nP. A"


def test_vietnamese_text_without_control_characters_passes(api: Any, inspector_a: Any) -> None:
    body = new_case_body(description="Xây dựng sai phép\ttầng 4\r\nđã nhắc nhở — “lần 2”")
    response = api(inspector_a, "en").post("/api/cases/", body, format="json")
    assert response.status_code == 201, response.content


def test_a_json_body_over_the_size_limit_is_a_413_not_read(
    api: Any, inspector_a: Any, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    body = new_case_body(description="x" * (1024 * 1024 + 1))
    response = api(inspector_a, "en").post("/api/cases/", body, format="json")
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
    assert not ViolationCase.objects.exists()
