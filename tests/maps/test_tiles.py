"""Vector tiles: valid MVT, ward access, filters, zoom limits, ETags."""

from __future__ import annotations

import datetime
import math
from typing import Any

import mapbox_vector_tile
import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.db import connection

from backend.cases.models import Stage, ViolationType
from backend.permits.models import PermitStatus
from tests.factories import PermitFactory
from tests.maps.conftest import IN_A, IN_B, days_ago, features, make_case, tile_of, tile_url

pytestmark = pytest.mark.django_db


def logged_in(client: Any, user: Any) -> Any:
    client.force_login(user)
    return client


def parcel_at(lon: float, lat: float) -> MultiPolygon:
    return MultiPolygon(Polygon.from_bbox((lon, lat, lon + 0.0002, lat + 0.0002)), srid=4326)


# --- What a tile holds ------------------------------------------------------------


def test_case_tile_decodes_as_mvt_with_one_point_per_case(client, inspector_a, ward_a, today):
    late = make_case(
        ward_a, IN_A, stage=Stage.SUSPENDED, stage_deadline=today - datetime.timedelta(days=2)
    )
    fresh = make_case(
        ward_a,
        (IN_A[0] + 0.001, IN_A[1]),
        violation_type=ViolationType.CLAUSE_10,
        stage_deadline=today + datetime.timedelta(days=3),
    )

    found = features(logged_in(client, inspector_a).get(tile_url("cases", *IN_A, 15)), "cases")

    by_id = {f["id"]: f for f in found}
    assert set(by_id) == {late.pk, fresh.pk}
    assert by_id[late.pk]["geometry"]["type"] == "Point"
    assert by_id[late.pk]["properties"] == {
        "code": late.code,
        "stage": "suspended",
        "violation_type": "art16_7",
        "overdue": True,
    }
    assert by_id[fresh.pk]["properties"]["overdue"] is False
    assert by_id[fresh.pk]["properties"]["violation_type"] == "art16_10"


def test_case_point_lands_where_the_case_is(client, inspector_a, ward_a):
    case = make_case(ward_a, IN_A)
    z, x, y = tile_of(*IN_A, 16)

    response = logged_in(client, inspector_a).get(f"/api/tiles/cases/{z}/{x}/{y}.pbf")

    decoded = mapbox_vector_tile.decode(response.content, default_options={"y_coord_down": True})
    (feature,) = decoded["cases"]["features"]
    px, py = feature["geometry"]["coordinates"]
    n = 1 << z
    lon = (x + px / 4096) / n * 360 - 180
    lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * (y + py / 4096) / n))))
    # One tile unit at z16 is about 6 cm.
    assert abs(lon - case.location.x) < 1e-6
    assert abs(lat - case.location.y) < 1e-6


def test_inspector_gets_an_empty_tile_of_another_ward(client, inspector_a, ward_b):
    make_case(ward_b, IN_B)

    found = features(logged_in(client, inspector_a).get(tile_url("cases", *IN_B, 15)), "cases")

    assert found == []


def test_tile_across_a_ward_border_holds_only_the_users_ward(client, inspector_b, ward_a, ward_b):
    make_case(ward_a, (106.6995, 10.770))
    mine = make_case(ward_b, (106.7005, 10.770))

    found = features(
        logged_in(client, inspector_b).get(tile_url("cases", 106.70, 10.770, 14)), "cases"
    )

    assert [f["id"] for f in found] == [mine.pk]


def test_city_auditor_sees_cases_of_every_ward(client, auditor, ward_a, ward_b):
    a = make_case(ward_a, (106.6995, 10.770))
    b = make_case(ward_b, (106.7005, 10.770))

    found = features(logged_in(client, auditor).get(tile_url("cases", 106.70, 10.770, 14)), "cases")

    assert {f["id"] for f in found} == {a.pk, b.pk}


def test_user_without_ward_or_role_gets_empty_tiles(client, ward_a, django_user_model):
    make_case(ward_a, IN_A)
    nobody = django_user_model.objects.create_user("nobody", password="x-1234-yz")

    found = features(logged_in(client, nobody).get(tile_url("cases", *IN_A, 15)), "cases")

    assert found == []


# --- Filters --------------------------------------------------------------------------


@pytest.fixture
def varied_cases(ward_a, today):
    """Four cases of ward A, each singled out by one filter."""
    return {
        "halted": make_case(ward_a, (106.6901, 10.7701), stage=Stage.HALTED),
        "encroachment": make_case(
            ward_a, (106.6902, 10.7702), violation_type=ViolationType.CLAUSE_10
        ),
        "overdue": make_case(
            ward_a, (106.6903, 10.7703), stage_deadline=today - datetime.timedelta(days=1)
        ),
        "old": make_case(ward_a, (106.6904, 10.7704), detected_at=days_ago(400)),
        # Closed with a past deadline: not overdue (only open stages are).
        "closed": make_case(
            ward_a,
            (106.6905, 10.7705),
            stage=Stage.CLOSED,
            stage_deadline=today - datetime.timedelta(days=30),
            detected_at=days_ago(380),
        ),
    }


def _ids(client: Any, query: str) -> set[int]:
    return {f["id"] for f in features(client.get(tile_url("cases", *IN_A, 15, query)), "cases")}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("stage=halted", {"halted"}),
        ("stage=halted,closed", {"halted", "closed"}),
        ("stage=halted&stage=closed", {"halted", "closed"}),
        ("type=art16_10", {"encroachment"}),
        ("overdue=1", {"overdue"}),
        ("overdue=0", {"halted", "encroachment", "overdue", "old", "closed"}),
    ],
)
def test_case_tile_honours_filters(client, inspector_a, varied_cases, query, expected):
    ids = _ids(logged_in(client, inspector_a), query)

    assert ids == {varied_cases[name].pk for name in expected}


def test_case_tile_honours_the_detection_date_range(client, inspector_a, varied_cases, today):
    client = logged_in(client, inspector_a)
    year_ago = today - datetime.timedelta(days=365)

    recent = _ids(client, f"from={year_ago.isoformat()}")
    older = _ids(client, f"to={year_ago.isoformat()}")
    old_day = (today - datetime.timedelta(days=400)).strftime("%d/%m/%Y")
    that_day = _ids(client, f"from={old_day}&to={old_day}")

    assert recent == {varied_cases[k].pk for k in ("halted", "encroachment", "overdue")}
    assert older == {varied_cases["old"].pk, varied_cases["closed"].pk}
    assert that_day == {varied_cases["old"].pk}


def test_case_tile_honours_the_ward_filter(client, auditor, ward_a, ward_b):
    a = make_case(ward_a, (106.6995, 10.770))
    make_case(ward_b, (106.7005, 10.770))
    client = logged_in(client, auditor)

    only_a = features(client.get(tile_url("cases", 106.70, 10.770, 14, "ward=90001")), "cases")
    neither = features(client.get(tile_url("cases", 106.70, 10.770, 14, "ward=99999")), "cases")

    assert [f["id"] for f in only_a] == [a.pk]
    assert neither == []


def test_ward_filter_cannot_widen_a_ward_users_access(client, inspector_a, ward_b):
    make_case(ward_b, IN_B)

    found = features(
        logged_in(client, inspector_a).get(tile_url("cases", *IN_B, 15, "ward=90002")), "cases"
    )

    assert found == []


# --- Zoom limits -----------------------------------------------------------------------


def test_zoomed_out_case_tiles_hold_clusters_with_counts(client, auditor, ward_a, today):
    overdue_day = today - datetime.timedelta(days=5)
    for i in range(6):
        make_case(
            ward_a,
            (106.6900 + i * 0.0001, 10.7700),
            stage=Stage.SUSPENDED if i < 4 else Stage.DETECTED,
            stage_deadline=overdue_day if i == 0 else None,
        )
    lone = make_case(ward_a, (106.6820, 10.7620))

    found = features(logged_in(client, auditor).get(tile_url("cases", *IN_A, 11)), "cases")

    by_size = sorted(found, key=lambda f: f["properties"]["n"])
    assert [f["properties"]["n"] for f in by_size] == [1, 6]
    single, cluster = by_size
    assert single["properties"]["case_id"] == lone.pk
    assert cluster["properties"]["stage"] == "suspended"
    assert cluster["properties"]["overdue_n"] == 1
    assert "case_id" not in cluster["properties"]


def test_clusters_give_way_to_points_from_zoom_14(client, auditor, ward_a):
    for i in range(3):
        make_case(ward_a, (106.6900 + i * 0.00001, 10.7700))
    client = logged_in(client, auditor)

    at_13 = features(client.get(tile_url("cases", *IN_A, 13)), "cases")
    at_14 = features(client.get(tile_url("cases", *IN_A, 14)), "cases")

    assert [f["properties"]["n"] for f in at_13] == [3]
    assert len(at_14) == 3 and all("n" not in f["properties"] for f in at_14)


def test_permit_parcels_only_from_zoom_15(client, inspector_a, ward_a):
    permit = PermitFactory(ward=ward_a, number="12/GPXD", parcel=parcel_at(*IN_A))
    client = logged_in(client, inspector_a)

    below = client.get(tile_url("permits", *IN_A, 14))
    at_16 = features(client.get(tile_url("permits", *IN_A, 16)), "permits")

    assert below.status_code == 200 and below.content == b""
    (parcel,) = at_16
    assert parcel["id"] == permit.pk
    assert parcel["geometry"]["type"] == "Polygon"
    assert parcel["properties"] == {"number": "12/GPXD", "status": PermitStatus.VALID}


def test_permit_tile_respects_ward_access(client, inspector_a, ward_b):
    PermitFactory(ward=ward_b, parcel=parcel_at(*IN_B))

    found = features(logged_in(client, inspector_a).get(tile_url("permits", *IN_B, 16)), "permits")

    assert found == []


def test_ward_tile_shows_the_users_current_wards(client, inspector_a, ward_a, ward_b):
    found = features(
        logged_in(client, inspector_a).get(tile_url("wards", 106.70, 10.77, 12)), "wards"
    )

    assert [(f["id"], f["properties"]["code"]) for f in found] == [(ward_a.pk, "90001")]
    assert found[0]["properties"]["name"] == "Phường A"
    assert found[0]["geometry"]["type"] == "Polygon"


def test_ward_tile_leaves_out_boundaries_no_longer_valid(client, auditor, ward_a):
    ward_a.valid_to = datetime.date(2025, 12, 31)
    ward_a.save()

    found = features(logged_in(client, auditor).get(tile_url("wards", *IN_A, 12)), "wards")

    assert found == []


# --- Caching ------------------------------------------------------------------------------


def test_tile_has_private_caching_headers_and_answers_304(client, inspector_a, ward_a):
    make_case(ward_a, IN_A)
    client = logged_in(client, inspector_a)
    url = tile_url("cases", *IN_A, 15)

    first = client.get(url)
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    weak = client.get(url, HTTP_IF_NONE_MATCH=f'"other", W/{first["ETag"]}')

    assert first.status_code == 200
    assert first["Cache-Control"] == "private, no-cache"
    assert "Cookie" in first["Vary"]
    assert first["ETag"].startswith('"') and len(first["ETag"]) == 34
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"]
    assert weak.status_code == 304


@pytest.mark.parametrize(("layer", "z"), [("cases", 12), ("permits", 16), ("wards", 12)])
def test_every_layer_answers_304_to_its_own_etag(client, inspector_a, ward_a, layer, z):
    make_case(ward_a, IN_A)
    PermitFactory(ward=ward_a, parcel=parcel_at(*IN_A))
    client = logged_in(client, inspector_a)
    url = tile_url(layer, *IN_A, z)

    first = client.get(url)
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert len(features(first, layer)) == 1
    assert again.status_code == 304


def test_tile_etag_changes_when_a_case_changes(client, inspector_a, ward_a):
    case = make_case(ward_a, IN_A)
    client = logged_in(client, inspector_a)
    url = tile_url("cases", *IN_A, 15)
    first = client.get(url)

    case.address = "2 Đường Mới"
    case.save()
    after_edit = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert after_edit.status_code == 200
    assert after_edit["ETag"] != first["ETag"]


def test_tile_etag_differs_between_users_of_different_wards(
    client, inspector_a, inspector_b, auditor, ward_a
):
    make_case(ward_a, (106.6995, 10.770))
    url = tile_url("cases", 106.70, 10.770, 14)

    etags = {}
    for user in (inspector_a, inspector_b, auditor):
        client.force_login(user)
        etags[user.username] = client.get(url)["ETag"]
    client.force_login(inspector_b)
    replay = client.get(url, HTTP_IF_NONE_MATCH=etags["inspector_a"])

    assert len(set(etags.values())) == 3
    # Another ward's ETag never unlocks a cached copy of that ward's tile.
    assert replay.status_code == 200
    assert features(replay, "cases") == []


def test_tile_etag_differs_between_filters(client, inspector_a, ward_a):
    make_case(ward_a, IN_A)
    client = logged_in(client, inspector_a)

    plain = client.get(tile_url("cases", *IN_A, 15))["ETag"]
    halted = client.get(tile_url("cases", *IN_A, 15, "stage=halted"))["ETag"]

    assert plain != halted


def test_layer_versions_move_on_every_write():
    def version() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT version FROM maps_layerversion WHERE layer = 'wards'")
            return cursor.fetchone()[0]

    before = version()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE wards_ward SET name = name WHERE false")
    assert version() > before


# --- Bad requests ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/tiles/cases/23/0/0.pbf",
        "/api/tiles/cases/2/4/0.pbf",
        "/api/tiles/cases/2/0/4.pbf",
        "/api/tiles/cases/x/0/0.pbf",
        "/api/tiles/cases/-1/0/0.pbf",
        "/api/tiles/cases/99999999999999999999/0/0.pbf",
        "/api/tiles/cases/14/13000/7000.pbf?stage=nonsense",
        "/api/tiles/cases/14/13000/7000.pbf?type=art16_99",
        "/api/tiles/cases/14/13000/7000.pbf?overdue=maybe",
        "/api/tiles/cases/14/13000/7000.pbf?from=2026-13-01",
        "/api/tiles/cases/14/13000/7000.pbf?from=2026-05-01&to=2026-04-01",
        "/api/tiles/cases/14/13000/7000.pbf?ward=%3Cscript%3E",
        "/api/tiles/wards/14/13000/7000.pbf?to=31/02/2026",
    ],
)
def test_bad_tile_requests_are_400_with_a_reason(client, inspector_a, path):
    response = logged_in(client, inspector_a).get(path)

    assert response.status_code == 400
    assert response.json()


def test_unknown_layer_is_404(client, inspector_a):
    assert logged_in(client, inspector_a).get("/api/tiles/roads/1/0/0.pbf").status_code == 404


def test_tiles_need_a_logged_in_user(client, ward_a):
    assert client.get("/api/tiles/cases/1/0/0.pbf").status_code == 401


def test_tiles_accept_a_device_token(client, inspector_a, ward_a):
    from backend.accounts.services import device_token_issue

    make_case(ward_a, IN_A)
    token = device_token_issue(user=inspector_a).token

    response = client.get(tile_url("cases", *IN_A, 15), HTTP_AUTHORIZATION=f"Token {token}")
    refused = client.get(tile_url("cases", *IN_A, 15), HTTP_AUTHORIZATION="Token wrong")

    assert len(features(response, "cases")) == 1
    assert refused.status_code == 401


# --- Query counts ------------------------------------------------------------------------------


@pytest.mark.parametrize("cases", [1, 12])
def test_a_tile_is_one_query_whatever_it_holds(
    client, inspector_a, ward_a, django_assert_num_queries, cases
):
    for i in range(cases):
        make_case(ward_a, (106.6900 + i * 0.0001, 10.7700))
    client = logged_in(client, inspector_a)

    # The first tile of each zoom band: session, user, the user's wards, then
    # the tile itself; from then on, one statement that re-checks all of it
    # (tests/maps/test_tile_auth.py).
    for z in (15, 10):
        with django_assert_num_queries(4):
            client.get(tile_url("cases", *IN_A, z))
    with django_assert_num_queries(1):
        point_tile = client.get(tile_url("cases", *IN_A, 15))
    with django_assert_num_queries(1):
        cluster_tile = client.get(tile_url("cases", *IN_A, 10))

    assert len(features(point_tile, "cases")) == cases
    assert sum(f["properties"]["n"] for f in features(cluster_tile, "cases")) == cases
