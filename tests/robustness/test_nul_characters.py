"""A NUL character (\\x00) never reaches PostgreSQL: a 400 says which input holds it.

PostgreSQL text cannot hold NUL; without these checks the database refused
the query and the officer saw a server error.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from backend.audit.models import CaseEvent
from backend.cases.models import CaseStep, Stage, ViolationCase
from backend.photos.models import SitePhoto
from tests.cases.conftest import SAMPLE_DATA, data_for, open_case
from tests.photos import imagery
from tests.photos.conftest import upload
from tests.robustness.conftest import logged_in, messages_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_a(inspector_a: Any) -> ViolationCase:
    return open_case(inspector_a, days_ago=3)


@pytest.mark.parametrize(
    "url",
    [
        "/api/map/search/?q=a%00b",
        "/api/field/cases/?q=%00",
        "/api/cases/?ward=%00",
        "/api/permits/?number=12%00",
        "/api/cases/?stage%00=detected",
        "/api/map/cases.geojson?ward=90001%00",
    ],
)
def test_a_nul_in_an_api_query_string_is_a_json_400(
    api: Any, inspector_a: Any, case_a: Any, url: str
) -> None:
    response = api(inspector_a, "en").get(url)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert "NUL" in messages_of(response)
    assert response.json()["code"] == "nul_character"


@pytest.mark.parametrize("url", ["/cases/?ward=%00", "/audit/?ward=90001%00", "/map/?q=%00"])
def test_a_nul_in_a_page_query_string_is_a_plain_400(
    inspector_a: Any, auditor: Any, url: str
) -> None:
    user = auditor if url.startswith("/audit/") else inspector_a
    response = logged_in(user).get(url)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert "NUL" in response.content.decode()


def test_a_nul_in_a_form_field_is_a_400_before_anything_is_written(
    inspector_a: Any, case_a: Any
) -> None:
    events = CaseEvent.objects.count()
    form = {
        "action": "record_violation",
        **data_for("record_violation", timezone.localdate()),
        "violator_kind": "individual",
        "works_class": "individual_house",
        "signer": "Cán bộ A",
        "violator_name": "Nguyễn\x00Văn",
    }
    response = logged_in(inspector_a).post(f"/cases/{case_a.pk}/act/", form)
    assert response.status_code == 400
    assert "violator_name" in response.content.decode()
    case_a.refresh_from_db()
    assert case_a.stage == Stage.DETECTED and CaseEvent.objects.count() == events


def test_a_nul_in_the_details_form_is_a_400(inspector_a: Any, case_a: Any) -> None:
    form = {
        **SAMPLE_DATA["record_violation"],
        "violator_kind": "individual",
        "works_class": "individual_house",
        "violator_address": "12\x00 Lê Lợi",
    }
    response = logged_in(inspector_a).post(f"/cases/{case_a.pk}/details/", form)
    assert response.status_code == 400
    case_a.refresh_from_db()
    assert case_a.violator_address == ""


@pytest.mark.parametrize(
    ("field", "value"),
    [("note", "a\x00b"), ("violator_name", "\x00"), ("conduct", "Xây\x00 dựng")],
)
def test_a_nul_in_json_workflow_text_is_a_400_naming_the_field(
    api: Any, inspector_a: Any, case_a: Any, field: str, value: str
) -> None:
    payload = {
        "action": "record_violation",
        **data_for("record_violation", timezone.localdate()),
        field: value,
    }
    response = api(inspector_a, "en").post(
        f"/api/cases/{case_a.pk}/transitions/", payload, format="json"
    )
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert "NUL" in messages_of(response)
    assert not CaseStep.objects.exists()


def test_a_nul_in_json_text_nested_under_data_is_a_400(
    api: Any, inspector_a: Any, case_a: Any
) -> None:
    payload = {
        "action": "record_violation",
        "data": {**data_for("record_violation", timezone.localdate()), "witnesses": "A\x00"},
    }
    response = api(inspector_a, "en").post(
        f"/api/cases/{case_a.pk}/transitions/", payload, format="json"
    )
    assert response.status_code == 400, response.content
    assert "witnesses" in response.json()


def test_a_nul_in_a_photo_note_is_a_400(api: Any, inspector_a: Any, case_a: Any) -> None:
    response = upload(api(inspector_a, "en"), case_a, imagery.jpeg(), note="tầng 3\x00")
    assert response.status_code == 400, response.content
    assert "note" in response.json()
    assert not SitePhoto.objects.exists()


def test_text_without_nul_still_passes_the_middleware(api: Any, inspector_a: Any) -> None:
    assert api(inspector_a, "en").get("/api/map/search/?q=Phường%20A").status_code == 200


def test_a_nul_in_a_url_encoded_page_form_is_a_plain_400(inspector_a: Any, case_a: Any) -> None:
    body = "violator_kind=individual&works_class=individual_house&violator_name=A%00B"
    response = logged_in(inspector_a).post(
        f"/cases/{case_a.pk}/details/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert "violator_name" in response.content.decode()
    case_a.refresh_from_db()
    assert case_a.violator_name == ""


def test_a_nul_in_a_url_encoded_api_body_is_a_json_400(
    api: Any, inspector_a: Any, case_a: Any
) -> None:
    body = f"action=record_violation&occurred_on={timezone.localdate().isoformat()}&note=%00"
    response = api(inspector_a, "en").post(
        f"/api/cases/{case_a.pk}/transitions/",
        body,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "nul_character" and "note" in response.json()
    assert not CaseStep.objects.exists()
