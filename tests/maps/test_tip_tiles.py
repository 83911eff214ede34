"""The citizens' reports tile layer: who sees which report, and never who reported it."""

from __future__ import annotations

import datetime
from typing import Any

import mapbox_vector_tile
import pytest
from django.test import Client
from django.utils import timezone

from backend.intake.models import Tip, TipStatus
from backend.maps.selectors.tile_layers import TILE_STATEMENTS
from backend.maps.tile_view import TILE_SNAPSHOTS
from tests.factories import UserFactory
from tests.intake.conftest import file_tip
from tests.maps.conftest import features, tile_url

pytestmark = pytest.mark.django_db

IN_A = (106.6905, 10.7705)
IN_B = (106.7100, 10.7700)


@pytest.fixture(autouse=True)
def empty_caches() -> Any:
    TILE_SNAPSHOTS.clear()
    TILE_STATEMENTS.clear()
    yield
    TILE_SNAPSHOTS.clear()
    TILE_STATEMENTS.clear()


@pytest.fixture
def tips(ward_a: Any, ward_b: Any) -> dict[str, Tip]:
    overdue = file_tip()
    Tip.objects.filter(pk=overdue.pk).update(
        response_due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    answered = file_tip(lon=IN_A[0] + 0.0004, category="no_permit")
    Tip.objects.filter(pk=answered.pk).update(
        status=TipStatus.NOT_VIOLATION,
        response_due_on=timezone.localdate() - datetime.timedelta(days=3),
        settled_at=timezone.now(),
    )
    return {
        "overdue": Tip.objects.get(pk=overdue.pk),
        "answered": Tip.objects.get(pk=answered.pk),
        "b": file_tip(lat=IN_B[1], lon=IN_B[0]),
    }


def _client(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    if user is not None:
        client.force_login(user)
    return client


def _tile(user: Any, lonlat: tuple[float, float], z: int = 16, query: str = "") -> Any:
    return _client(user).get(tile_url("tips", *lonlat, z, query))


def _props(user: Any, lonlat: tuple[float, float], z: int = 16) -> dict[int, dict[str, Any]]:
    return {f["id"]: f["properties"] for f in features(_tile(user, lonlat, z), "tips")}


def test_tip_tiles_follow_role_and_ward(
    tips: Any, inspector_a: Any, inspector_b: Any, leader_a: Any, auditor: Any
) -> None:
    in_a = {tips["overdue"].pk, tips["answered"].pk}
    assert set(_props(inspector_a, IN_A)) == in_a
    assert set(_props(leader_a, IN_A)) == in_a
    assert set(_props(auditor, IN_A)) == in_a
    assert _props(inspector_b, IN_A) == {}
    assert set(_props(inspector_b, IN_B)) == {tips["b"].pk}
    assert set(_props(auditor, IN_B)) == {tips["b"].pk}
    assert _props(inspector_a, IN_B) == {}
    assert _props(UserFactory(username="no-role"), IN_A) == {}
    assert Client().get(tile_url("tips", *IN_A, 16)).status_code == 401


def test_tip_tiles_carry_status_and_overdue_but_no_personal_data(tips: Any, leader_a: Any) -> None:
    response = _tile(leader_a, IN_A)
    seen = {f["id"]: f["properties"] for f in features(response, "tips")}
    overdue = tips["overdue"]
    assert seen[overdue.pk] == {
        "code": overdue.code,
        "category": "beyond_permit",
        "status": "received",
        "overdue": True,
        "received": timezone.localtime(overdue.received_at).date().isoformat(),
    }
    assert seen[tips["answered"].pk]["overdue"] is False  # answered: no longer runs
    assert seen[tips["answered"].pk]["status"] == "not_violation"
    # Not a property, nor anywhere in the bytes, even for the ward's own leader.
    for value in ("Nguyễn Văn Dân", "0901 234 567", "dan@example.com", "12 Nguyễn Trãi"):
        assert value.encode() not in response.content
    decoded = mapbox_vector_tile.decode(response.content)
    assert set(decoded) == {"tips"}


def test_tip_tiles_are_empty_below_their_zoom_and_follow_the_ward_filter(
    tips: Any, auditor: Any, ward_b: Any
) -> None:
    assert _props(auditor, IN_A, z=12) == {}
    assert len(_props(auditor, IN_A, z=13)) == 2
    response = _tile(auditor, IN_A, 14, f"ward={ward_b.code}")
    assert features(response, "tips") == []


def test_a_tip_change_changes_the_tile_etag(tips: Any, inspector_a: Any) -> None:
    client = _client(inspector_a)
    url = tile_url("tips", *IN_A, 16)
    first = client.get(url)
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    Tip.objects.filter(pk=tips["overdue"].pk).update(status=TipStatus.VERIFYING)
    second = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200 and second["ETag"] != first["ETag"]


def test_a_ward_taken_from_an_inspector_hides_its_tips_on_the_next_tile(
    tips: Any, inspector_a: Any, ward_a: Any, django_assert_num_queries: Any
) -> None:
    client = _client(inspector_a)
    url = tile_url("tips", *IN_A, 16)
    assert len(features(client.get(url), "tips")) == 2
    with django_assert_num_queries(1):
        assert len(features(client.get(url), "tips")) == 2
    inspector_a.memberships.filter(ward=ward_a).delete()
    assert features(client.get(url), "tips") == []


def test_map_page_offers_the_tips_layer_and_links_to_the_desk(inspector_a: Any) -> None:
    response = _client(inspector_a).get("/map/")
    html = response.content.decode()
    assert 'data-testid="tip-legend"' in html
    config = response.context["config"]
    assert config["urls"]["tipPage"] == "/tips/999999999/"
    assert config["zoom"]["tips"] == 13
    assert config["tipStatuses"]["received"] == "Đã tiếp nhận"
