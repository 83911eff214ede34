"""Sites appear with an imported permit register and follow a boundary merger."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.gis.geos import Point

from backend.permits.models import PermitEvent
from backend.sites.models import Site, SiteEvent, SiteEventKind, SiteOrigin, SiteStatus
from backend.sites.services.permit_sync import sites_sync_from_permits
from backend.wards.models import Ward
from tests.imports.conftest import permit_row
from tests.imports.conftest import register_file as register_file  # a fixture
from tests.imports.test_permit_import import run_import
from tests.wards.test_import_merger import admin_user as admin_user  # a fixture
from tests.wards.test_import_merger import city as city  # a fixture
from tests.wards.test_import_merger import merged_file, run

pytestmark = pytest.mark.django_db


def test_an_imported_register_brings_its_sites(ward_a: Any, register_file: Any) -> None:
    run_import(register_file([permit_row(1, "01/GPXD"), permit_row(2, "02/GPXD")]))
    sites = Site.objects.filter(permit__number__in=["01/GPXD", "02/GPXD"])
    assert sites.count() == 2
    assert {s.status for s in sites} == {SiteStatus.NOT_STARTED}
    assert all(s.next_visit_due is not None for s in sites)
    created = SiteEvent.objects.filter(site__in=sites, kind=SiteEventKind.CREATED)
    # Recorded under whoever imported the register, like the permits' own events.
    importer = PermitEvent.objects.filter(permit__number="01/GPXD").get().actor
    assert created.count() == 2 and {e.actor for e in created} == {importer}


def test_a_merger_moves_sites_with_their_permit_or_their_point(
    tmp_path: Path, city: dict[str, Any], admin_user: Any
) -> None:
    sites_sync_from_permits()
    permit_site = Site.objects.get(permit=city["permit"])
    patrol = Site.objects.create(
        ward=city["a"],
        origin=SiteOrigin.PATROL,
        location=Point(106.69, 10.771, srid=4326),
        status=SiteStatus.STARTED,
        status_since=city["a"].valid_from,
    )
    run(merged_file(tmp_path), admin_user)
    new = Ward.objects.get(code="N01")
    for site in (permit_site, patrol):
        site.refresh_from_db()
        assert site.ward == new
        moved = SiteEvent.objects.get(site=site, kind=SiteEventKind.WARD_CHANGED)
        assert moved.data["to"] == "N01"
