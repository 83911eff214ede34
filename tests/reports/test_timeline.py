"""A case's timeline, page and API, read from its tamper-evident events."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import NoReverseMatch, reverse

from backend.audit.services import case_event_record
from tests.reports.conftest import NOW, City

pytestmark = pytest.mark.django_db


@pytest.fixture
def a1_extra(city: City, inspector_a: Any) -> City:
    # A photo taken on the way, and a note about 06/01 entered after everything else.
    case_event_record(
        case=city.a1,
        actor=inspector_a,
        kind="photo_added",
        payload={"photo_id": 41, "sha256": "ab" * 32, "warnings": ["stale"], "duplicate": False,
                 "occurred_on": "2026-01-07"},
    )  # fmt: skip
    case_event_record(
        case=city.a1,
        actor=inspector_a,
        kind="note",
        payload={"occurred_on": "2026-01-06", "note": "Chủ nhà vắng mặt"},
    )
    return city


def test_the_timeline_lists_every_step_in_legal_order(
    a1_extra: City, auditor: Any, api: Any
) -> None:
    response = api(auditor).get(reverse("api-case-timeline", args=[a1_extra.a1.pk]))
    assert response.status_code == 200
    data = response.json()
    events = data["events"]
    assert [(e["occurred_on"], e["kind"]) for e in events] == [
        ("2026-01-05", "opened"),
        ("2026-01-06", "note"),
        ("2026-01-07", "stage_changed"),
        ("2026-01-07", "photo_added"),
        ("2026-01-20", "stage_changed"),
        ("2026-02-10", "stage_changed"),
    ]
    record, decision = events[2], events[4]
    assert (record["stage_before"], record["stage_after"]) == ("detected", "suspended")
    assert record["document"]["type"] == "MBB01" and record["document"]["number"] == "1/BB-VPHC"
    assert record["deadline"]["due"] == "2026-01-07" and record["on_time"] is True
    assert record["days_late"] == 0 and record["next_deadline"]["due"] == "2026-01-16"
    assert record["actor_username"] == "inspector_a"
    assert decision["on_time"] is False and decision["days_late"] == 4
    assert decision["document"]["signer"] == "Trần Chủ Tịch"
    assert decision["actor_username"] == "leader_a"
    assert events[0]["next_deadline"]["due"] == "2026-01-07"
    photo = events[3]["photo"]
    assert photo["id"] == 41 and photo["warnings"] == ["stale"]
    try:
        expected = reverse("photo_file", kwargs={"pk": 41, "variant": "thumbnail"})
    except NoReverseMatch:
        expected = None
    assert photo["thumbnail_url"] == expected
    # Entered after the fact: every event here was recorded today, long after its legal date.
    assert all(e["entered_later"] for e in events)
    assert data["summary"] == {
        "steps": 3,
        "timed_steps": 3,
        "late_steps": 1,
        "days_late_total": 4,
        "photos": 1,
    }


def test_a_step_without_a_verdict_is_judged_from_its_dates(
    city: City, leader_a: Any, api: Any
) -> None:
    case_event_record(
        case=city.a2,
        actor=leader_a,
        kind="stage_changed",
        stage_before="suspended",
        stage_after="halted",
        payload={"occurred_on": "2026-02-20", "deadline": {"due": "2026-02-13"}},
    )
    events = api(leader_a).get(reverse("api-case-timeline", args=[city.a2.pk])).json()["events"]
    assert (events[-1]["on_time"], events[-1]["days_late"]) == (False, 7)


def test_other_wards_timelines_are_not_found(city: City, inspector_b: Any, api: Any) -> None:
    client = api(inspector_b)
    assert client.get(reverse("api-case-timeline", args=[city.a1.pk])).status_code == 404
    assert client.get(reverse("api-case-timeline", args=[city.b2.pk])).status_code == 200
    page = Client()
    page.force_login(inspector_b)
    assert page.get(reverse("case_timeline", args=[city.a1.pk])).status_code == 404
    assert page.get(reverse("case_timeline", args=[99_999_999])).status_code == 404


def test_the_timeline_api_runs_a_fixed_number_of_queries(
    a1_extra: City, auditor: Any, api: Any, django_assert_num_queries: Any
) -> None:
    client = api(auditor)
    with django_assert_num_queries(2):
        assert client.get(reverse("api-case-timeline", args=[a1_extra.a1.pk])).status_code == 200


@time_machine.travel(NOW, tick=False)
def test_the_timeline_page_shows_documents_deadlines_and_lateness(
    a1_extra: City, auditor: Any
) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(auditor)
    response = client.get(reverse("case_timeline", args=[a1_extra.a1.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="event kind-') == 6
    assert "1/BB-VPHC" in html and "7/QĐ-XPHC" in html
    assert "16/01/2026" in html  # the deadline the decision answered
    assert "4 days late" in html
    assert "Chủ nhà vắng mặt" in html
    # Legal order: the note of 06/01 comes before the record of 07/01.
    assert html.index("Chủ nhà vắng mặt") < html.index("1/BB-VPHC")
