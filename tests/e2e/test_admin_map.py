"""The admin edits every geometry on a Leaflet map served from our own static files."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon

from backend.accounts.models import Role, User
from backend.permits.models import Permit
from backend.wards.models import Ward
from tests.e2e.conftest import log_in, screenshot
from tests.factories import PermitFactory, WardFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ADMIN_PASSWORD = "map-admin-pass-2026"


@pytest.fixture
def no_basemap(settings: Any) -> None:
    # No tile server: the test must not reach the internet.
    settings.TTXD_BASEMAP_URL = ""


@pytest.fixture
def map_admin(db: Any) -> User:
    return User.objects.create_user(
        username="map_admin",
        password=ADMIN_PASSWORD,
        role=Role.ADMIN,
        is_staff=True,
        is_superuser=True,
    )


def two_part_ward() -> Ward:
    west = Polygon.from_bbox((106.690, 10.770, 106.695, 10.775))
    islet = Polygon(((106.697, 10.771), (106.699, 10.771), (106.698, 10.7735), (106.697, 10.771)))
    return WardFactory(
        code="91234",
        slug="BANDO",
        name="Phường Bản Đồ",
        boundary=MultiPolygon(west, islet, srid=4326),
        valid_from=datetime.date(2025, 7, 1),
    )


def outside_requests(page: Any, live_server: Any) -> list[str]:
    seen: list[str] = []
    page.on(
        "request",
        lambda request: (
            seen.append(request.url)
            if not request.url.startswith((live_server.url, "data:", "blob:"))
            else None
        ),
    )
    return seen


def assert_map_widget_rendered(page: Any, field: str, polygons: int) -> None:
    widget = page.locator(f"#id_{field}_map")
    widget.wait_for(state="visible")
    assert "leaflet-container" in (widget.get_attribute("class") or "")
    size = widget.bounding_box()
    assert size is not None and size["width"] >= 600 and size["height"] >= 400, size
    paths = widget.locator("path.leaflet-interactive")
    paths.first.wait_for(state="attached")
    assert paths.count() == polygons
    assert widget.locator(".leaflet-pm-toolbar").count() >= 1
    assert widget.locator(".leaflet-pm-icon-polygon").count() == 1
    # The polygons are drawn on screen, not collapsed to nothing.
    box = paths.first.bounding_box()
    assert box is not None and box["width"] > 10 and box["height"] > 10


def save_unchanged(page: Any) -> None:
    page.click("input[name=_save]")
    page.wait_for_load_state("networkidle")
    assert page.locator(".errornote, .errorlist").count() == 0, page.content()
    assert page.locator("ul.messagelist li.success").count() == 1


def test_ward_boundary_renders_on_the_map_and_round_trips(
    page: Any, live_server: Any, no_basemap: None, map_admin: User
) -> None:
    ward = two_part_ward()
    area_before = ward.boundary.area
    outside = outside_requests(page, live_server)
    log_in(page, live_server, "map_admin", ADMIN_PASSWORD)
    assert page.url.endswith("/admin/")

    page.goto(f"{live_server.url}/admin/wards/ward/{ward.pk}/change/")
    assert_map_widget_rendered(page, "boundary", polygons=2)
    screenshot(page, "admin_ward_boundary_map")
    save_unchanged(page)

    ward.refresh_from_db()
    assert ward.boundary.num_geom == 2
    assert ward.boundary.area == pytest.approx(area_before, rel=1e-9)
    assert outside == []


def test_permit_parcel_survives_being_rewritten_by_the_map_editor(
    page: Any, live_server: Any, no_basemap: None, map_admin: User
) -> None:
    ward = two_part_ward()
    permit = PermitFactory(
        number="123/GPXD-E2E",
        ward=ward,
        parcel=MultiPolygon(Polygon.from_bbox((106.6921, 10.7721, 106.6923, 10.7723)), srid=4326),
    )
    area_before = permit.parcel.area
    outside = outside_requests(page, live_server)
    log_in(page, live_server, "map_admin", ADMIN_PASSWORD)

    page.goto(f"{live_server.url}/admin/permits/permit/{permit.pk}/change/")
    assert_map_widget_rendered(page, "parcel", polygons=1)
    # Make the widget serialise its layers back into the form, as after an edit.
    page.evaluate(
        """() => {
            const el = document.getElementById("id_parcel_map");
            el._ttxdLayers.eachLayer((layer) => layer.fire("pm:edit"));
        }"""
    )
    written = page.input_value("#id_parcel")
    assert '"MultiPolygon"' in written
    screenshot(page, "admin_permit_parcel_map")
    save_unchanged(page)

    permit = Permit.objects.get(pk=permit.pk)
    assert permit.parcel.geom_type == "MultiPolygon"
    assert permit.parcel.srid == 4326
    # Leaflet writes 6 decimals (~5 cm): the area stays within a fraction of a percent.
    assert permit.parcel.area == pytest.approx(area_before, rel=1e-2)
    assert (
        permit.parcel.centroid.distance(
            Polygon.from_bbox((106.6921, 10.7721, 106.6923, 10.7723)).centroid
        )
        < 1e-6
    )
    assert outside == []
