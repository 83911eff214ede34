"""The ward map offline: what the package holds, for whom, its size and limit, the base map."""

from __future__ import annotations

import gzip
import json
import struct
from typing import Any

import mapbox_vector_tile
import pytest
from django.contrib.gis.geos import Point
from django.core.checks import run_checks
from django.test import Client

from backend.cases.models import Stage
from backend.field.offline import OFFLINE_LAYERS, is_osm_public_tile_server
from backend.maps.selectors.tile_layers import TILE_LAYER_NAMES
from tests.factories import CaseFactory, PermitFactory, box

pytestmark = pytest.mark.django_db

MANIFEST = "/api/field/offline/ward/"
PACKAGE = "/api/field/offline/ward/package/"


def unpack(body: bytes) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The package's index and its tiles by URL (format: backend/field/offline_api.py)."""
    (length,) = struct.unpack(">I", body[:4])
    index = json.loads(body[4 : 4 + length])
    tiles, at = {}, 4 + length
    for url, size in index["tiles"]:
        tiles[url] = body[at : at + size]
        at += size
    assert at == len(body)
    return index, tiles


def features(tiles: dict[str, bytes], layer: str) -> list[dict[str, Any]]:
    found = []
    for url, body in tiles.items():
        if f"/api/tiles/{layer}/" in url and body:
            found += mapbox_vector_tile.decode(body).get(layer, {"features": []})["features"]
    return found


@pytest.fixture
def border_city(ward_a: Any, ward_b: Any) -> dict[str, Any]:
    """Permits and cases of both wards a few metres either side of their border (106.70)."""
    return {
        "permit_a": PermitFactory(
            number="A-0001/GPXD", ward=ward_a, parcel=box(106.6995, 10.7700, 106.6998, 10.7702)
        ),
        "permit_b": PermitFactory(
            number="B-0001/GPXD", ward=ward_b, parcel=box(106.7002, 10.7700, 106.7005, 10.7702)
        ),
        "case_a": CaseFactory(ward=ward_a, location=Point(106.6997, 10.7705, srid=4326)),
        "closed_a": CaseFactory(
            ward=ward_a, location=Point(106.6996, 10.7706, srid=4326), stage=Stage.CLOSED
        ),
        "case_b": CaseFactory(ward=ward_b, location=Point(106.7003, 10.7705, srid=4326)),
    }


def test_inspector_of_ward_a_never_gets_ward_b_in_the_package(
    api: Any, inspector_a: Any, border_city: dict[str, Any]
) -> None:
    response = api(inspector_a).get(PACKAGE)
    assert response.status_code == 200
    index, tiles = unpack(response.content)
    assert index["ward"]["code"] == "90001"
    permits = {f["properties"]["number"] for f in features(tiles, "permits")}
    assert permits == {"A-0001/GPXD"}
    cases = {f["properties"]["code"] for f in features(tiles, "cases") if "code" in f["properties"]}
    # Open cases only: the closed one stays out, and so does ward B's.
    assert cases == {border_city["case_a"].code}
    # Tiles across the border were saved, just without B's rows.
    assert any(f"/{17}/" in url for url in tiles)
    assert b"B-0001/GPXD" not in b"".join(tiles.values())


def test_inspector_of_ward_b_gets_ward_b_only(
    api: Any, inspector_b: Any, border_city: dict[str, Any]
) -> None:
    _index, tiles = unpack(api(inspector_b).get(PACKAGE).content)
    assert {f["properties"]["number"] for f in features(tiles, "permits")} == {"B-0001/GPXD"}


def test_a_ward_of_someone_else_is_refused(api: Any, inspector_a: Any, ward_b: Any) -> None:
    for url in (MANIFEST, PACKAGE):
        response = api(inspector_a).get(url, {"ward": ward_b.code})
        assert response.status_code == 400
        assert response.json()["code"] == "not_your_ward"
        assert "không phải phường của bạn" in response.json()["ward"][0]


def test_roles_without_the_field_app_and_anonymous_get_nothing(
    api: Any, auditor: Any, border_city: dict[str, Any]
) -> None:
    for url in (MANIFEST, PACKAGE):
        assert api(auditor).get(url).status_code == 403
        assert Client().get(url).status_code in (401, 403)


def test_the_manifest_lists_exactly_the_tiles_of_the_package_and_their_sizes(
    api: Any, leader_a: Any, border_city: dict[str, Any]
) -> None:
    manifest = api(leader_a).get(MANIFEST).json()
    _index, tiles = unpack(api(leader_a).get(PACKAGE).content)
    assert {t["url"]: t["bytes"] for t in manifest["tiles"]} == {
        url: len(body) for url, body in tiles.items()
    }
    assert manifest["tile_bytes"] == manifest["estimated_bytes"] == sum(map(len, tiles.values()))
    assert manifest["fits"] is True and manifest["refusal"] is None
    assert manifest["ward"]["name"] == "Phường A"
    assert [layer["name"] for layer in manifest["layers"]] == [o.name for o in OFFLINE_LAYERS]
    zooms = {(u.split("/")[3], int(u.split("/")[4])) for u in tiles}
    assert {z for layer, z in zooms if layer == "permits"} == {15, 16, 17}
    assert {z for layer, z in zooms if layer == "wards"} == set(range(12, 18))


def test_each_saved_tile_is_what_the_tile_endpoint_gives_the_same_user(
    client: Any, inspector_a: Any, border_city: dict[str, Any]
) -> None:
    client.force_login(inspector_a)
    _index, tiles = unpack(client.get(PACKAGE).content)
    checked = 0
    for url, body in tiles.items():
        if body and "/17/" in url:
            assert client.get(url).content == body
            checked += 1
    assert checked >= 3  # a tile of each layer at least


def test_the_package_is_gzipped_on_the_wire(client: Any, inspector_a: Any, ward_a: Any) -> None:
    client.force_login(inspector_a)
    response = client.get(PACKAGE, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert response["Content-Encoding"] == "gzip"
    unpack(gzip.decompress(response.content))


def test_a_package_over_the_limit_is_refused_in_vietnamese(
    api: Any, inspector_a: Any, border_city: dict[str, Any], settings: Any
) -> None:
    settings.TTXD_OFFLINE_MAX_BYTES = 1000
    manifest = api(inspector_a).get(MANIFEST).json()
    assert manifest["fits"] is False
    assert manifest["estimated_bytes"] > 1000
    assert "vượt quá" in manifest["refusal"] and "Phường A" in manifest["refusal"]
    response = api(inspector_a).get(PACKAGE)
    assert response.status_code == 413
    assert response.json()["code"] == "offline_too_large"
    assert response.json()["detail"] == manifest["refusal"]


@pytest.mark.parametrize(
    "url",
    [
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png",
        "https://b.tile.openstreetmap.org/{z}/{x}/{y}.png",
        "http://TILE.OSM.ORG./{z}/{x}/{y}.png",
    ],
)
def test_base_map_prefetch_is_refused_for_openstreetmaps_servers(
    api: Any, client: Any, inspector_a: Any, ward_a: Any, settings: Any, url: str
) -> None:
    settings.TTXD_BASEMAP_URL = url
    settings.TTXD_BASEMAP_PREFETCH = True
    assert is_osm_public_tile_server(url)
    manifest = api(inspector_a).get(MANIFEST).json()
    assert manifest["basemap"]["prefetch"] is False
    assert manifest["basemap"]["tiles"] == []
    assert "OpenStreetMap" in manifest["basemap"]["refusal"]
    assert "cấm" in manifest["basemap"]["refusal"]
    assert [e.id for e in run_checks() if e.id == "field.E001"] == ["field.E001"]
    worker = client.get("/field/sw.js").content.decode()
    assert "const BASEMAP_ORIGINS = new Set([]);" in worker


def test_base_map_prefetch_is_off_unless_switched_on(
    api: Any, inspector_a: Any, ward_a: Any, settings: Any
) -> None:
    settings.TTXD_BASEMAP_URL = "https://tiles.phuong.example/{z}/{x}/{y}.png"
    assert settings.TTXD_BASEMAP_PREFETCH is False  # the default
    manifest = api(inspector_a).get(MANIFEST).json()
    assert manifest["basemap"]["prefetch"] is False and manifest["basemap"]["tiles"] == []


def test_base_map_from_an_allowed_server_is_listed_when_switched_on(
    api: Any, client: Any, inspector_a: Any, ward_a: Any, settings: Any
) -> None:
    settings.TTXD_BASEMAP_URL = "https://{s}.tiles.phuong.example/{z}/{x}/{y}.png"
    settings.TTXD_BASEMAP_PREFETCH = True
    settings.TTXD_BASEMAP_PREFETCH_MAX_ZOOM = 16
    manifest = api(inspector_a).get(MANIFEST).json()
    basemap = manifest["basemap"]
    assert basemap["prefetch"] is True and basemap["refusal"] is None
    assert basemap["tiles"] and all(".tiles.phuong.example/" in u for u in basemap["tiles"])
    assert {int(u.split("/")[3]) for u in basemap["tiles"]} == set(range(12, 17))
    assert manifest["estimated_bytes"] == manifest["tile_bytes"] + basemap["estimated_bytes"]
    assert not [e for e in run_checks() if e.id == "field.E001"]
    worker = client.get("/field/sw.js").content.decode()
    assert '"https://a.tiles.phuong.example"' in worker


def test_every_offline_layer_is_a_tile_layer_of_the_map() -> None:
    names = [layer.name for layer in OFFLINE_LAYERS]
    assert names[:3] == ["wards", "permits", "cases"]
    # Construction sites join once the map draws them as tiles.
    assert ("sites" in names) == ("sites" in TILE_LAYER_NAMES)
    assert set(names) <= set(TILE_LAYER_NAMES)


def test_the_service_worker_answers_tiles_from_the_saved_copy_offline(client: Any) -> None:
    worker = client.get("/field/sw.js").content.decode()
    assert 'const TILES = "/api/tiles/";' in worker
    assert 'const OFFLINE_CACHE_PREFIX = "ttxd-offline-";' in worker


def test_the_app_is_told_its_offline_layers_and_limit(
    client: Any, inspector_a: Any, settings: Any
) -> None:
    settings.TTXD_OFFLINE_MAX_BYTES = 12_345_678
    client.force_login(inspector_a)
    html = client.get("/field/").content.decode()
    start = html.index('id="field-config"')
    config = json.loads(html[html.index(">", start) + 1 : html.index("</script>", start)])
    assert config["offline"]["ward"] == MANIFEST
    assert config["offline"]["limitBytes"] == 12_345_678
    assert [layer["name"] for layer in config["offline"]["layers"]][:3] == [
        "wards",
        "permits",
        "cases",
    ]
    assert 'type="importmap"' in html
