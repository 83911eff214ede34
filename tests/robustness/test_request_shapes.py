"""Bodies of the wrong shape are refused with a 400, never read as something else."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.utils import timezone

from backend.cases.models import CaseStep, Stage, ViolationCase
from backend.notifications.models import Notification
from tests.cases.conftest import data_for, open_case
from tests.robustness.conftest import logged_in, messages_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_a(inspector_a: Any) -> ViolationCase:
    return open_case(inspector_a, days_ago=3)


# --- The transitions endpoint ----------------------------------------------------
@pytest.mark.parametrize("body", ["[1]", "null", '"x"', "3", "true", "[]"])
def test_a_transition_body_that_is_not_an_object_is_a_400(
    api: Any, inspector_a: Any, case_a: Any, body: str
) -> None:
    response = api(inspector_a, "en").post(
        f"/api/cases/{case_a.pk}/transitions/", body, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert "object" in messages_of(response)


@pytest.mark.parametrize("nested", [[1, 2], "occurred_on=2026-01-01", 7])
def test_nested_data_that_is_not_an_object_is_a_400_not_ignored(
    api: Any, inspector_a: Any, case_a: Any, nested: Any
) -> None:
    payload = {
        "action": "record_violation",
        **data_for("record_violation", timezone.localdate()),
        "data": nested,
    }
    response = api(inspector_a, "en").post(
        f"/api/cases/{case_a.pk}/transitions/", payload, format="json"
    )
    assert response.status_code == 400, response.content
    assert "data" in response.json()
    assert not CaseStep.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("violator_name", {"a": 1}),
        ("violator_name", ["Nguyễn", "Văn"]),
        ("conduct", 12345),
        ("note", {"text": "x"}),
        ("witnesses", True),
        ("address", 1.5),
    ],
)
def test_a_non_string_for_a_text_field_is_a_400(
    api: Any, inspector_a: Any, case_a: Any, field: str, value: Any
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
    assert "text" in messages_of(response)
    case_a.refresh_from_db()
    assert case_a.stage == Stage.DETECTED and case_a.violator_name == ""


@pytest.mark.parametrize("version", [True, 1.5, "1.0", [1], {"v": 1}])
def test_an_expected_version_that_is_not_a_whole_number_is_a_400(
    api: Any, inspector_a: Any, case_a: Any, version: Any
) -> None:
    payload = {
        "action": "record_violation",
        **data_for("record_violation", timezone.localdate()),
        "expected_version": version,
    }
    response = api(inspector_a, "en").post(
        f"/api/cases/{case_a.pk}/transitions/", payload, format="json"
    )
    assert response.status_code == 400, response.content
    assert "expected_version" in response.json()
    assert not CaseStep.objects.exists()


# --- The case page -----------------------------------------------------------------
@pytest.mark.parametrize("version", ["abc", "1.5", "1e3", "١"])
def test_a_bad_expected_version_on_the_case_page_is_a_400_with_a_message(
    inspector_a: Any, case_a: Any, version: str
) -> None:
    form = {
        "action": "record_violation",
        **data_for("record_violation", timezone.localdate()),
        "violator_kind": "individual",
        "works_class": "individual_house",
        "signer": "Cán bộ A",
        "expected_version": version,
    }
    response = logged_in(inspector_a).post(f"/cases/{case_a.pk}/act/", form)
    assert response.status_code == 400
    assert "expected_version must be a whole number" in response.content.decode()
    case_a.refresh_from_db()
    assert case_a.stage == Stage.DETECTED


# --- Notifications -----------------------------------------------------------------
def _notify(user: Any, case: Any, key: str) -> Notification:
    return Notification.objects.create(
        recipient=user, case=case, kind="deadline_passed", key=key, params={}
    )


@pytest.mark.parametrize("body", ["[1, 2]", "[]", "null", '"all"', "1", "{}", '{"all": 1}'])
def test_marking_read_with_an_unclear_body_marks_nothing(
    api: Any, inspector_a: Any, case_a: Any, body: str
) -> None:
    _notify(inspector_a, case_a, "a")
    _notify(inspector_a, case_a, "b")
    response = api(inspector_a, "en").post(
        "/api/notifications/read/", body, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert '"all": true' in messages_of(response)
    assert Notification.objects.filter(read_at__isnull=True).count() == 2


def test_all_true_marks_every_notification_read(api: Any, inspector_a: Any, case_a: Any) -> None:
    _notify(inspector_a, case_a, "a")
    _notify(inspector_a, case_a, "b")
    response = api(inspector_a, "en").post(
        "/api/notifications/read/", json.dumps({"all": True}), content_type="application/json"
    )
    assert response.json() == {"marked": 2}


def test_ids_mark_only_those(api: Any, inspector_a: Any, case_a: Any) -> None:
    first = _notify(inspector_a, case_a, "a")
    _notify(inspector_a, case_a, "b")
    response = api(inspector_a, "en").post(
        "/api/notifications/read/", {"ids": [first.pk]}, format="json"
    )
    assert response.json() == {"marked": 1}
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


@pytest.mark.parametrize(
    "body", [{"ids": [True]}, {"ids": "1"}, {"ids": [1], "all": True}, {"ids": [10**30]}]
)
def test_bad_ids_are_a_400(api: Any, inspector_a: Any, case_a: Any, body: Any) -> None:
    _notify(inspector_a, case_a, "a")
    response = api(inspector_a, "en").post("/api/notifications/read/", body, format="json")
    assert response.status_code == 400, response.content
    assert Notification.objects.filter(read_at__isnull=True).count() == 1
