"""The ward's data package: one GeoPackage with wards, permits, cases and photo
positions, read back with GDAL; scoped like everything else."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.gis.gdal import DataSource
from django.contrib.gis.geos import Point

from backend.photos.models import SitePhoto
from tests.ogc.conftest import session_client, token_client

pytestmark = pytest.mark.django_db

LAYERS = ["wards", "permits", "sites", "cases", "tips", "photos"]


@pytest.fixture
def photos(city: Any, inspector_a: Any, inspector_b: Any) -> list[SitePhoto]:
    rows = []
    for n, (case, who, device, exif) in enumerate(
        [
            (city["cases_a"][0], inspector_a, Point(106.6851, 10.7651, srid=4326), None),
            (city["cases_a"][1], inspector_a, None, Point(106.6891, 10.7691, srid=4326)),
            (city["cases_b"][0], inspector_b, Point(106.7051, 10.7701, srid=4326), None),
            (city["cases_b"][0], inspector_b, None, None),  # no position: not in the layer
        ]
    ):
        rows.append(
            SitePhoto.objects.create(
                case=case,
                original="photos/x.jpg",
                sha256=str(n) * 64,
                content_type="image/jpeg",
                size_bytes=1,
                uploaded_by=who,
                device_location=device,
                exif_location=exif,
            )  # fmt: skip
        )
    return rows


def download(client: Any, tmp_path: Path) -> DataSource:
    response = client.get("/ogc/package.gpkg")
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/geopackage+sqlite3"
    assert "attachment" in response["Content-Disposition"]
    path = tmp_path / "package.gpkg"
    path.write_bytes(b"".join(response.streaming_content))
    return DataSource(str(path))


def layer_rows(source: DataSource, name: str) -> dict[int, Any]:
    layer = source[name]
    return {int(feature.fid): feature for feature in layer}


def test_city_package_holds_every_layer_in_wgs84(
    city: Any, photos: Any, auditor: Any, ward_a: Any, ward_b: Any, tmp_path: Path
) -> None:
    source = download(token_client(auditor), tmp_path)
    assert [layer.name for layer in source] == LAYERS
    for layer in source:
        assert layer.srs is not None and layer.srs.srid == 4326, layer.name
    assert set(layer_rows(source, "wards")) == {ward_a.pk, ward_b.pk}
    assert len(layer_rows(source, "permits")) == 3
    cases = layer_rows(source, "cases")
    assert set(cases) == {c.pk for c in city["cases_a"] + city["cases_b"]}
    first = city["cases_a"][0]
    assert cases[first.pk].get("code") == first.code
    assert cases[first.pk].geom.coords == pytest.approx((106.685, 10.765))
    assert source["cases"].geom_type.name == "Point"
    assert source["wards"].geom_type.name == "MultiPolygon"
    positions = layer_rows(source, "photos")
    assert set(positions) == {p.pk for p in photos[:3]}
    assert positions[photos[0].pk].get("position_source") == "device"
    assert positions[photos[1].pk].get("position_source") == "exif"
    assert positions[photos[1].pk].geom.coords == pytest.approx((106.6891, 10.7691))
    assert positions[photos[0].pk].get("case_code") == first.code


def test_ward_leader_package_holds_only_their_ward(
    city: Any, photos: Any, leader_a: Any, ward_a: Any, tmp_path: Path
) -> None:
    source = download(session_client(leader_a), tmp_path)
    assert [layer.name for layer in source] == LAYERS
    assert set(layer_rows(source, "wards")) == {ward_a.pk}
    assert set(layer_rows(source, "permits")) == {p.pk for p in city["permits_a"]}
    assert set(layer_rows(source, "cases")) == {c.pk for c in city["cases_a"]}
    assert set(layer_rows(source, "photos")) == {p.pk for p in photos[:2]}


def test_an_empty_ward_still_gets_every_layer(
    ward_b: Any, inspector_b: Any, tmp_path: Path
) -> None:
    source = download(token_client(inspector_b), tmp_path)
    assert [layer.name for layer in source] == LAYERS
    assert len(source["cases"]) == 0 and len(source["wards"]) == 1
