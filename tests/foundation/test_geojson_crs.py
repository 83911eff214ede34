"""A GeoJSON "crs" is honoured when it names a system, refused in Vietnamese when it links out.

Django refuses a "crs" that points GDAL at an outside resource (a URL or a
file); the refusal used to escape as an HTML error page from the JSON API.
"""

from __future__ import annotations

from typing import Any

import pytest

from backend.cases.models import ViolationCase
from tests.foundation.support import error_text

pytestmark = pytest.mark.django_db

# Inside ward A (tests.factories.WARD_A_BOX) in WGS 84 degrees...
LON, LAT = 106.69, 10.77


def opened(api: Any, user: Any, location: dict[str, Any], language: str = "vi") -> Any:
    body = {"location": location, "violation_type": "art16_7"}
    return api(user, language).post("/api/cases/", body, format="json")


@pytest.mark.parametrize(
    "crs",
    [
        {"type": "link", "properties": {"href": "http://example.com/crs/42", "type": "proj4"}},
        {"type": "name", "properties": {"name": "http://example.com/crs.wkt"}},
        {"type": "name", "properties": {"name": "file:///etc/passwd"}},
    ],
    ids=["link", "named by a URL", "named by a file"],
)
def test_an_external_crs_is_a_json_400_in_vietnamese(
    api: Any, inspector_a: Any, crs: dict[str, Any]
) -> None:
    response = opened(api, inspector_a, {"type": "Point", "coordinates": [LON, LAT], "crs": crs})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "external_crs"
    assert "hệ tọa độ" in error_text(response).lower()
    assert not ViolationCase.objects.exists()


def test_an_external_crs_in_the_footprint_is_refused_too(api: Any, inspector_a: Any) -> None:
    ring = [[LON, LAT], [LON + 0.0001, LAT], [LON + 0.0001, LAT + 0.0001], [LON, LAT]]
    body = {
        "lat": LAT,
        "lon": LON,
        "violation_type": "art16_7",
        "footprint": {
            "type": "Polygon",
            "coordinates": [ring],
            "crs": {"type": "link", "properties": {"href": "http://example.com/crs"}},
        },
    }
    response = api(inspector_a, "en").post("/api/cases/", body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "external_crs" and "footprint" in response.json()


def test_a_named_vn2000_crs_is_reprojected_to_wgs84(api: Any, inspector_a: Any) -> None:
    # The same site in VN-2000 / TM-3 zone 48-6 (EPSG:9210, HCMC's cadastral grid).
    from django.contrib.gis.geos import Point

    site = Point(LON, LAT, srid=4326).transform(9210, clone=True)
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::9210"}}
    response = opened(
        api, inspector_a, {"type": "Point", "coordinates": [site.x, site.y], "crs": crs}
    )
    assert response.status_code == 201, response.content
    case = ViolationCase.objects.get()
    assert case.location.x == pytest.approx(LON, abs=1e-6)
    assert case.location.y == pytest.approx(LAT, abs=1e-6)


def test_an_unknown_named_crs_is_refused_not_read_as_degrees(api: Any, inspector_a: Any) -> None:
    crs = {"type": "name", "properties": {"name": "EPSG:999999"}}
    response = opened(
        api, inspector_a, {"type": "Point", "coordinates": [LON, LAT], "crs": crs}, "en"
    )
    assert response.status_code == 400
    assert "crs" in error_text(response)
    assert not ViolationCase.objects.exists()
