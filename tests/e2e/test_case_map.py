"""The case page's small map gives the point its context without a base map (issue 16 §5):
the ward's boundary nearby and the permit's parcel, drawn in Chromium."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.gis.geos import Point

from tests.e2e.conftest import log_in, screenshot
from tests.factories import CaseFactory, PermitFactory, box

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-1234-word"


def test_the_case_map_shows_the_ward_boundary_and_the_parcel(
    page: Any, live_server: Any, settings: Any, ward_a: Any, inspector_a: Any
) -> None:
    settings.TTXD_BASEMAP_URL = ""  # no base map at all: the context must come from our data
    # About 150 m from the ward's east edge (106.70), inside the permit's parcel.
    permit = PermitFactory(ward=ward_a, parcel=box(106.6985, 10.7700, 106.6987, 10.7702))
    case = CaseFactory(
        ward=ward_a,
        opened_by=inspector_a,
        permit=permit,
        location=Point(106.6986, 10.7701, srid=4326),
    )
    log_in(page, live_server, "inspector_a", PASSWORD)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.wait_for_selector("#case-map[data-ready='1']")
    assert page.locator("#case-map path.ward-outline").count() >= 1
    assert page.locator("#case-map path.parcel-outline").count() == 1
    assert page.locator("#case-map path.site-point").count() == 1
    assert "Phường A" in page.inner_text(".map-key")
    outline = json.loads(page.get_attribute("#case-map", "data-ward-outline") or "{}")
    assert outline["type"] in ("LineString", "MultiLineString")
    screenshot(page, "case-map-context")


def test_a_case_far_from_the_boundary_carries_no_outline(
    page: Any, live_server: Any, settings: Any, ward_a: Any, inspector_a: Any
) -> None:
    settings.TTXD_BASEMAP_URL = ""
    # Ward A is 0.02° (about 2.2 km) wide: its middle is over 600 m from every edge.
    case = CaseFactory(ward=ward_a, opened_by=inspector_a, location=Point(106.69, 10.77, srid=4326))
    log_in(page, live_server, "inspector_a", PASSWORD)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.wait_for_selector("#case-map[data-ready='1']")
    assert page.get_attribute("#case-map", "data-ward-outline") == ""
    assert page.locator("#case-map path.site-point").count() == 1
