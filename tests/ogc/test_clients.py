"""Real clients no one here wrote, against a live server: GDAL's OAPIF driver
(as QGIS uses it) and OWSLib's OGC API – Features client. Each must list every
collection and read every feature with the right count and geometry, through
the token a GIS desktop is given."""

from __future__ import annotations

import json
import os
import subprocess
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.gis.geos import GEOSGeometry

from backend.accounts.services import device_token_issue
from backend.cases.models import ViolationCase
from backend.intake.models import Tip
from backend.permits.models import Permit
from backend.sites.models import Site
from backend.wards.selectors import wards_valid_on

pytestmark = pytest.mark.django_db(transaction=True)

COLLECTIONS = ["wards", "permits", "sites", "cases", "tips"]


def expected_rows() -> dict[str, dict[int, GEOSGeometry | None]]:
    from django.utils import timezone

    return {
        "wards": {w.pk: w.boundary for w in wards_valid_on(timezone.localdate())},
        "permits": {p.pk: p.parcel for p in Permit.objects.all()},
        "sites": {s.pk: s.location for s in Site.objects.all()},
        "cases": {c.pk: c.location for c in ViolationCase.objects.all()},
        "tips": {t.pk: t.location for t in Tip.objects.all()},
    }


def assert_same_features(collection: str, features: list[dict[str, Any]]) -> None:
    expected = expected_rows()[collection]
    got = {int(f["id"]): f["geometry"] for f in features}
    assert len(features) == len(expected), collection
    assert set(got) == set(expected), collection
    for pk, geometry in expected.items():
        if geometry is None:
            assert got[pk] is None, (collection, pk)
            continue
        read = GEOSGeometry(json.dumps(got[pk]), srid=4326)
        assert read.geom_type == geometry.geom_type, (collection, pk)
        assert read.equals_exact(geometry, tolerance=1e-6), (collection, pk)


def gdal(url: str, token: str, *args: str) -> str:
    env = {**os.environ, "GDAL_HTTP_HEADERS": f"Authorization: Token {token}", "CPL_DEBUG": "OFF"}
    result = subprocess.run(
        [f"OAPIF:{url}/ogc/" if a == "SOURCE" else a for a in args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_gdal_oapif_lists_and_reads_every_collection(
    live_server: Any, city: Any, auditor: Any
) -> None:
    token = device_token_issue(user=auditor, device="QGIS").token
    listing = gdal(live_server.url, token, "ogrinfo", "-ro", "-q", "SOURCE")
    for index, name in enumerate(COLLECTIONS, start=1):
        assert f"{index}: {name} " in listing, listing
    for name in COLLECTIONS:
        summary = gdal(live_server.url, token, "ogrinfo", "-ro", "-so", "SOURCE", name)
        assert f"Feature Count: {len(expected_rows()[name])}" in summary, summary
        # A small page size makes GDAL follow the next links through every page.
        text = gdal(
            live_server.url, token,
            "ogr2ogr", "-f", "GeoJSON", "/vsistdout/", "SOURCE", "-preserve_fid", "-oo", "PAGE_SIZE=2", name,
        )  # fmt: skip
        assert_same_features(name, json.loads(text)["features"])


def test_gdal_reads_only_the_ward_users_cases(
    live_server: Any, city: Any, inspector_b: Any
) -> None:
    token = device_token_issue(user=inspector_b, device="QGIS").token
    text = gdal(
        live_server.url,
        token,
        "ogr2ogr",
        "-f",
        "GeoJSON",
        "/vsistdout/",
        "SOURCE",
        "-preserve_fid",
        "cases",
    )
    got = sorted(f["id"] for f in json.loads(text)["features"])
    assert got == sorted(c.pk for c in city["cases_b"])


def test_gdal_without_a_token_sees_the_public_wards_only(live_server: Any, city: Any) -> None:
    result = subprocess.run(
        ["ogrinfo", "-ro", "-q", f"OAPIF:{live_server.url}/ogc/"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "1: wards" in result.stdout and "cases" not in result.stdout


def test_owslib_lists_and_reads_every_collection(live_server: Any, city: Any, auditor: Any) -> None:
    from owslib.ogcapi.features import Features

    token = device_token_issue(user=auditor, device="QGIS").token
    client = Features(f"{live_server.url}/ogc/", headers={"Authorization": f"Token {token}"})
    assert (
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"
        in client.conformance()["conformsTo"]
    )
    assert [c["id"] for c in client.collections()["collections"]] == COLLECTIONS
    for name in COLLECTIONS:
        assert client.collection(name)["id"] == name
        features: list[dict[str, Any]] = []
        page = client.collection_items(name, limit=2)
        matched = page["numberMatched"]
        while True:
            features += page["features"]
            following = next((x["href"] for x in page["links"] if x["rel"] == "next"), None)
            if not following:
                break
            after = parse_qs(urlsplit(following).query)["after"][0]
            page = client.collection_items(name, limit=2, after=after)
        assert matched == len(features)
        assert_same_features(name, features)
        first = features[0]
        assert client.collection_item(name, str(first["id"]))["geometry"] == first["geometry"]
        assert "properties" in client.collection_queryables(name)
