"""Dates and times outside what a ward can have recorded are refused, never stored.

Python's datetime ends at years 1 and 9999: a time at either end, once shifted
to another time zone, cannot be represented, and every page showing it would
fail. Such input is refused with a 400 that names the field.
"""

from __future__ import annotations

import datetime
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

SITE_LAT, SITE_LON = 10.77, 106.69
OPEN = {"lat": 10.775, "lon": 106.685, "violation_type": "art16_7"}


@pytest.fixture
def case_a(inspector_a: Any) -> ViolationCase:
    return open_case(inspector_a, days_ago=3)


@pytest.mark.parametrize(
    "captured_at",
    [
        "0001-01-01T00:00:00",
        "0001-01-01T00:00:00+14:00",
        "1999-12-31T23:59:59+07:00",
        "9999-12-31T23:59:59",
        "2200-01-01T00:00:00+07:00",
    ],
)
def test_a_capture_time_outside_the_plausible_window_is_refused(
    api: Any, inspector_a: Any, case_a: Any, captured_at: str
) -> None:
    response = upload(api(inspector_a, "en"), case_a, imagery.jpeg(), captured_at=captured_at)
    assert response.status_code == 400, response.content
    assert "captured_at" in response.json()
    assert "check the" in messages_of(response).lower()
    assert not SitePhoto.objects.exists()
    # And the case stays readable everywhere it is shown.
    client = api(inspector_a, "en")
    assert client.get(f"/api/cases/{case_a.pk}/photos/").status_code == 200
    assert client.get(f"/api/map/cases/{case_a.pk}/").status_code == 200
    assert logged_in(inspector_a).get(f"/cases/{case_a.pk}/").status_code == 200


def test_a_capture_time_a_little_ahead_is_kept_with_its_warning(
    api: Any, inspector_a: Any, case_a: Any
) -> None:
    # A phone clock some hours fast is a known fault: the photo is evidence all the same.
    ahead = (timezone.now() + datetime.timedelta(hours=2)).isoformat()
    response = upload(
        api(inspector_a, "en"),
        case_a,
        imagery.jpeg(),
        captured_at=ahead,
        device_lat=SITE_LAT,
        device_lon=SITE_LON,
    )
    assert response.status_code == 201, response.content
    assert [w["code"] for w in response.json()["warnings"]] == ["in_future"]


def test_the_first_day_of_2000_is_still_a_capture_time(
    api: Any, inspector_a: Any, case_a: Any
) -> None:
    response = upload(
        api(inspector_a, "en"), case_a, imagery.jpeg(), captured_at="2000-01-01T00:00:00+07:00"
    )
    assert response.status_code == 201, response.content


@pytest.mark.parametrize(
    "detected_at",
    ["0001-01-01T00:00:00", "0001-01-01T00:00:00Z", "1999-12-31T12:00:00+07:00"],
)
def test_a_detection_time_before_2000_is_refused(
    api: Any, inspector_a: Any, detected_at: str
) -> None:
    response = api(inspector_a, "en").post(
        "/api/cases/", {**OPEN, "detected_at": detected_at}, format="json"
    )
    assert response.status_code == 400, response.content
    assert "detected_at" in response.json()
    assert "2000" in messages_of(response)
    assert not ViolationCase.objects.exists()


@pytest.mark.parametrize("detected_at", ["9999-12-31T23:59:59", "9999-12-31T23:59:59+07:00"])
def test_a_detection_time_at_the_end_of_the_calendar_is_in_the_future(
    api: Any, inspector_a: Any, detected_at: str
) -> None:
    response = api(inspector_a, "en").post(
        "/api/cases/", {**OPEN, "detected_at": detected_at}, format="json"
    )
    assert response.status_code == 400, response.content
    assert "in the future" in messages_of(response)
    assert not ViolationCase.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("occurred_on", "0001-01-01"),
        ("occurred_on", "9999-12-31"),
        ("violator_birth_date", "0001-01-01"),
        ("violator_birth_date", "1850-06-01"),
        ("violator_birth_date", "9999-12-31"),
    ],
)
def test_workflow_dates_outside_their_window_are_refused_by_the_api(
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
    case_a.refresh_from_db()
    assert case_a.stage == Stage.DETECTED and not CaseStep.objects.exists()


def test_a_planned_enforcement_date_decades_ahead_is_refused(
    api: Any, case_at: Any, leader_a: Any
) -> None:
    case = case_at(Stage.SELF_DEMOLITION)
    day = max(timezone.localdate(), case.stage_deadline + datetime.timedelta(days=1))
    if day > timezone.localdate():
        pytest.skip("the demolition period of the walked case has not ended yet")
    payload = {
        "action": "decide_enforcement",
        **data_for("decide_enforcement", day),
        "enforcement_date": "9999-12-31",
    }
    response = api(leader_a, "en").post(
        f"/api/cases/{case.pk}/transitions/", payload, format="json"
    )
    assert response.status_code == 400, response.content
    assert "enforcement_date" in response.json()
    case.refresh_from_db()
    assert case.stage == Stage.SELF_DEMOLITION


def test_a_birth_date_in_year_one_on_the_details_form_is_refused(
    inspector_a: Any, case_a: Any
) -> None:
    form = {**SAMPLE_DATA["record_violation"], "violator_kind": "individual"}
    form["violator_birth_date"] = "01/01/0001"
    form["works_class"] = "individual_house"
    events = CaseEvent.objects.count()
    response = logged_in(inspector_a).post(f"/cases/{case_a.pk}/details/", form)
    assert response.status_code == 400
    assert "1900" in response.content.decode()
    case_a.refresh_from_db()
    assert case_a.violator_birth_date is None and CaseEvent.objects.count() == events


@pytest.mark.parametrize(
    "query",
    [
        "opened_month=0000-01",
        "opened_month=9999-12",
        "closed_month=0000-01",
        "closed_month=9999-12",
        "opened_month=1999-12",
        "detected_from=0001-01-01",
        "detected_to=9999-12-31",
    ],
)
def test_month_and_day_filters_outside_the_years_of_records_are_a_400(
    auditor: Any, inspector_a: Any, case_a: Any, query: str
) -> None:
    response = logged_in(inspector_a).get(f"/cases/?{query}")
    assert response.status_code == 400
    assert "2000" in response.content.decode()
    # The exports answer a bad filter as the dashboard does: the filter is named, no 500.
    export = logged_in(auditor).get(f"/audit/export/cases.csv?{query}")
    assert export.status_code == 400
    assert "2000" in export.content.decode()
    api_answer = logged_in(auditor).get(f"/api/audit/dashboard/?{query}")
    assert api_answer.status_code == 400


def test_a_month_filter_inside_the_window_still_works(inspector_a: Any, case_a: Any) -> None:
    month = timezone.localdate(case_a.detected_at).strftime("%Y-%m")
    response = logged_in(inspector_a).get(f"/cases/?opened_month={month}")
    assert response.status_code == 200
    assert case_a.code in response.content.decode()
