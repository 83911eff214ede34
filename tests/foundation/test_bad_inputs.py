"""Bad input gets a 400 with a message an officer understands, and nothing is written."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from tests.foundation.support import error_text, written_counts

URL = "/api/cases/"
GOOD = {"lat": 10.775, "lon": 106.685, "violation_type": "art16_7"}


def square(lon: float, lat: float, half: float = 0.0001) -> list[list[float]]:
    return [
        [lon - half, lat - half],
        [lon + half, lat - half],
        [lon + half, lat + half],
        [lon - half, lat + half],
        [lon - half, lat - half],
    ]


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
NO_POSITION = {"violation_type": "art16_7"}


def without_position(**extra: Any) -> dict[str, Any]:
    return {**NO_POSITION, **extra}


# (id, payload, field at fault, service error code or None, English words in the message)
BAD_OPENS = [
    (
        "swapped lat/lon",
        {**GOOD, "lat": 106.685, "lon": 10.775},
        "location",
        "swapped",
        "look swapped",
    ),
    (
        "swapped GeoJSON axes",
        without_position(location={"type": "Point", "coordinates": [10.775, 106.685]}),
        "location",
        "swapped",
        "look swapped",
    ),
    (
        "outside Vietnam",
        {**GOOD, "lat": 48.8566, "lon": 2.3522},
        "location",
        "outside_vietnam",
        "outside Vietnam",
    ),
    (
        "latitude over 90",
        {**GOOD, "lat": 95.0, "lon": 106.685},
        "location",
        "out_of_range",
        "not valid degrees",
    ),
    (
        "longitude over 180",
        {**GOOD, "lat": 10.775, "lon": 206.685},
        "location",
        "out_of_range",
        "not valid degrees",
    ),
    ("non-numeric latitude", {**GOOD, "lat": "mười"}, "lat", None, "valid number"),
    ("infinite longitude", {**GOOD, "lon": "1e999"}, "lon", None, "valid number"),
    (
        "non-numeric GeoJSON coordinates",
        without_position(location={"type": "Point", "coordinates": ["10.7", "106.6"]}),
        "location",
        None,
        "GeoJSON",
    ),
    (
        "infinite GeoJSON coordinate",
        without_position(location='{"type": "Point", "coordinates": [1e999, 10.775]}'),
        "location",
        "not_a_number",
        "must be numbers",
    ),
    ("missing position", NO_POSITION, "location", None, "Give the position"),
    (
        "latitude without longitude",
        without_position(lat=10.775),
        "location",
        None,
        "Give the position",
    ),
    (
        "location that is a line",
        without_position(
            location={"type": "LineString", "coordinates": [[106.685, 10.775], [106.686, 10.776]]}
        ),
        "location",
        None,
        "must be a GeoJSON Point",
    ),
    (
        "location that is a polygon",
        without_position(location={"type": "Polygon", "coordinates": [square(106.685, 10.775)]}),
        "location",
        None,
        "must be a GeoJSON Point",
    ),
    (
        "empty point",
        without_position(location="POINT EMPTY"),
        "location",
        None,
        "must be a GeoJSON Point",
    ),
    (
        "GeoJSON without coordinates",
        without_position(location={"type": "Point"}),
        "location",
        None,
        "GeoJSON",
    ),
    ("location that is a number", without_position(location=5), "location", None, "cannot be read"),
    (
        "location in an unknown CRS",
        without_position(
            location={
                "type": "Point",
                "coordinates": [106.685, 10.775],
                "crs": {"type": "name", "properties": {"name": "EPSG:99999"}},
            }
        ),
        "location",
        None,
        "coordinate system named in “crs” is not known",
    ),
    (
        "point outside every ward",
        {**GOOD, "lat": 10.775, "lon": 106.60},
        "location",
        "outside_wards",
        "not inside any ward",
    ),
    (
        "point in another ward",
        {**GOOD, "lon": 106.715},
        "location",
        "outside_your_wards",
        "Phường B",
    ),
    (
        "bow-tie footprint",
        {**GOOD, "footprint": BOW_TIE},
        "footprint",
        "invalid",
        "Self-intersection",
    ),
    (
        "footprint that is a line",
        {
            **GOOD,
            "footprint": {
                "type": "LineString",
                "coordinates": [[106.685, 10.775], [106.686, 10.776]],
            },
        },
        "footprint",
        "wrong_type",
        "polygon is expected",
    ),
    (
        "footprint that is a point",
        {**GOOD, "footprint": {"type": "Point", "coordinates": [106.685, 10.775]}},
        "footprint",
        "wrong_type",
        "polygon is expected",
    ),
    (
        "footprint of two polygons",
        {
            **GOOD,
            "footprint": {
                "type": "MultiPolygon",
                "coordinates": [[square(106.685, 10.775)], [square(106.686, 10.776)]],
            },
        },
        "footprint",
        "wrong_type",
        "single polygon",
    ),
    (
        "footprint with an open ring",
        {**GOOD, "footprint": {"type": "Polygon", "coordinates": [square(106.685, 10.775)[:4]]}},
        "footprint",
        None,
        "GeoJSON",
    ),
    (
        "footprint far from the point",
        {**GOOD, "footprint": {"type": "Polygon", "coordinates": [square(106.695, 10.765)]}},
        "footprint",
        "footprint_far",
        "from the case position",
    ),
    (
        "footprint beyond the pole",
        {**GOOD, "footprint": {"type": "Polygon", "coordinates": [square(106.685, 95.0)]}},
        "footprint",
        None,
        "latitude -90..90",
    ),
    (
        "footprint with an infinite coordinate",
        {
            **GOOD,
            "footprint": '{"type": "Polygon", "coordinates": [[[106.685, 10.775], [1e999, 10.775], '
            "[106.686, 10.776], [106.685, 10.775]]]}",
        },
        "footprint",
        None,
        "polygon",
    ),
    ("footprint text", {**GOOD, "footprint": "not a polygon"}, "footprint", None, "cannot be read"),
    (
        "unknown violation type",
        {**GOOD, "violation_type": "art16_99"},
        "violation_type",
        "unknown_violation_type",
        "Unknown violation type",
    ),
    ("missing violation type", {"lat": 10.775, "lon": 106.685}, "violation_type", None, "required"),
    (
        "inspector of another ward",
        {**GOOD, "assigned_inspector": "inspector_b"},
        "assigned_inspector",
        None,
        "must be an active inspector of the case",
    ),
    (
        "leader as inspector",
        {**GOOD, "assigned_inspector": "leader_a"},
        "assigned_inspector",
        None,
        "must be an active inspector of the case",
    ),
    (
        "unknown inspector",
        {**GOOD, "assigned_inspector": "nobody"},
        "assigned_inspector",
        None,
        "must be an active inspector of the case",
    ),
    (
        "detection time that is not a time",
        {**GOOD, "detected_at": "hôm qua"},
        "detected_at",
        None,
        "Datetime has wrong format",
    ),
    ("address too long", {**GOOD, "address": "x" * 301}, "address", None, "300 characters"),
    (
        "address with a NUL byte",
        {**GOOD, "address": "12\x00 Lê Lợi"},
        "address",
        None,
        "NUL character",
    ),
]


@pytest.fixture
def everyone(inspector_a: Any, inspector_b: Any, leader_a: Any) -> None:
    """The users named in the payloads."""


@pytest.mark.usefixtures("everyone")
@pytest.mark.parametrize(
    ("payload", "field", "code", "words"),
    [case[1:] for case in BAD_OPENS],
    ids=[case[0] for case in BAD_OPENS],
)
def test_bad_open_is_a_400_with_a_message_and_writes_nothing(
    api: Any, inspector_a: Any, payload: dict[str, Any], field: str, code: str | None, words: str
) -> None:
    before = written_counts()
    response = api(inspector_a, "en").post(URL, payload, format="json")

    assert response.status_code == 400, response.content
    body = response.json()
    assert field in body, body
    assert words in error_text(response), body
    if code is not None:
        assert body["code"] == code
    assert written_counts() == before


def test_detection_time_in_the_future_is_refused(api: Any, inspector_a: Any) -> None:
    before = written_counts()
    tomorrow = (timezone.now() + datetime.timedelta(days=1)).isoformat()
    response = api(inspector_a, "en").post(URL, {**GOOD, "detected_at": tomorrow}, format="json")

    assert response.status_code == 400
    assert "detected_at" in response.json()
    assert "in the future" in error_text(response)
    assert written_counts() == before


def test_detection_time_a_few_minutes_ahead_is_clock_skew_and_accepted(
    api: Any, inspector_a: Any
) -> None:
    soon = (timezone.now() + datetime.timedelta(minutes=3)).isoformat()
    response = api(inspector_a).post(URL, {**GOOD, "detected_at": soon}, format="json")
    assert response.status_code == 201, response.content


def test_body_that_is_not_json_is_a_400(api: Any, inspector_a: Any) -> None:
    before = written_counts()
    response = api(inspector_a, "en").post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert written_counts() == before


LISTS = ["/api/wards/", "/api/permits/", "/api/cases/"]
BAD_QUERIES = [
    ("in_bbox=106.68,10.76,106.72", "four numbers"),
    ("in_bbox=a,b,c,d", "must be numbers"),
    ("in_bbox=106.72,10.76,106.68,10.78", "greater than its maximum"),
    ("in_bbox=10.76,106.68,10.78,106.72", "latitudes"),
    ("in_bbox=nan,10.76,106.72,10.78", "finite"),
]


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize(("query", "words"), BAD_QUERIES)
def test_bad_bbox_is_a_400_naming_the_expected_form(
    api: Any, inspector_a: Any, url: str, query: str, words: str
) -> None:
    response = api(inspector_a, "en").get(f"{url}?{query}")
    assert response.status_code == 400
    assert "in_bbox" in response.json()
    text = error_text(response)
    assert "minlon,minlat,maxlon,maxlat" in text
    assert words in text


@pytest.mark.parametrize(
    ("url", "query", "field"),
    [
        ("/api/cases/", "stage=approved", "stage"),
        ("/api/cases/", "stage=detected,nonsense", "stage"),
        ("/api/cases/", "violation_type=art16_99", "violation_type"),
        ("/api/permits/", "status=pending", "status"),
    ],
)
def test_unknown_filter_value_is_a_400_listing_the_allowed_ones(
    api: Any, inspector_a: Any, url: str, query: str, field: str
) -> None:
    response = api(inspector_a, "en").get(f"{url}?{query}")
    assert response.status_code == 400
    assert field in response.json()
    text = error_text(response)
    assert f"Unknown value for {field}" in text
    assert "Allowed:" in text


@pytest.mark.parametrize(
    "bbox",
    ["106.69,10.77,106.69,10.77", "106.68,10.77,106.70,10.77", "106.69,10.76,106.69,10.78"],
    ids=["a point", "a horizontal line", "a vertical line"],
)
def test_collapsed_bbox_still_finds_what_it_touches(
    api: Any, inspector_a: Any, case_a: Any, bbox: str
) -> None:
    response = api(inspector_a).get(f"/api/cases/?in_bbox={bbox}")
    assert response.status_code == 200
    assert [f["id"] for f in response.json()["features"]] == [case_a.pk]


@pytest.mark.parametrize("query", ["page=abc", "page=0", "page=99"])
def test_page_out_of_range_is_a_404_not_a_500(api: Any, inspector_a: Any, query: str) -> None:
    assert api(inspector_a).get(f"/api/cases/?{query}").status_code == 404


@pytest.mark.parametrize(
    "query", ["page_size=abc", "page_size=-5", "page_size=0", "page_size=99999"]
)
def test_odd_page_size_falls_back_to_a_valid_page(
    api: Any, inspector_a: Any, case_a: Any, query: str
) -> None:
    response = api(inspector_a).get(f"/api/cases/?{query}")
    assert response.status_code == 200
    assert len(response.json()["features"]) == 1
