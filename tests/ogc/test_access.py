"""Who reads which collection: role × ward × collection, by session and by token."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.ogc.conftest import get_json, session_client, token_client

pytestmark = pytest.mark.django_db


def _expected(city: Any, ward_a: Any, ward_b: Any, wards: str) -> dict[str, list[int]]:
    pick = {
        "a": ([c.pk for c in city["cases_a"]], [p.pk for p in city["permits_a"]]),
        "b": ([c.pk for c in city["cases_b"]], [p.pk for p in city["permits_b"]]),
    }
    cases = sorted(sum((pick[w][0] for w in wards), []))
    permits = sorted(sum((pick[w][1] for w in wards), []))
    return {"wards": sorted([ward_a.pk, ward_b.pk]), "cases": cases, "permits": permits}


@pytest.mark.parametrize(
    ("who", "how", "wards"),
    [
        ("inspector_a", token_client, "a"),
        ("leader_a", session_client, "a"),
        ("leader_a", token_client, "a"),
        ("inspector_b", token_client, "b"),
        ("auditor", token_client, "ab"),
        ("admin_user", session_client, "ab"),
    ],
)
def test_each_role_reads_its_wards_rows_in_every_collection(
    request: Any, city: Any, ward_a: Any, ward_b: Any, who: str, how: Any, wards: str
) -> None:
    client: Client = how(request.getfixturevalue(who))
    listed = get_json(client, "/ogc/collections")
    assert [c["id"] for c in listed["collections"]] == [
        "wards",
        "permits",
        "sites",
        "cases",
        "tips",
    ]
    expected = _expected(city, ward_a, ward_b, wards)
    for collection, rows in expected.items():
        body = get_json(client, f"/ogc/collections/{collection}/items")
        assert [f["id"] for f in body["features"]] == rows, (who, collection)
        assert body["numberMatched"] == len(rows)
    # A row outside the user's wards is not found, by id either.
    others = [c for c in city["cases_a"] + city["cases_b"] if c.pk not in expected["cases"]]
    for case in others:
        get_json(client, f"/ogc/collections/cases/items/{case.pk}", status=404)
    for case_pk in expected["cases"]:
        assert get_json(client, f"/ogc/collections/cases/items/{case_pk}")["id"] == case_pk


def test_ward_users_extent_covers_only_their_cases(city: Any, inspector_b: Any) -> None:
    body = get_json(token_client(inspector_b), "/ogc/collections/cases")
    [bbox] = body["extent"]["spatial"]["bbox"]
    assert bbox == pytest.approx([106.705, 10.77, 106.709, 10.77])


def test_anonymous_sees_only_public_collections(city: Any, ward_a: Any, ward_b: Any) -> None:
    client = session_client(None)
    listed = get_json(client, "/ogc/collections")
    assert [c["id"] for c in listed["collections"]] == ["wards"]
    wards = get_json(client, "/ogc/collections/wards/items")
    assert [f["id"] for f in wards["features"]] == sorted([ward_a.pk, ward_b.pk])
    for url in (
        "/ogc/collections/cases",
        "/ogc/collections/cases/items",
        f"/ogc/collections/cases/items/{city['cases_a'][0].pk}",
        "/ogc/collections/permits/queryables",
        "/ogc/package.gpkg",
    ):
        response = client.get(url)
        assert response.status_code == 401, url
        assert response["WWW-Authenticate"] == "Token"
        assert response.json()["code"] == "NotAuthenticated"
        assert "đăng nhập" in response.json()["description"]


def test_a_refused_token_is_401_even_for_a_public_collection(city: Any) -> None:
    client = Client(HTTP_AUTHORIZATION="Token " + "0" * 64)
    response = client.get("/ogc/collections/wards/items")
    assert response.status_code == 401
    assert response.json()["code"] == "NotAuthenticated"


def test_an_account_without_ward_or_city_role_is_refused(city: Any, no_ward_user: Any) -> None:
    client = token_client(no_ward_user)
    assert [c["id"] for c in get_json(client, "/ogc/collections")["collections"]] == ["wards"]
    body = get_json(client, "/ogc/collections/cases/items", status=403)
    assert body["code"] == "Forbidden"
    get_json(client, "/ogc/package.gpkg", status=403)


def test_without_public_collections_ward_boundaries_follow_the_ward_rules(
    city: Any, ward_a: Any, inspector_a: Any, auditor: Any, settings: Any
) -> None:
    settings.TTXD_OGC_PUBLIC_COLLECTIONS = frozenset()
    assert get_json(session_client(None), "/ogc/collections")["collections"] == []
    get_json(session_client(None), "/ogc/collections/wards/items", status=401)
    own = get_json(token_client(inspector_a), "/ogc/collections/wards/items")
    assert [f["id"] for f in own["features"]] == [ward_a.pk]
    assert len(get_json(token_client(auditor), "/ogc/collections/wards/items")["features"]) == 2


def test_a_setting_can_open_cases_to_anonymous_visitors(city: Any, settings: Any) -> None:
    settings.TTXD_OGC_PUBLIC_COLLECTIONS = frozenset({"wards", "cases"})
    body = get_json(session_client(None), "/ogc/collections/cases/items")
    assert body["numberMatched"] == 5
    get_json(session_client(None), "/ogc/collections/permits/items", status=401)


def test_a_browser_is_refused_with_an_escaped_page(city: Any) -> None:
    response = session_client(None).get("/ogc/collections/cases/items?f=html")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("text/html")
    assert "đăng nhập" in response.content.decode()
    refused = session_client(None).get(
        "/ogc/collections/wards/items?bbox=<script>", HTTP_ACCEPT="text/html"
    )
    assert refused.status_code == 400
    assert "<script>" not in refused.content.decode()
