"""OGC API – Features Part 1 and 2 at /ogc/: the documents, paging, filters, CRS."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.gis.gdal import CoordTransform, SpatialReference
from django.contrib.gis.geos import Point

from backend.ogc.views import CONFORMANCE
from tests.ogc.conftest import get_json, session_client

pytestmark = pytest.mark.django_db

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"


def ids(body: dict[str, Any]) -> list[int]:
    return [f["id"] for f in body["features"]]


def link(body: dict[str, Any], rel: str) -> str | None:
    return next((x["href"] for x in body["links"] if x["rel"] == rel), None)


def test_landing_page_links_conformance_and_data(city: Any) -> None:
    body = get_json(session_client(None), "/ogc/")
    rels = {x["rel"] for x in body["links"]}
    # No OpenAPI document is served, so no service-desc (nor oas30 below).
    assert {"self", "alternate", "conformance", "data"} == rels
    assert link(body, "data") == "http://testserver/ogc/collections"
    conformance = get_json(session_client(None), "/ogc/conformance")
    assert conformance["conformsTo"] == CONFORMANCE
    assert not any("oas30" in c or "filter" in c.rsplit("/", 1)[-1] for c in CONFORMANCE)


def test_collection_has_extents_crs_list_and_storage_crs(city: Any, auditor: Any) -> None:
    body = get_json(session_client(auditor), "/ogc/collections/cases")
    [bbox] = body["extent"]["spatial"]["bbox"]
    assert bbox == pytest.approx([106.685, 10.765, 106.709, 10.773])
    assert body["extent"]["spatial"]["crs"] == CRS84
    assert body["extent"]["temporal"]["interval"] == [
        ["2026-03-01T02:00:00Z", "2026-04-02T02:00:00Z"]
    ]
    assert body["storageCrs"] == CRS84
    assert "http://www.opengis.net/def/crs/EPSG/0/9210" in body["crs"]
    wards = get_json(session_client(None), "/ogc/collections/wards")
    # Current versions only: the closed version of ward A is not counted; still open-ended.
    assert wards["extent"]["temporal"]["interval"] == [["2025-07-01T00:00:00Z", None]]


def test_items_are_geojson_with_counts_and_content_crs(city: Any, auditor: Any) -> None:
    response = session_client(auditor).get("/ogc/collections/cases/items")
    assert response["Content-Type"] == "application/geo+json"
    assert response["Content-Crs"] == f"<{CRS84}>"
    body = response.json()
    assert body["numberMatched"] == body["numberReturned"] == 5
    first = city["cases_a"][0]
    feature = body["features"][0]
    assert feature["id"] == first.pk
    assert feature["geometry"] == {"type": "Point", "coordinates": [106.685, 10.765]}
    assert feature["properties"]["code"] == first.code
    assert feature["properties"]["ward_code"] == "90001"
    assert feature["properties"]["overdue"] is False
    # No personal data of the violator in a GIS layer.
    assert not any(k.startswith("violator") for k in feature["properties"])


def test_wards_are_the_current_versions(city: Any, ward_a: Any, ward_b: Any) -> None:
    body = get_json(session_client(None), "/ogc/collections/wards/items")
    assert ids(body) == sorted([ward_a.pk, ward_b.pk])
    assert body["features"][0]["geometry"]["type"] == "MultiPolygon"


def test_next_and_prev_links_walk_every_page_once(city: Any, auditor: Any) -> None:
    client = session_client(auditor)
    url: str | None = "/ogc/collections/cases/items?limit=2"
    seen: list[int] = []
    pages = []
    while url:
        body = get_json(client, url)
        assert body["numberMatched"] == 5
        pages.append(body)
        seen += ids(body)
        url = link(body, "next")
    assert [len(p["features"]) for p in pages] == [2, 2, 1]
    assert seen == sorted(c.pk for c in city["cases_a"] + city["cases_b"])
    assert link(pages[0], "prev") is None
    back = get_json(client, link(pages[2], "prev") or "")
    assert ids(back) == ids(pages[1])
    assert ids(get_json(client, link(back, "prev") or "")) == ids(pages[0])


def test_limit_past_the_maximum_is_clamped_not_refused(
    city: Any, auditor: Any, settings: Any
) -> None:
    settings.TTXD_OGC_LIMIT_MAX = 3
    body = get_json(session_client(auditor), "/ogc/collections/cases/items?limit=1000")
    assert body["numberReturned"] == 3


def test_bbox_in_crs84_and_in_other_crs(city: Any, auditor: Any) -> None:
    client = session_client(auditor)
    body = get_json(client, "/ogc/collections/cases/items?bbox=106.68,10.76,106.70,10.78")
    assert ids(body) == sorted(c.pk for c in city["cases_a"])
    lat_first = get_json(
        client, "/ogc/collections/cases/items?bbox=10.76,106.68,10.78,106.70&bbox-crs=EPSG:4326"
    )
    assert ids(lat_first) == ids(body)
    # The same box in VN-2000 metres (EPSG:9210), transformed by GDAL here.
    to_vn = CoordTransform(SpatialReference(4326), SpatialReference(9210))
    low = Point(106.68, 10.76, srid=4326).transform(to_vn, clone=True)
    high = Point(106.70, 10.78, srid=4326).transform(to_vn, clone=True)
    vn = get_json(
        client,
        f"/ogc/collections/cases/items?bbox={low.x},{low.y},{high.x},{high.y}"
        "&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/9210",
    )
    assert ids(vn) == ids(body)


def test_datetime_instant_interval_and_open_ends(city: Any, auditor: Any) -> None:
    client = session_client(auditor)
    a0, a1, a2 = (c.pk for c in city["cases_a"])
    b0, b1 = (c.pk for c in city["cases_b"])

    def matching(value: str) -> list[int]:
        return ids(get_json(client, f"/ogc/collections/cases/items?datetime={value}"))

    assert matching("2026-03-11") == [a1]
    assert matching("2026-03-11T09:00:00%2B07:00") == [a1]
    assert matching("2026-03-01/2026-03-11") == [a0, a1]
    assert matching("../2026-03-11") == [a0, a1]
    assert matching("2026-03-12/..") == [a2, b0, b1]
    assert matching("2026-04-02/") == [b1]
    permits = ids(get_json(client, "/ogc/collections/permits/items?datetime=2025-10-01/.."))
    assert permits == sorted([city["permits_a"][1].pk, city["permits_b"][0].pk])
    # Wards are valid over an interval: a day before the current versions began finds none.
    assert ids(get_json(client, "/ogc/collections/wards/items?datetime=2025-06-30")) == []


def test_queryables_and_property_filters(city: Any, auditor: Any) -> None:
    client = session_client(auditor)
    response = client.get("/ogc/collections/cases/queryables")
    assert response["Content-Type"] == "application/schema+json"
    schema = response.json()
    assert schema["type"] == "object"
    assert schema["properties"]["stage"]["enum"][0] == "detected"
    assert schema["properties"]["geometry"] == {"format": "geometry-point"}
    body = get_json(client, "/ogc/collections/cases/items?ward_code=90002")
    assert ids(body) == [c.pk for c in city["cases_b"]]
    body = get_json(client, "/ogc/collections/cases/items?stage=closed&ward_code=90001")
    assert ids(body) == [city["cases_a"][2].pk]
    refused = get_json(client, "/ogc/collections/cases/items?stage=demolished", status=400)
    assert "stage" in refused["description"]


def test_output_crs_transforms_and_orders_axes(city: Any, auditor: Any) -> None:
    client = session_client(auditor)
    case = city["cases_a"][0]
    url = f"/ogc/collections/cases/items/{case.pk}"
    assert get_json(client, url)["geometry"]["coordinates"] == [106.685, 10.765]
    lat_first = client.get(url + "?crs=EPSG:4326")
    assert lat_first["Content-Crs"] == "<http://www.opengis.net/def/crs/EPSG/0/4326>"
    assert lat_first.json()["geometry"]["coordinates"] == [10.765, 106.685]
    for code in (3857, 9210, 3405):
        expected = case.location.transform(
            CoordTransform(SpatialReference(4326), SpatialReference(code)), clone=True
        )
        response = client.get(f"{url}?crs=http://www.opengis.net/def/crs/EPSG/0/{code}")
        assert response["Content-Crs"] == f"<http://www.opengis.net/def/crs/EPSG/0/{code}>"
        x, y = response.json()["geometry"]["coordinates"]
        assert (x, y) == pytest.approx((expected.x, expected.y), abs=0.01), code
    # VN-2000 easting about 600 km, northing about 1,190 km in the city.
    x, y = get_json(client, url + "?crs=EPSG:9210")["geometry"]["coordinates"]
    assert 590_000 < x < 610_000 and 1_180_000 < y < 1_200_000


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("bbox=1,2,3", "bbox"),
        ("bbox=106.7,10.8,106.6,10.7", "bbox"),
        ("bbox=106.6,95,106.7,96", "bbox"),
        ("bbox-crs=EPSG:4326", "bbox"),
        ("limit=0", "limit"),
        ("limit=abc", "limit"),
        ("datetime=yesterday", "datetime"),
        ("datetime=2026-05-01/2026-04-01", "datetime"),
        ("datetime=../..", "datetime"),
        ("crs=EPSG:2154", "EPSG:2154"),
        ("after=x", "after"),
        ("after=1&before=9", "after"),
        ("colour=red", "colour"),
        ("f=xml", "xml"),
        ("limit=1&limit=2", "limit"),
        # Digits int() refuses, impossible dates, the calendar's edges, infinite boxes.
        ("after=²", "after"),
        ("datetime=2025-02-30", "datetime"),
        ("datetime=9999-12-31", "datetime"),
        ("datetime=2025-01-01/9999-12-31", "datetime"),
        ("datetime=0001-01-01T00:00:00+05:00", "datetime"),
        ("bbox=-1e308,-1e308,1e308,1e308&bbox-crs=EPSG:3857", "bbox"),
    ],
)
def test_wrong_parameters_are_400_with_an_ogc_body_in_vietnamese(
    city: Any, auditor: Any, query: str, words: str
) -> None:
    response = session_client(auditor).get(f"/ogc/collections/cases/items?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "InvalidParameterValue"
    assert words in body["description"]
    # Vietnamese, with its diacritics.
    assert any(ch in body["description"] for ch in "ảạấầẩậắằẳặđếềểệịỉọỏốồổộớờởợụủứừửựỳỷý"), body


def test_unknown_collection_and_feature_are_404(city: Any, auditor: Any) -> None:
    client = session_client(auditor)
    assert get_json(client, "/ogc/collections/cases/items/²", status=404)["code"] == "NotFound"
    late = "/ogc/collections/permits/items?datetime=9999-12-31T23:00:00-05:00"
    assert client.get(late).status_code == 400
    assert get_json(client, "/ogc/collections/parcels", status=404)["code"] == "NotFound"
    assert get_json(client, "/ogc/collections/cases/items/999999", status=404)["code"] == "NotFound"
    assert get_json(client, "/ogc/collections/cases/items/abc", status=404)["code"] == "NotFound"


def test_html_pages_in_vietnamese_with_a_map(city: Any, auditor: Any) -> None:
    client = session_client(auditor)
    page = client.get("/ogc/collections/cases/items", HTTP_ACCEPT="text/html,*/*;q=0.8")
    assert page["Content-Type"].startswith("text/html")
    text = page.content.decode()
    assert "Vụ việc vi phạm" in text and 'id="ogc-map"' in text
    assert "5 trên 5 đối tượng" in text
    assert 'src="/static/vendor/leaflet/leaflet.js"' in text
    assert get_json(client, "/ogc/collections/cases/items", HTTP_ACCEPT="application/json")
    for url in ("/ogc/", "/ogc/conformance", "/ogc/collections", "/ogc/collections/cases",
                "/ogc/collections/cases/queryables", f"/ogc/collections/cases/items/{city['cases_a'][0].pk}"):  # fmt: skip
        response = client.get(url, {"f": "html"})
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("text/html"), url


def test_html_escapes_what_the_data_holds(city: Any, auditor: Any) -> None:
    case = city["cases_a"][0]
    case.address = "<script>alert(1)</script>"
    case.save()
    text = (
        session_client(auditor)
        .get(f"/ogc/collections/cases/items/{case.pk}?f=html")
        .content.decode()
    )
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_items_statement_count(city: Any, auditor: Any, django_assert_max_num_queries: Any) -> None:
    client = session_client(auditor)
    client.get("/ogc/")  # the session and user are read once a request
    with django_assert_max_num_queries(5):
        client.get("/ogc/collections/cases/items?limit=1000")


def test_date_of_closed_ward_version_not_in_items(city: Any) -> None:
    body = get_json(session_client(None), "/ogc/collections/wards/items?code=90001")
    assert ids(body) != [city["old_a"].pk] and len(ids(body)) == 1
    assert body["features"][0]["properties"]["valid_from"] == datetime.date(2025, 7, 1).isoformat()


def test_the_other_format_keeps_the_filters(city: Any, auditor: Any) -> None:
    body = get_json(session_client(auditor), "/ogc/collections/cases/items?ward_code=90002&limit=1")
    alternate = link(body, "alternate") or ""
    assert "ward_code=90002" in alternate and "limit=1" in alternate and "f=html" in alternate
    page = session_client(auditor).get(alternate.replace("http://testserver", ""))
    assert page.status_code == 200 and "1 trên 2 đối tượng" in page.content.decode()
