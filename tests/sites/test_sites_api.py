"""GET/POST /api/sites/: GeoJSON with filters, details, recording and moving sites."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from backend.sites.models import Site, SiteEvent, SiteOrigin, SiteStatus
from backend.sites.services.permit_sync import sites_sync_from_permits
from tests.factories import PermitFactory, UserFactory
from tests.sites.helpers import IN_A, IN_B, make_site, make_visit

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def two_wards(ward_a: Any, ward_b: Any, inspector_a: Any, today: datetime.date) -> dict[str, Site]:
    return {
        "a_overdue": make_site(
            ward_a, IN_A, next_visit_due=today - datetime.timedelta(days=3), actor=inspector_a
        ),
        "a_later": make_site(
            ward_a,
            (IN_A[0] + 0.001, IN_A[1]),
            origin=SiteOrigin.NOTIFIED,
            status=SiteStatus.STARTED,
            address="7 Ngõ Hoa",
            next_visit_due=today + datetime.timedelta(days=20),
        ),
        "b": make_site(ward_b, IN_B, next_visit_due=today - datetime.timedelta(days=1)),
    }


def _ids(response: Any) -> set[int]:
    assert response.status_code == 200, response.content[:400]
    body = response.json()
    assert body["type"] == "FeatureCollection"
    return {f["id"] for f in body["features"]}


# --- Access: role × ward ----------------------------------------------------------


def test_list_and_detail_follow_role_and_ward(
    api: Any, two_wards: Any, inspector_a: Any, inspector_b: Any, leader_a: Any, auditor: Any
) -> None:
    a = {two_wards["a_overdue"].pk, two_wards["a_later"].pk}
    b = {two_wards["b"].pk}
    assert _ids(api(inspector_a).get("/api/sites/")) == a
    assert _ids(api(leader_a).get("/api/sites/")) == a
    assert _ids(api(inspector_b).get("/api/sites/")) == b
    assert _ids(api(auditor).get("/api/sites/")) == a | b
    assert api(inspector_b).get(f"/api/sites/{two_wards['a_overdue'].pk}/").status_code == 404
    assert api(auditor).get(f"/api/sites/{two_wards['a_overdue'].pk}/").status_code == 200
    nobody = UserFactory(username="no_ward")
    assert _ids(api(nobody).get("/api/sites/")) == set()
    anonymous = APIClient()
    assert anonymous.get("/api/sites/").status_code in (401, 403)
    assert anonymous.get(f"/api/sites/{two_wards['b'].pk}/").status_code in (401, 403)


def test_auditor_reads_but_cannot_record_or_move(api: Any, two_wards: Any, auditor: Any) -> None:
    site = two_wards["a_overdue"]
    body = {"status": "finishing", "on": "01/10/2025", "evidence": "x", "version": site.version}
    assert (
        api(auditor).post(f"/api/sites/{site.pk}/status/", body, format="json").status_code == 403
    )
    created = api(auditor).post(
        "/api/sites/",
        {"origin": "patrol", "lat": 10.765, "lon": 106.685, "on": "2025-09-02", "evidence": "x"},
        format="json",
    )
    assert created.status_code == 403


# --- Filters ------------------------------------------------------------------------


def test_filters_status_origin_overdue_due_by_bbox_q_ward(
    api: Any, two_wards: Any, auditor: Any, today: datetime.date
) -> None:
    client = api(auditor)
    a_overdue, a_later, b = (two_wards[k].pk for k in ("a_overdue", "a_later", "b"))
    assert _ids(client.get("/api/sites/?status=started")) == {a_later}
    assert _ids(client.get("/api/sites/?origin=notified")) == {a_later}
    assert _ids(client.get("/api/sites/?overdue=1")) == {a_overdue, b}
    due_by = (today + datetime.timedelta(days=30)).strftime("%d/%m/%Y")
    assert _ids(client.get(f"/api/sites/?due_by={due_by}")) == {a_overdue, a_later, b}
    assert _ids(client.get(f"/api/sites/?due_by={today.isoformat()}")) == {a_overdue, b}
    assert _ids(client.get("/api/sites/?bbox=106.70,10.76,106.72,10.78")) == {b}
    assert _ids(client.get("/api/sites/?q=ngõ hoa")) == {a_later}
    assert _ids(client.get("/api/sites/?ward=90002")) == {b}
    feature = next(
        f for f in client.get("/api/sites/?ward=90001").json()["features"] if f["id"] == a_overdue
    )
    assert feature["geometry"] == {"type": "Point", "coordinates": [IN_A[0], IN_A[1]]}
    assert feature["properties"]["inspection"] == "overdue"
    assert feature["properties"]["url"] == f"/sites/{a_overdue}/"


def test_q_finds_a_site_by_its_permit_number(api: Any, ward_a: Any, inspector_a: Any) -> None:
    permit = PermitFactory(ward=ward_a, number="123/GPXD-UBND")
    sites_sync_from_permits()
    assert _ids(api(inspector_a).get("/api/sites/?q=123/GPXD")) == {
        Site.objects.get(permit=permit).pk
    }


def test_list_is_paged_with_a_fixed_number_of_queries(
    api: Any, ward_a: Any, inspector_a: Any
) -> None:
    for i in range(30):
        make_site(ward_a, (IN_A[0] + i * 0.0001, IN_A[1]))
    client = api(inspector_a)
    with CaptureQueriesContext(connection) as queries:
        body = client.get("/api/sites/?page_size=10").json()
    assert body["count"] == 30 and len(body["features"]) == 10 and body["next"]
    assert len(queries) <= 6, [q["sql"][:120] for q in queries]


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        ("status=building", "status", "giá trị không hợp lệ"),
        ("overdue=maybe", "overdue", "1 hoặc 0"),
        ("due_by=31/02/2025", "due_by", "dd/mm/yyyy"),
        ("bbox=10.76,106.70,10.78,106.72", "bbox", "minlon,minlat"),
        ("ward=a;b", "ward", "mã phường"),
        ("q=" + "x" * 101, "q", "tối đa 100"),
    ],
)
def test_bad_filters_are_refused_in_vietnamese(
    api: Any, two_wards: Any, auditor: Any, query: str, field: str, words: str
) -> None:
    response = api(auditor).get(f"/api/sites/?{query}")
    assert response.status_code == 400, response.content
    assert words in " ".join(response.json()[field]).lower()


# --- Detail -------------------------------------------------------------------------


def test_detail_has_the_permit_limits_history_and_visits(
    api: Any, ward_a: Any, inspector_a: Any
) -> None:
    PermitFactory(
        ward=ward_a,
        permitted_storeys=4,
        permitted_height_m="15.50",
        permitted_footprint_m2="80",
        permitted_floor_area_m2="320",
    )
    sites_sync_from_permits()
    site = Site.objects.get()
    make_visit(site, inspector_a, D(2025, 9, 10), storeys_built=2)
    make_visit(site, inspector_a, D(2025, 9, 25), storeys_built=5, outcome="violation")
    body = api(inspector_a).get(f"/api/sites/{site.pk}/").json()
    props = body["properties"]
    limits = props["permit_limits"]
    assert (limits["storeys"], limits["height_m"], limits["footprint_m2"]) == (4, 15.5, 80.0)
    assert limits["floor_area_m2"] == 320.0
    assert [e["kind"] for e in props["history"]] == ["created"]
    assert props["history"][0]["to_status_label"] == "Chưa khởi công"
    visits = props["visits"]
    assert visits["count"] == 2 and visits["outcomes"]["violation"] == 1
    assert [v["storeys_built"] for v in visits["recent"]] == [5, 2]
    assert props["parcel"]["type"] == "MultiPolygon"


# --- Recording a site -------------------------------------------------------------


def test_inspector_records_a_patrol_site(api: Any, ward_a: Any, inspector_a: Any) -> None:
    response = api(inspector_a).post(
        "/api/sites/",
        {
            "origin": "patrol",
            "location": {"type": "Point", "coordinates": [106.685, 10.765]},
            "address": "9 Hẻm Mới",
            "on": "02/09/2025",
            "evidence": "Thấy đang đổ móng",
            "status": "foundation",
            "storeys_built": 0,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    props = response.json()["properties"]
    assert (props["origin"], props["status"], props["ward"]) == ("patrol", "foundation", "90001")
    assert props["history"][0]["evidence"] == "Thấy đang đổ móng"


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"lat": 106.685, "lon": 10.765}, "location", "đảo"),  # swapped
        ({"status": "completed"}, "status", "khởi công"),
        ({"on": "01/01/2099"}, "on", "tương lai"),
        ({"on": "2025-13-45"}, "on", "dd/mm/yyyy"),
        (
            {"on": (timezone.localdate() + datetime.timedelta(days=2)).isoformat()},
            "on",
            "tương lai",
        ),
        ({"origin": "permit"}, "origin", "giấy phép"),
        ({"evidence": "  "}, "evidence", "căn cứ"),
        ({"storeys_built": -1}, "storeys_built", "số tầng"),
        ({"lat": "bắc"}, "lat", "độ"),
        ({"lat": 21.03, "lon": 105.85}, "location", "phường"),  # Hà Nội: in no ward here
    ],
)
def test_bad_site_records_are_refused_in_vietnamese(
    api: Any, ward_a: Any, inspector_a: Any, body: dict[str, Any], field: str, words: str | None
) -> None:
    base = {"origin": "patrol", "lat": 10.765, "lon": 106.685, "on": "2025-09-02", "evidence": "x"}
    response = api(inspector_a).post("/api/sites/", {**base, **body}, format="json")
    assert response.status_code == 400, response.content
    message = " ".join(response.json()[field])
    assert words in message.lower(), message
    assert not Site.objects.exists()


def test_inspector_of_another_ward_cannot_record_there(
    api: Any, ward_a: Any, inspector_b: Any
) -> None:
    response = api(inspector_b).post(
        "/api/sites/",
        {"origin": "patrol", "lat": 10.765, "lon": 106.685, "on": "2025-09-02", "evidence": "x"},
        format="json",
    )
    assert response.status_code == 403
    assert "phường" in response.json()["detail"]
    assert not Site.objects.exists()


# --- Moving a site on -----------------------------------------------------------------


def test_status_change_with_version_and_stale_version_conflict(
    api: Any, two_wards: Any, inspector_a: Any
) -> None:
    site = two_wards["a_overdue"]
    client = api(inspector_a)
    body = {
        "status": "finishing",
        "on": "01/10/2025",
        "evidence": "Đã xây xong phần thô",
        "storeys_built": 4,
        "version": site.version,
    }
    moved = client.post(f"/api/sites/{site.pk}/status/", body, format="json")
    assert moved.status_code == 200, moved.content
    props = moved.json()["properties"]
    assert (props["status"], props["storeys_built"], props["version"]) == ("finishing", 4, 2)
    again = client.post(
        f"/api/sites/{site.pk}/status/", {**body, "status": "completed"}, format="json"
    )
    assert again.status_code == 409
    assert again.json()["code"] == "stale_version"
    assert "tải lại" in again.json()["detail"].lower()
    site.refresh_from_db()
    assert site.status == SiteStatus.FINISHING


@pytest.mark.parametrize(
    ("change", "status_code", "field"),
    [
        ({"status": "flying"}, 400, "to_status"),
        ({"status": "started"}, 409, "detail"),  # backwards
        ({"on": "01/01/2020"}, 400, "on"),  # before the current status began
        ({"on": "2099-01-01"}, 400, "on"),
        ({"version": "two"}, 400, "version"),
        ({"version": None}, 400, "version"),
        ({"evidence": ""}, 400, "evidence"),
    ],
)
def test_bad_status_changes_are_refused(
    api: Any,
    two_wards: Any,
    inspector_a: Any,
    change: dict[str, Any],
    status_code: int,
    field: str,
) -> None:
    site = two_wards["a_overdue"]
    body = {"status": "finishing", "on": "01/10/2025", "evidence": "x", "version": site.version}
    response = api(inspector_a).post(
        f"/api/sites/{site.pk}/status/", {**body, **change}, format="json"
    )
    assert response.status_code == status_code, response.content
    assert field in response.json()
    assert SiteEvent.objects.filter(site=site).count() == 1


def test_other_ward_cannot_move_a_site_and_a_completed_site_is_reopened(
    api: Any, two_wards: Any, inspector_a: Any, inspector_b: Any
) -> None:
    site = two_wards["a_overdue"]
    body = {"status": "completed", "on": "01/10/2025", "evidence": "Hoàn công", "version": 1}
    assert (
        api(inspector_b).post(f"/api/sites/{site.pk}/status/", body, format="json").status_code
        == 404
    )
    client = api(inspector_a)
    assert client.post(f"/api/sites/{site.pk}/status/", body, format="json").status_code == 200
    blocked = client.post(
        f"/api/sites/{site.pk}/status/",
        {**body, "status": "abandoned", "version": 2},
        format="json",
    )
    assert blocked.status_code == 409 and "mở lại" in blocked.json()["detail"]
    reopened = client.post(
        f"/api/sites/{site.pk}/reopen/",
        {"on": "05/10/2025", "reason": "Chủ nhà xây thêm tầng", "version": 2},
        format="json",
    )
    assert reopened.status_code == 200, reopened.content
    assert reopened.json()["properties"]["status"] == "finishing"
    assert reopened.json()["properties"]["history"][-1]["kind"] == "reopened"
    not_closed = client.post(
        f"/api/sites/{site.pk}/reopen/",
        {"on": "06/10/2025", "reason": "x", "version": 3},
        format="json",
    )
    assert not_closed.status_code == 409


def test_a_body_that_is_not_an_object_is_refused(api: Any, ward_a: Any, inspector_a: Any) -> None:
    response = api(inspector_a).post("/api/sites/", [1, 2], format="json")
    assert response.status_code == 400
    assert "JSON" in str(response.json())
