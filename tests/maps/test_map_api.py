"""GeoJSON viewports, counts, search, popups and the map page."""

from __future__ import annotations

import datetime
import json

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.utils import translation

from backend.accounts.models import Role
from backend.cases.models import Stage, ViolationType
from backend.maps.selectors import geojson, popups
from backend.photos.models import SitePhoto
from tests.factories import PermitFactory, UserFactory, WardFactory, box
from tests.maps.conftest import IN_A, IN_B, make_case

pytestmark = pytest.mark.django_db

BBOX_A = "106.68,10.76,106.70,10.78"
BBOX_BOTH = "106.68,10.76,106.72,10.78"


def parcel_at(lon: float, lat: float) -> MultiPolygon:
    return MultiPolygon(Polygon.from_bbox((lon, lat, lon + 0.0002, lat + 0.0002)), srid=4326)


# --- GeoJSON viewports ---------------------------------------------------------------------


def test_cases_geojson_is_a_feature_collection_of_visible_cases(
    api, inspector_a, ward_a, ward_b, today
):
    mine = make_case(
        ward_a,
        IN_A,
        stage=Stage.SUSPENDED,
        stage_deadline=today - datetime.timedelta(days=1),
        address="5 Lê Lợi",
    )
    make_case(ward_b, IN_B)

    response = api(inspector_a).get(f"/api/map/cases.geojson?bbox={BBOX_BOTH}")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection"
    assert data["truncated"] is False
    (feature,) = data["features"]
    assert feature["id"] == mine.pk
    assert feature["geometry"] == {"type": "Point", "coordinates": [106.69, 10.77]}
    props = feature["properties"]
    assert props["code"] == mine.code
    assert props["stage"] == "suspended"
    assert props["overdue"] is True
    assert props["address"] == "5 Lê Lợi"
    assert props["ward_code"] == "90001"
    assert props["stage_deadline"] == (today - datetime.timedelta(days=1)).isoformat()


def test_cases_geojson_honours_filters_and_bbox(api, auditor, ward_a, ward_b):
    halted = make_case(ward_a, IN_A, stage=Stage.HALTED)
    make_case(ward_a, (106.6901, 10.7701))
    make_case(ward_b, IN_B, stage=Stage.HALTED)

    data = json.loads(
        api(auditor).get(f"/api/map/cases.geojson?bbox={BBOX_A}&stage=halted").content
    )

    assert [f["id"] for f in data["features"]] == [halted.pk]


def test_cases_geojson_is_capped_and_says_so(api, auditor, ward_a, monkeypatch):
    monkeypatch.setattr(geojson, "CASES_GEOJSON_CAP", 2)
    for i in range(3):
        make_case(ward_a, (106.6900 + i * 0.0001, 10.7700))

    data = json.loads(api(auditor).get(f"/api/map/cases.geojson?bbox={BBOX_A}").content)

    assert len(data["features"]) == 2
    assert data["truncated"] is True
    assert data["limit"] == 2


@pytest.mark.parametrize("cases", [1, 6])
def test_cases_geojson_query_count_is_fixed(
    api, inspector_a, ward_a, django_assert_num_queries, cases
):
    for i in range(cases):
        make_case(ward_a, (106.6900 + i * 0.0001, 10.7700))
    client = api(inspector_a)

    # The user's wards, then the whole collection in one statement.
    with django_assert_num_queries(2):
        response = client.get(f"/api/map/cases.geojson?bbox={BBOX_A}")

    assert len(json.loads(response.content)["features"]) == cases


@pytest.mark.parametrize("permits", [1, 5])
def test_permits_geojson_query_count_is_fixed(
    api, inspector_a, ward_a, django_assert_num_queries, permits
):
    for i in range(permits):
        PermitFactory(ward=ward_a, parcel=parcel_at(106.6900 + i * 0.001, 10.7700))
    PermitFactory(ward=ward_a, parcel=None)
    client = api(inspector_a)

    with django_assert_num_queries(2):
        response = client.get(f"/api/map/permits.geojson?bbox={BBOX_A}")

    data = json.loads(response.content)
    assert len(data["features"]) == permits
    assert data["features"][0]["geometry"]["type"] == "MultiPolygon"
    assert set(data["features"][0]["properties"]) == {
        "number",
        "issuing_authority",
        "issued_on",
        "holder_name",
        "address",
        "status",
    }


def test_permits_geojson_respects_ward_access(api, inspector_a, ward_b):
    PermitFactory(ward=ward_b, parcel=parcel_at(*IN_B))

    data = json.loads(api(inspector_a).get(f"/api/map/permits.geojson?bbox={BBOX_BOTH}").content)

    assert data["features"] == []


@pytest.mark.parametrize(
    "query",
    ["", "bbox=1,2,3", "bbox=106.7,10.8,106.6,10.7", "bbox=a,b,c,d", f"bbox={BBOX_A}&stage=bogus"],
)
def test_geojson_bad_viewport_is_400(api, inspector_a, query):
    response = api(inspector_a).get(f"/api/map/cases.geojson?{query}")

    assert response.status_code == 400
    assert response.json()


# --- Counts --------------------------------------------------------------------------------------


def test_counts_per_stage_follow_filters_and_view(api, inspector_a, ward_a, today):
    late = today - datetime.timedelta(days=3)
    make_case(ward_a, IN_A, stage=Stage.SUSPENDED, stage_deadline=late)
    make_case(ward_a, IN_A, stage=Stage.SUSPENDED)
    make_case(ward_a, IN_A, stage=Stage.HALTED, violation_type=ViolationType.CLAUSE_10)
    make_case(ward_a, (106.6810, 10.7610), stage=Stage.DETECTED)
    client = api(inspector_a)

    everything = client.get("/api/map/counts/").json()
    in_view = client.get("/api/map/counts/?bbox=106.685,10.765,106.695,10.775").json()
    encroachment = client.get("/api/map/counts/?type=art16_10").json()
    only_halted = client.get("/api/map/counts/?stage=halted").json()

    assert everything["stages"]["suspended"] == 2
    assert everything["stages"]["detected"] == 1
    assert everything["total"] == 4
    assert everything["overdue"]["suspended"] == 1
    assert everything["overdue_total"] == 1
    assert in_view["total"] == 3 and in_view["stages"]["detected"] == 0
    assert encroachment["total"] == 1 and encroachment["stages"] == {
        **dict.fromkeys(Stage.values, 0),
        "halted": 1,
    }
    # The legend still counts every stage; the total follows the stage filter.
    assert only_halted["stages"]["suspended"] == 2
    assert only_halted["total"] == 1


def test_counts_never_include_another_wards_cases(api, inspector_a, ward_b):
    make_case(ward_b, IN_B)

    assert api(inspector_a).get("/api/map/counts/").json()["total"] == 0


def test_counts_are_one_query(api, auditor, ward_a, django_assert_num_queries):
    make_case(ward_a, IN_A)
    make_case(ward_a, IN_A, stage=Stage.HALTED)

    with django_assert_num_queries(1):
        api(auditor).get(f"/api/map/counts/?bbox={BBOX_A}&overdue=1")


# --- Search ------------------------------------------------------------------------------------


def test_search_finds_cases_by_code_and_address_and_permits_by_number(
    api, inspector_a, ward_a, ward_b
):
    by_code = make_case(ward_a, IN_A)
    by_address = make_case(ward_a, IN_A, address="12 Nguyễn Huệ")
    make_case(ward_b, IN_B, address="12 Nguyễn Huệ B")
    permit = PermitFactory(ward=ward_a, number="777/GPXD", parcel=parcel_at(*IN_A))
    client = api(inspector_a)

    code_hits = client.get(f"/api/map/search/?q={by_code.code}").json()["results"]
    address_hits = client.get("/api/map/search/?q=nguyễn huệ").json()["results"]
    permit_hits = client.get("/api/map/search/?q=777").json()["results"]

    assert code_hits[0] == {
        "kind": "case",
        "id": by_code.pk,
        "label": by_code.code,
        "detail": "",
        "stage": "detected",
        "lon": 106.69,
        "lat": 10.77,
    }
    assert [(h["kind"], h["id"]) for h in address_hits] == [("case", by_address.pk)]
    (hit,) = permit_hits
    assert (hit["kind"], hit["id"], hit["label"]) == ("permit", permit.pk, "777/GPXD")
    assert hit["bbox"] == pytest.approx([106.69, 10.77, 106.6902, 10.7702])


def test_search_needs_two_characters_and_refuses_long_text(api, inspector_a):
    client = api(inspector_a)

    assert client.get("/api/map/search/?q=a").json() == {"results": []}
    assert client.get("/api/map/search/?q=" + "x" * 101).status_code == 400


# --- Popups --------------------------------------------------------------------------------------


def test_case_popup_shows_deadline_inspector_and_link(api, leader_a, ward_a, today):
    inspector = UserFactory(
        username="tuan", full_name="Trần Văn Tuấn", role=Role.INSPECTOR, wards=[ward_a]
    )
    case = make_case(
        ward_a,
        IN_A,
        stage=Stage.SUSPENDED,
        assigned_inspector=inspector,
        stage_deadline=today - datetime.timedelta(days=4),
    )

    data = api(leader_a).get(f"/api/map/cases/{case.pk}/").json()

    assert data["code"] == case.code
    assert data["stage"] == "suspended"
    with translation.override("vi"):
        assert data["stage_label"] == str(Stage.SUSPENDED.label)
    assert data["violation_type"] == "art16_7"
    assert data["days_left"] == -4
    assert data["overdue"] is True
    assert data["stage_deadline_display"] == (today - datetime.timedelta(days=4)).strftime(
        "%d/%m/%Y"
    )
    assert data["assigned_inspector"] == "Trần Văn Tuấn"
    assert data["url"] == f"/cases/{case.pk}/"
    assert isinstance(data["photos"], list)


def test_case_popup_shows_latest_photos_with_camera_direction(
    api, leader_a, inspector_a, ward_a, django_assert_num_queries
):
    case = make_case(ward_a, IN_A)
    for n in range(6):
        SitePhoto.objects.create(
            case=case,
            original=f"photos/x/{n}",
            sha256=f"{n:064d}",
            content_type="image/jpeg",
            size_bytes=10,
            uploaded_by=inspector_a,
            device_location=Point(106.6901, 10.7701, srid=4326),
            metadata={"bearing": 30 * n} if n % 2 else {},
        )
    client = api(leader_a)

    # The user's wards, the case, its photos.
    with django_assert_num_queries(3):
        data = client.get(f"/api/map/cases/{case.pk}/").json()

    photos = data["photos"]
    assert len(photos) == 4
    newest = SitePhoto.objects.filter(case=case).order_by("-uploaded_at", "-id").first()
    assert photos[0]["id"] == newest.pk
    assert photos[0]["thumbnail"] == f"/photos/{newest.pk}/thumbnail/"
    assert photos[0]["bearing"] == 150.0
    assert photos[1]["bearing"] is None
    assert (photos[0]["lon"], photos[0]["lat"]) == (106.6901, 10.7701)


def test_closed_case_popup_is_never_overdue(api, leader_a, ward_a, today):
    case = make_case(
        ward_a, IN_A, stage=Stage.CLOSED, stage_deadline=today - datetime.timedelta(days=9)
    )

    data = api(leader_a).get(f"/api/map/cases/{case.pk}/").json()

    assert data["overdue"] is False and data["days_left"] is None


def test_popups_of_another_ward_are_404(api, inspector_a, ward_b):
    case = make_case(ward_b, IN_B)
    permit = PermitFactory(ward=ward_b, parcel=parcel_at(*IN_B))
    client = api(inspector_a)

    assert client.get(f"/api/map/cases/{case.pk}/").status_code == 404
    assert client.get(f"/api/map/permits/{permit.pk}/").status_code == 404


def test_permit_popup_shows_the_permit(api, inspector_a, ward_a):
    permit = PermitFactory(
        ward=ward_a,
        number="88/GPXD",
        holder_name="Lê Thị B",
        parcel=parcel_at(*IN_A),
        issued_on=datetime.date(2025, 9, 1),
        permitted_storeys=4,
        map_sheet="12",
        parcel_number="345",
    )

    data = api(inspector_a).get(f"/api/map/permits/{permit.pk}/").json()

    assert data["number"] == "88/GPXD"
    assert data["holder_name"] == "Lê Thị B"
    assert data["issued_on"] == "01/09/2025"
    assert data["permitted_storeys"] == 4
    assert (data["map_sheet"], data["parcel_number"]) == ("12", "345")
    assert data["ward"] == "Phường A"


@pytest.mark.parametrize(
    ("metadata", "bearing"),
    [
        ({"bearing": 90}, 90.0),
        ({"GPSImgDirection": [4500, 100]}, 45.0),
        ({"exif": {"GPSImgDirection": "370.5"}}, 10.5),
        ({"heading": "north"}, None),
        ({"bearing": float("nan")}, None),
        ({}, None),
        (None, None),
    ],
)
def test_photo_bearing_is_read_loosely_from_metadata(metadata, bearing):
    assert popups.photo_bearing(metadata) == bearing


# --- The page ------------------------------------------------------------------------------------


def test_leader_home_goes_to_the_map_and_inspector_to_cases(client, leader_a, inspector_a):
    client.force_login(leader_a)
    assert client.get("/")["Location"] == "/map/"
    client.force_login(inspector_a)
    assert client.get("/")["Location"] == "/cases/"


def test_map_page_opens_on_the_leaders_ward(client, leader_a, ward_b):
    client.force_login(leader_a)

    response = client.get("/map/")

    assert response.status_code == 200
    config = response.context["config"]
    assert config["extent"] == pytest.approx([106.68, 10.76, 106.70, 10.78])
    assert response.context["show_ward_filter"] is False
    html = response.content.decode()
    assert 'id="ttxd-map"' in html
    assert "vendor/leaflet/leaflet-src.esm.js" in html
    assert 'href="/map/"' in html  # the nav link


def test_map_page_for_the_city_spans_every_ward_and_offers_the_ward_filter(
    client, auditor, ward_a, ward_b
):
    WardFactory(
        code="90003",
        name="Phường Cũ",
        boundary=box(106.0, 10.0, 106.1, 10.1),
        valid_from=datetime.date(2020, 1, 1),
        valid_to=datetime.date(2025, 7, 1),
    )
    client.force_login(auditor)

    response = client.get("/map/")

    assert response.context["config"]["extent"] == pytest.approx([106.68, 10.76, 106.72, 10.78])
    assert response.context["show_ward_filter"] is True
    assert [w["code"] for w in response.context["wards"]] == ["90001", "90002"]


def test_map_page_without_base_map_setting(client, leader_a, settings):
    settings.TTXD_BASEMAP_URL = ""
    client.force_login(leader_a)

    assert client.get("/map/").context["config"]["basemap"]["url"] == ""


def test_map_page_needs_login(client):
    assert client.get("/map/").status_code == 302
