"""A phone or a camera far from Vietnam is recorded and flagged, never a crash."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.gis.geos import Point, Polygon

from backend.photos.models import SitePhoto
from gis.geometry import GeometryProblem, geodesic_distance_m, metric_distance_m
from tests.factories import CaseFactory
from tests.photos import imagery
from tests.photos.conftest import upload

SITE = Point(106.69, 10.77, srid=4326)


@pytest.fixture
def case_a(ward_a: Any, inspector_a: Any) -> Any:
    return CaseFactory(ward=ward_a, opened_by=inspector_a, location=SITE.clone())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lat", "lon"),
    [("0", "-170"), ("-89.9", "0"), ("90", "180"), ("-10.77", "-73.31"), ("51.5", "-0.12")],
)
def test_a_device_position_anywhere_on_earth_is_kept_and_flagged_far_from_site(
    api: Any, inspector_a: Any, case_a: Any, lat: str, lon: str
) -> None:
    response = upload(
        api(inspector_a, "en"), case_a, imagery.jpeg(), device_lat=lat, device_lon=lon
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["device"]["position"]["lat"] == pytest.approx(float(lat))
    assert body["device"]["distance_m"] > 5_000_000
    assert "far_from_site" in [w["code"] for w in body["warnings"]]
    photo = SitePhoto.objects.get()
    assert photo.device_location.y == pytest.approx(float(lat))


@pytest.mark.django_db
def test_an_exif_position_abroad_is_kept_and_flagged(
    api: Any, inspector_a: Any, case_a: Any
) -> None:
    data = imagery.jpeg(exif=imagery.exif_block(gps=imagery.gps_tags(-33.86, 151.21)))
    response = upload(
        api(inspector_a, "en"),
        case_a,
        data,
        device_lat="10.77",
        device_lon="106.69",
    )
    assert response.status_code == 201, response.content
    codes = [w["code"] for w in response.json()["warnings"]]
    assert "far_from_site" in codes and "exif_device_mismatch" in codes


@pytest.mark.django_db
@pytest.mark.parametrize(("lat", "lon"), [("91", "0"), ("0", "-180.5"), ("inf", "0")])
def test_impossible_degrees_are_still_a_400(
    api: Any, inspector_a: Any, case_a: Any, lat: str, lon: str
) -> None:
    response = upload(
        api(inspector_a, "en"), case_a, imagery.jpeg(), device_lat=lat, device_lon=lon
    )
    assert response.status_code == 400
    assert "device_lat" in response.json()
    assert not SitePhoto.objects.exists()


def test_geodesic_distance_matches_known_distances() -> None:
    # Hồ Chí Minh City (Bến Thành) to Hà Nội (Hoàn Kiếm): about 1,138 km on the ellipsoid.
    assert geodesic_distance_m(10.7725, 106.6980, 21.0287, 105.8524) == pytest.approx(
        1_138_000, rel=0.005
    )
    # A quarter of the equator: 10,018,754 m on WGS 84.
    assert geodesic_distance_m(0.0, 0.0, 0.0, 90.0) == pytest.approx(10_018_754, abs=1)
    # Pole to pole along a meridian: 20,003,931 m.
    assert geodesic_distance_m(-90.0, 0.0, 90.0, 0.0) == pytest.approx(20_003_931, abs=2)
    assert geodesic_distance_m(10.77, 106.69, 10.77, 106.69) == 0.0


def test_nearly_antipodal_points_have_a_distance_too() -> None:
    # Vincenty's iteration does not converge here; the answer is still about half
    # the circumference, never an error.
    distance = geodesic_distance_m(0.0, 0.0, 0.5, 179.7)
    assert 19_900_000 < distance < 20_010_000


@pytest.mark.parametrize(
    "point",
    [Point(-170.0, 0.0, srid=4326), Point(0.0, -89.99, srid=4326), Point(179.99, 45.0, srid=4326)],
)
def test_points_anywhere_have_a_distance_in_metres(point: Point) -> None:
    distance = metric_distance_m(point, SITE)
    assert distance == pytest.approx(
        geodesic_distance_m(point.y, point.x, SITE.y, SITE.x), rel=1e-9
    )
    assert distance > 5_000_000


def test_a_polygon_far_from_the_projection_zone_still_has_a_distance() -> None:
    # A footprint near the antimeridian, a point 1 km south of it: UTM 48N
    # cannot hold it, a projection centred on the two can.
    polygon = Polygon.from_bbox((179.990, -16.999, 179.999, -16.990))
    polygon.srid = 4326
    south = Point(179.995, -16.999 - 1000 / 110_600, srid=4326)
    assert metric_distance_m(polygon, south) == pytest.approx(1000, rel=0.01)


def test_a_polygon_across_the_world_has_a_finite_distance() -> None:
    polygon = Polygon.from_bbox((-170.01, -0.01, -169.99, 0.01))
    polygon.srid = 4326
    distance = metric_distance_m(polygon, SITE)
    assert 5_000_000 < distance < 20_100_000


@pytest.mark.parametrize("point", [Point(180.0, 0.0, srid=4326), Point(-179.9999, 0.0, srid=4326)])
def test_a_polygon_at_the_antipode_is_half_the_world_away_not_zero(point: Point) -> None:
    # A projection centred on one folds the other up: the distance must not collapse.
    polygon = Polygon.from_bbox((-0.001, -0.001, 0.001, 0.001))
    polygon.srid = 4326
    assert 19_900_000 < metric_distance_m(polygon, point) < 20_100_000
    assert 19_900_000 < metric_distance_m(point, polygon) < 20_100_000


def test_coordinates_that_are_not_degrees_are_a_problem_not_a_crash() -> None:
    with pytest.raises(GeometryProblem) as caught:
        metric_distance_m(Point(106.7, 95.0, srid=4326), SITE)
    assert caught.value.code == "out_of_range"
