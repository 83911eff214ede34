"""POST /api/cases/{id}/transitions/ and GET /api/cases/{id}/actions/."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from backend.cases.models import CaseStep, Stage
from backend.cases.services.transition import case_transition
from tests.cases.conftest import SAMPLE_DATA, data_for, open_case
from tests.factories import CaseFactory


def url(case: Any, what: str) -> str:
    return f"/api/cases/{case.pk}/{what}/"


def test_actions_list_what_the_inspector_may_do_with_the_fields_each_needs(
    api: Any, inspector_a: Any
) -> None:
    case = open_case(inspector_a)
    body = api(inspector_a, "en").get(url(case, "actions")).json()
    assert body["stage"] == "detected" and body["version"] == 1
    codes = [a["action"] for a in body["actions"]]
    assert codes == ["record_violation", "note_complaint"]
    record = body["actions"][0]
    assert record["target_stage"] == "suspended" and record["document_type"] == "MBB01"
    fields = {f["name"]: f for f in record["fields"]}
    assert fields["occurred_on"]["required"] and fields["occurred_on"]["type"] == "date"
    assert fields["violator_name"]["target"] == "case"
    assert {c["value"] for c in fields["works_class"]["choices"]} >= {"individual_house"}
    assert fields["signer"]["initial"] == str(inspector_a)


def test_the_leader_sees_decisions_and_the_auditor_nothing(
    api: Any, inspector_a: Any, leader_a: Any, auditor: Any
) -> None:
    case = open_case(inspector_a)
    leader_codes = [a["action"] for a in api(leader_a).get(url(case, "actions")).json()["actions"]]
    # Transfer comes after the record (LXLVPHC Art. 58(5)): not on a detected case.
    assert leader_codes == ["note_complaint", "cancel"]
    assert api(auditor).get(url(case, "actions")).json()["actions"] == []


def test_a_transition_answers_with_the_updated_case(api: Any, inspector_a: Any) -> None:
    case = open_case(inspector_a)
    payload = {
        "action": "record_violation",
        "expected_version": 1,
        **data_for("record_violation", timezone.localdate()),
    }
    response = api(inspector_a, "en").post(url(case, "transitions"), payload, format="json")
    assert response.status_code == 200, response.json()
    props = response.json()["properties"]
    assert props["stage"] == "suspended" and props["version"] == 2
    assert props["deadline"]["rule"] == "decision" and props["deadline"]["basis"]
    assert props["deadline"]["days_left"] >= 0


def test_a_multipart_transition_keeps_its_attachment(
    api: Any, inspector_a: Any, media: Any
) -> None:
    case = open_case(inspector_a)
    scan = SimpleUploadedFile("biên bản.pdf", b"%PDF-1.4 scan", content_type="application/pdf")
    response = api(inspector_a).post(
        url(case, "transitions"),
        {
            "action": "record_violation",
            **data_for("record_violation", timezone.localdate()),
            "attachment": scan,
        },
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    step = CaseStep.objects.get(case=case)
    assert step.attachment.name.endswith(".pdf") and "biên" not in step.attachment.name
    assert step.attachment.read() == b"%PDF-1.4 scan"
    assert (media / step.attachment.name).exists()


def test_an_attachment_of_the_wrong_kind_is_refused(api: Any, inspector_a: Any) -> None:
    case = open_case(inspector_a)
    bad = SimpleUploadedFile("x.exe", b"MZ", content_type="application/octet-stream")
    response = api(inspector_a).post(
        url(case, "transitions"),
        {
            "action": "record_violation",
            **data_for("record_violation", timezone.localdate()),
            "attachment": bad,
        },
        format="multipart",
    )
    assert response.status_code == 400 and "attachment" in response.json()
    assert not CaseStep.objects.filter(case=case).exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"action": "fly"}, "action"),
        ({"action": "record_violation", "occurred_on": "31/02/2026"}, "occurred_on"),
        ({"action": "record_violation", "expected_version": "x"}, "expected_version"),
    ],
)
def test_bad_input_is_a_400_with_the_field(
    payload: dict[str, Any], field: str, api: Any, inspector_a: Any
) -> None:
    case = open_case(inspector_a)
    response = api(inspector_a, "en").post(url(case, "transitions"), payload, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_an_auditor_gets_403_and_another_ward_404(
    api: Any, inspector_a: Any, auditor: Any, inspector_b: Any
) -> None:
    case = open_case(inspector_a)
    payload = {"action": "record_violation", **SAMPLE_DATA["record_violation"]}
    denied = api(auditor, "en").post(url(case, "transitions"), payload, format="json")
    assert denied.status_code == 403 and "never act" in denied.json()["detail"]
    hidden = api(inspector_b).post(url(case, "transitions"), payload, format="json")
    assert hidden.status_code == 404
    assert api(inspector_b).get(url(case, "actions")).status_code == 404


def test_a_stale_version_is_a_409_that_says_what_happened(
    api: Any, inspector_a: Any, leader_a: Any
) -> None:
    case = open_case(inspector_a)
    case_transition(
        actor=leader_a, case=case, action="cancel", data=data_for("cancel", timezone.localdate())
    )
    payload = {
        "action": "record_violation",
        "expected_version": 1,
        **data_for("record_violation", timezone.localdate()),
    }
    response = api(inspector_a, "en").post(url(case, "transitions"), payload, format="json")
    assert response.status_code == 409
    detail = response.json()["detail"]
    assert "leader_a" in detail and "Cancel the case" in detail and "Closed" in detail


def test_the_wrong_stage_is_a_409(api: Any, inspector_a: Any, ward_a: Any) -> None:
    case = CaseFactory(ward=ward_a, stage=Stage.CLOSED)
    payload = {"action": "record_violation", **data_for("record_violation", timezone.localdate())}
    response = api(inspector_a, "en").post(url(case, "transitions"), payload, format="json")
    assert response.status_code == 409 and response.json()["code"] == "wrong_stage"


def test_the_case_list_query_count_does_not_grow_with_workflow_fields(
    api: Any, inspector_a: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(3):
        open_case(inspector_a)
    client = api(inspector_a)
    with django_assert_max_num_queries(8) as few:
        assert client.get("/api/cases/").status_code == 200
    for _ in range(7):
        open_case(inspector_a)
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get("/api/cases/").json()
    assert all(f["properties"]["deadline"]["rule"] == "record" for f in body["features"])
