"""The sites tile layer, the site popup, the permit popup's site link, the OGC collection."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from backend.sites.models import Site, SiteStatus
from backend.sites.services.permit_sync import sites_sync_from_permits
from tests.factories import PermitFactory, UserFactory
from tests.maps.conftest import features, tile_url
from tests.sites.helpers import IN_A, IN_B, make_site

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def sites(ward_a: Any, ward_b: Any) -> dict[str, Site]:
    today = timezone.localdate()
    return {
        "overdue": make_site(ward_a, IN_A, next_visit_due=today - datetime.timedelta(days=2)),
        "due": make_site(
            ward_a,
            (IN_A[0] + 0.0005, IN_A[1]),
            status=SiteStatus.FINISHING,
            next_visit_due=today + datetime.timedelta(days=3),
        ),
        "later": make_site(
            ward_a, (IN_A[0], IN_A[1] + 0.0005), next_visit_due=today + datetime.timedelta(days=30)
        ),
        "b": make_site(ward_b, IN_B, next_visit_due=today),
    }


def _tile_ids(user: Any, lonlat: tuple[float, float], z: int = 16) -> dict[int, dict[str, Any]]:
    found = features(_client(user).get(tile_url("sites", *lonlat, z)), "sites")
    return {f["id"]: f["properties"] for f in found}


def test_site_tiles_carry_status_and_inspection_by_ward(
    sites: Any, inspector_a: Any, inspector_b: Any, leader_a: Any, auditor: Any
) -> None:
    seen = _tile_ids(inspector_a, IN_A)
    assert set(seen) == {sites["overdue"].pk, sites["due"].pk, sites["later"].pk}
    assert seen[sites["overdue"].pk] == {
        "status": "structure",
        "origin": "patrol",
        "inspection": "overdue",
    }
    assert seen[sites["due"].pk]["inspection"] == "due"
    assert seen[sites["later"].pk]["inspection"] == "scheduled"
    assert set(_tile_ids(leader_a, IN_A)) == set(seen)
    assert _tile_ids(inspector_b, IN_A) == {}
    assert set(_tile_ids(inspector_b, IN_B)) == {sites["b"].pk}
    assert sites["b"].pk in _tile_ids(auditor, IN_B)
    assert _tile_ids(UserFactory(username="nobody"), IN_A) == {}
    assert Client().get(tile_url("sites", *IN_A, 16)).status_code == 401


def test_site_tiles_are_empty_below_their_zoom_and_follow_the_ward_filter(
    sites: Any, auditor: Any
) -> None:
    assert _tile_ids(auditor, IN_A, z=12) == {}
    response = _client(auditor).get(tile_url("sites", *IN_A, 14, "ward=90002"))
    assert features(response, "sites") == []


def test_a_site_change_changes_the_tile_etag(sites: Any, inspector_a: Any) -> None:
    client = _client(inspector_a)
    url = tile_url("sites", *IN_A, 16)
    first = client.get(url)
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    Site.objects.filter(pk=sites["later"].pk).update(status=SiteStatus.FINISHING)
    second = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200 and second["ETag"] != first["ETag"]


def test_site_popup_follows_access(sites: Any, inspector_a: Any, inspector_b: Any) -> None:
    pk = sites["overdue"].pk
    data = _client(inspector_a).get(f"/api/map/sites/{pk}/").json()
    assert data["inspection"] == "overdue" and data["url"] == f"/sites/{pk}/"
    assert data["status_label"] == "Thi công phần thân"
    assert _client(inspector_b).get(f"/api/map/sites/{pk}/").status_code == 404


def test_permit_popup_links_to_its_site(ward_a: Any, inspector_a: Any) -> None:
    permit = PermitFactory(ward=ward_a)
    sites_sync_from_permits()
    site = Site.objects.get(permit=permit)
    data = _client(inspector_a).get(f"/api/map/permits/{permit.pk}/").json()
    assert data["site_id"] == site.pk and data["site_url"] == f"/sites/{site.pk}/"


def test_map_page_offers_the_sites_layer(inspector_a: Any) -> None:
    html = _client(inspector_a).get("/map/").content.decode()
    assert 'data-testid="site-legend"' in html and "Quá hạn kiểm tra" in html


# --- OGC API Features ------------------------------------------------------------------


def _ogc_ids(user: Any, query: str = "") -> set[int]:
    response = _client(user).get(
        f"/ogc/collections/sites/items?f=json{query}", HTTP_ACCEPT="application/geo+json"
    )
    assert response.status_code == 200, response.content[:300]
    return {f["id"] for f in response.json()["features"]}


def test_ogc_sites_collection_by_role_and_ward(
    sites: Any, inspector_a: Any, inspector_b: Any, auditor: Any
) -> None:
    a = {sites["overdue"].pk, sites["due"].pk, sites["later"].pk}
    assert _ogc_ids(inspector_a) == a
    assert _ogc_ids(inspector_b) == {sites["b"].pk}
    assert _ogc_ids(auditor) == a | {sites["b"].pk}
    response = _client(auditor).get(f"/ogc/collections/sites/items/{sites['overdue'].pk}?f=json")
    assert response.json()["properties"]["inspection"] == "overdue"
    assert _ogc_ids(auditor, "&status=finishing") == {sites["due"].pk}
    anonymous = Client().get("/ogc/collections/sites/items?f=json")
    assert anonymous.status_code in (401, 403, 404)


def test_geopackage_holds_only_the_users_wards_sites(
    sites: Any, leader_a: Any, tmp_path: Any
) -> None:
    from tests.ogc.conftest import session_client
    from tests.ogc.test_package import download, layer_rows

    source = download(session_client(leader_a), tmp_path)
    assert set(layer_rows(source, "sites")) == {
        sites["overdue"].pk,
        sites["due"].pk,
        sites["later"].pk,
    }
    assert source["sites"].geom_type.name == "Point"
