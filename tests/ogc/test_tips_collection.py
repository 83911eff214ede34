"""The OGC tips collection and the GeoPackage's tips layer: by role and ward, never public,
never who reported a tip or what they wrote."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from backend.intake.models import Tip
from tests.ogc.conftest import session_client, token_client
from tests.ogc.test_package import download, layer_rows

pytestmark = pytest.mark.django_db

PERSONAL = ("Nguyễn Văn Dân", "0901234567", "dan@example.com", "Nhà đang xây thêm tầng 5")


def _items(user: Any, query: str = "") -> Any:
    return session_client(user).get(
        f"/ogc/collections/tips/items?f=json{query}", HTTP_ACCEPT="application/geo+json"
    )


def _ids(user: Any, query: str = "") -> set[int]:
    response = _items(user, query)
    assert response.status_code == 200, response.content[:300]
    return {f["id"] for f in response.json()["features"]}


def test_tips_by_role_and_ward(
    city: Any, inspector_a: Any, inspector_b: Any, leader_a: Any, auditor: Any, admin_user: Any
) -> None:
    a = {t.pk for t in city["tips_a"]}
    b = {t.pk for t in city["tips_b"]}
    assert _ids(inspector_a) == _ids(leader_a) == a
    assert _ids(inspector_b) == b
    assert _ids(auditor) == _ids(admin_user) == a | b
    other = city["tips_b"][0].pk
    assert (
        session_client(inspector_a).get(f"/ogc/collections/tips/items/{other}?f=json").status_code
        == 404
    )


def test_tips_are_not_public_by_default(city: Any, settings: Any) -> None:
    assert "tips" not in settings.TTXD_OGC_PUBLIC_COLLECTIONS
    anonymous = Client().get("/ogc/collections/tips/items?f=json")
    assert anonymous.status_code in (401, 403, 404)
    listed = Client().get("/ogc/collections?f=json")
    if listed.status_code == 200:
        assert "tips" not in {c["id"] for c in listed.json()["collections"]}
    # Even listed as public by mistake, nothing of a tip is shown to the public.
    settings.TTXD_OGC_PUBLIC_COLLECTIONS = frozenset({"wards", "tips"})
    response = Client().get("/ogc/collections/tips/items?f=json")
    assert response.status_code == 200 and response.json()["features"] == []


def test_tip_properties_carry_no_personal_data(city: Any, leader_a: Any) -> None:
    tip = city["tips_a"][0]
    Tip.objects.filter(pk=tip.pk).update(
        response_due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    response = _items(leader_a)
    for value in PERSONAL:
        assert value.encode() not in response.content
    feature = next(f for f in response.json()["features"] if f["id"] == tip.pk)
    assert set(feature["properties"]) == {
        "code",
        "ward_code",
        "category",
        "status",
        "channel",
        "address",
        "received_at",
        "response_due_on",
        "settled_at",
        "overdue",
        "case_code",
    }
    assert feature["properties"]["overdue"] is True and feature["properties"]["code"] == tip.code
    assert _ids(leader_a, "&status=received") == {t.pk for t in city["tips_a"]}
    assert _ids(leader_a, "&status=spam") == set()


def test_the_geopackage_holds_only_the_users_wards_tips_without_personal_data(
    city: Any, leader_a: Any, auditor: Any, tmp_path: Any
) -> None:
    source = download(session_client(leader_a), tmp_path)
    assert set(layer_rows(source, "tips")) == {t.pk for t in city["tips_a"]}
    assert source["tips"].geom_type.name == "Point"
    assert "reporter_name" not in source["tips"].fields
    assert "description" not in source["tips"].fields
    data = (tmp_path / "package.gpkg").read_bytes()
    for value in PERSONAL:
        assert value.encode() not in data
    (tmp_path / "city").mkdir()
    city_source = download(token_client(auditor), tmp_path / "city")
    assert set(layer_rows(city_source, "tips")) == {t.pk for t in city["tips_a"] + city["tips_b"]}
