"""Opening a case through POST /api/cases/: what is stored, numbered and recorded."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.contrib.gis.geos import Point, Polygon
from django.utils import timezone

from backend.audit.models import CaseEvent
from backend.cases.models import ViolationCase, YearlyCounter
from backend.cases.services.opening import case_open
from tests.foundation.support import error_text, written_counts

URL = "/api/cases/"
IN_A = {"lat": 10.775, "lon": 106.685}
IN_B = {"lat": 10.775, "lon": 106.715}


def open_payload(**extra: Any) -> dict[str, Any]:
    return {**IN_A, "violation_type": "art16_7", **extra}


def square_around(lon: float, lat: float, half: float = 0.0001) -> dict[str, Any]:
    return {
        "type": "Polygon",
        "coordinates": [
            [
                [lon - half, lat - half],
                [lon + half, lat - half],
                [lon + half, lat + half],
                [lon - half, lat + half],
                [lon - half, lat - half],
            ]
        ],
    }


BOW_TIE = {
    "type": "Polygon",
    "coordinates": [
        [
            [106.685, 10.775],
            [106.6852, 10.7752],
            [106.6852, 10.775],
            [106.685, 10.7752],
            [106.685, 10.775],
        ]
    ],
}


@pytest.mark.django_db
def test_opening_returns_the_case_as_a_geojson_feature(api: Any, inspector_a: Any) -> None:
    response = api(inspector_a, "en").post(
        URL, open_payload(address=" 12 Lê Lợi ", description="Thêm tầng 5"), format="json"
    )

    assert response.status_code == 201, response.content
    feature = response.json()
    assert feature["type"] == "Feature"
    assert feature["geometry"]["type"] == "Point"
    assert feature["geometry"]["coordinates"] == pytest.approx([106.685, 10.775])
    props = feature["properties"]
    year = timezone.localdate().year
    assert props["code"] == f"WARDA-{year}-0001"
    assert props["ward"] == "90001"
    assert props["ward_name"] == "Phường A"
    assert props["stage"] == "detected"
    assert props["violation_type"] == "art16_7"
    assert props["address"] == "12 Lê Lợi"
    assert props["description"] == "Thêm tầng 5"
    assert props["opened_by"] == "inspector_a"
    assert props["assigned_inspector"] == "inspector_a"
    assert props["permit"] is None
    assert props["permit_match"] == "none"
    assert props["stage_deadline"] is not None
    stored = ViolationCase.objects.get(pk=feature["id"])
    assert stored.code == props["code"]
    assert stored.opened_by == inspector_a


@pytest.mark.django_db
def test_opening_writes_exactly_one_opened_event_with_actor_and_payload(
    api: Any, leader_a: Any, inspector_a: Any
) -> None:
    response = api(leader_a).post(
        URL,
        open_payload(detected_at="2026-03-02T09:30:00+07:00", assigned_inspector="inspector_a"),
        format="json",
    )

    assert response.status_code == 201, response.content
    events = list(CaseEvent.objects.filter(case_id=response.json()["id"]))
    assert len(events) == 1
    event = events[0]
    assert event.kind == "opened"
    assert event.actor == leader_a
    assert event.stage_before == ""
    assert event.stage_after == "detected"
    assert event.payload["code"] == "WARDA-2026-0001"
    assert event.payload["ward"] == "90001"
    assert event.payload["occurred_on"] == "2026-03-02"
    assert event.payload["violation_type"] == "art16_7"
    assert event.payload["location"] == pytest.approx([106.685, 10.775])
    assert event.payload["permit"] is None
    assert event.payload["permit_match"] == "none"
    # Decree 118/2021: the record is due 2 working days after detection (Mon -> Wed).
    assert event.payload["stage_deadline"] == "2026-03-04"
    case = ViolationCase.objects.get(pk=response.json()["id"])
    assert case.assigned_inspector == inspector_a
    assert case.opened_by == leader_a


@pytest.mark.django_db
def test_codes_are_numbered_without_gaps_per_ward_and_independent_between_wards(
    api: Any, inspector_a: Any, inspector_b: Any
) -> None:
    client_a, client_b = api(inspector_a, "en"), api(inspector_b, "en")
    when = {"detected_at": "2026-05-04T08:00:00+07:00"}

    first = client_a.post(URL, open_payload(**when), format="json")
    failed = client_a.post(URL, open_payload(footprint=BOW_TIE, **when), format="json")
    second = client_a.post(URL, open_payload(**when), format="json")
    in_b = client_b.post(URL, {**IN_B, "violation_type": "art16_9", **when}, format="json")
    third = client_a.post(URL, open_payload(**when), format="json")

    assert failed.status_code == 400
    codes = [r.json()["properties"]["code"] for r in (first, second, in_b, third)]
    assert codes == ["WARDA-2026-0001", "WARDA-2026-0002", "WARDB-2026-0001", "WARDA-2026-0003"]


@pytest.mark.django_db
def test_numbering_restarts_each_year_by_the_local_detection_date(
    api: Any, inspector_a: Any
) -> None:
    client = api(inspector_a)
    # 16:30 UTC on 31/12 is 23:30 in Ho Chi Minh City; 17:30 UTC is already 1/1.
    late_2025 = client.post(URL, open_payload(detected_at="2025-12-31T16:30:00Z"), format="json")
    early_2026 = client.post(URL, open_payload(detected_at="2025-12-31T17:30:00Z"), format="json")
    again_2025 = client.post(URL, open_payload(detected_at="2025-11-03T10:00:00Z"), format="json")

    codes = [r.json()["properties"]["code"] for r in (late_2025, early_2026, again_2025)]
    assert codes == ["WARDA-2025-0001", "WARDA-2026-0001", "WARDA-2025-0002"]


@pytest.mark.django_db
def test_a_refused_open_takes_no_number_and_writes_nothing(api: Any, inspector_a: Any) -> None:
    client = api(inspector_a, "en")
    ok = client.post(URL, open_payload(), format="json")
    before = written_counts()

    far_footprint = square_around(106.695, 10.765)  # about 1 km away
    refused = client.post(URL, open_payload(footprint=far_footprint), format="json")

    assert refused.status_code == 400
    assert written_counts() == before
    year = timezone.localdate().year
    assert YearlyCounter.objects.get(ward__code="90001", year=year).last_value == 1
    after = client.post(URL, open_payload(), format="json")
    assert ok.json()["properties"]["code"].endswith("-0001")
    assert after.json()["properties"]["code"].endswith("-0002")


@pytest.mark.django_db
def test_geojson_location_and_lat_lon_open_the_same_place(api: Any, inspector_a: Any) -> None:
    client = api(inspector_a)
    by_lat_lon = client.post(URL, open_payload(), format="json")
    by_geojson = client.post(
        URL,
        {
            "location": {"type": "Point", "coordinates": [106.685, 10.775]},
            "violation_type": "art16_7",
        },
        format="json",
    )
    by_text_numbers = client.post(
        URL, {"lat": "10.775", "lon": "106.685", "violation_type": "art16_7"}, format="json"
    )

    for response in (by_lat_lon, by_geojson, by_text_numbers):
        assert response.status_code == 201, response.content
    locations = [
        ViolationCase.objects.get(pk=r.json()["id"]).location
        for r in (by_lat_lon, by_geojson, by_text_numbers)
    ]
    assert all((p.x, p.y) == (106.685, 10.775) and p.srid == 4326 for p in locations)


@pytest.mark.django_db
def test_location_with_altitude_is_stored_flat(api: Any, inspector_a: Any) -> None:
    response = api(inspector_a).post(
        URL,
        {
            "location": {"type": "Point", "coordinates": [106.685, 10.775, 12.5]},
            "violation_type": "art16_7",
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    assert not ViolationCase.objects.get(pk=response.json()["id"]).location.hasz


@pytest.mark.django_db
def test_location_given_in_vn2000_is_reprojected_into_the_right_ward(
    api: Any, inspector_b: Any
) -> None:
    # Ben Thanh in VN-2000 / UTM 48N metres: about (106.7029, 10.7684) in WGS 84, ward B.
    location = {
        "type": "Point",
        "coordinates": [686000, 1191000],
        "crs": {"type": "name", "properties": {"name": "EPSG:3405"}},
    }
    response = api(inspector_b).post(
        URL, {"location": location, "violation_type": "art16_7"}, format="json"
    )

    assert response.status_code == 201, response.content
    point = ViolationCase.objects.get(pk=response.json()["id"]).location
    assert point.srid == 4326
    assert 106.70 < point.x < 106.71 and 10.76 < point.y < 10.78
    assert response.json()["properties"]["ward"] == "90002"


@pytest.mark.django_db
def test_footprint_is_stored_and_returned(api: Any, inspector_a: Any) -> None:
    footprint = square_around(106.685, 10.775)
    response = api(inspector_a).post(URL, open_payload(footprint=footprint), format="json")

    assert response.status_code == 201, response.content
    stored = ViolationCase.objects.get(pk=response.json()["id"]).footprint
    assert isinstance(stored, Polygon) and stored.srid == 4326
    assert stored.equals_exact(Polygon(footprint["coordinates"][0]), tolerance=1e-9)
    returned = api(inspector_a).get(f"{URL}{response.json()['id']}/").json()
    assert returned["properties"]["footprint"]["type"] == "Polygon"
    assert returned["properties"]["footprint"]["coordinates"][0][0] == pytest.approx(
        footprint["coordinates"][0][0]
    )


@pytest.mark.django_db
def test_footprint_with_altitudes_is_stored_flat(api: Any, inspector_a: Any) -> None:
    footprint = square_around(106.685, 10.775)
    footprint["coordinates"] = [[[x, y, 7.0] for x, y in footprint["coordinates"][0]]]
    response = api(inspector_a).post(URL, open_payload(footprint=footprint), format="json")

    assert response.status_code == 201, response.content
    assert not ViolationCase.objects.get(pk=response.json()["id"]).footprint.hasz


@pytest.mark.django_db
def test_case_detail_returns_the_opened_case(api: Any, inspector_a: Any) -> None:
    opened = api(inspector_a).post(URL, open_payload(), format="json").json()
    detail = api(inspector_a).get(f"{URL}{opened['id']}/")

    assert detail.status_code == 200
    assert detail.json() == opened


@pytest.mark.django_db
def test_detection_time_defaults_to_now_and_a_past_time_is_kept(api: Any, inspector_a: Any) -> None:
    start = timezone.now()
    now_case = api(inspector_a).post(URL, open_payload(), format="json").json()
    past_case = (
        api(inspector_a)
        .post(URL, open_payload(detected_at="2026-02-10T08:15:00+07:00"), format="json")
        .json()
    )

    detected_now = ViolationCase.objects.get(pk=now_case["id"]).detected_at
    assert start <= detected_now <= timezone.now()
    detected_past = ViolationCase.objects.get(pk=past_case["id"]).detected_at
    assert detected_past == datetime.datetime(2026, 2, 10, 1, 15, tzinfo=datetime.UTC)


@pytest.mark.django_db
def test_case_code_has_the_ward_slug_year_and_four_digits(inspector_a: Any) -> None:
    case = case_open(
        actor=inspector_a, location=Point(106.685, 10.775, srid=4326), violation_type="art16_10"
    )
    assert re.fullmatch(r"WARDA-\d{4}-\d{4}", case.code)
    assert (case.year, case.sequence) == (timezone.localdate().year, 1)


@pytest.mark.django_db
def test_inspector_of_another_ward_cannot_be_assigned(
    api: Any, leader_a: Any, inspector_b: Any
) -> None:
    before = written_counts()
    response = api(leader_a, "en").post(
        URL, open_payload(assigned_inspector="inspector_b"), format="json"
    )

    assert response.status_code == 400
    assert "must be an active inspector of the case" in error_text(response)
    assert written_counts() == before
