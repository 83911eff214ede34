"""A site visit in the field app, in Chromium: recorded offline with a photo, sent once
when back online, and "violation found" opening its case with the photo as evidence."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from backend.accounts.models import Role
from backend.audit.models import CaseEvent
from backend.cases.models import ViolationCase
from backend.photos.models import SitePhoto
from backend.sites.models import Site, SiteStatus, Visit
from backend.sites.services.permit_sync import sites_sync_from_permits
from tests.e2e.conftest import open_field_app, read_store, screenshot, wait_until
from tests.factories import WARD_A_BOX, PermitFactory, UserFactory, WardFactory, box
from tests.photos import imagery


@pytest.fixture
def visit_site(settings: Any, tmp_path: Path) -> dict[str, Any]:
    settings.TTXD_BASEMAP_URL = ""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    ward = WardFactory(code="90001", slug="WARDA", name="Phường A", boundary=box(*WARD_A_BOX))
    UserFactory(username="field_inspector", role=Role.INSPECTOR, wards=[ward])
    permit = PermitFactory(
        ward=ward,
        number="34/GPXD",
        address="12 Lê Lợi",
        # A parcel around (10.77, 106.69): the phone stands ~25 m north of it.
        parcel=box(106.6899, 10.7699, 106.6901, 10.7701),
        permitted_storeys=5,
        permitted_height_m=Decimal("19"),
    )
    sites_sync_from_permits()
    return {"site": Site.objects.get(permit=permit), "permit": permit}


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_visit_recorded_offline_is_sent_once_and_opens_its_case_with_the_photo(
    phone: Any, live_server: Any, visit_site: dict[str, Any]
) -> None:
    site = visit_site["site"]
    open_field_app(phone, live_server, "field_inspector")
    # Online once: the site's permit and its limits are kept on the phone.
    phone.evaluate(f"() => {{ location.hash = '#/visit/{site.pk}'; }}")
    phone.wait_for_selector("#visit-permit")
    assert "34/GPXD" in phone.inner_text("#visit-permit")
    phone.evaluate("() => { location.hash = '#/'; }")

    phone.context.set_offline(True)
    wait_until(phone, "() => navigator.onLine === false")
    phone.evaluate(f"() => {{ location.hash = '#/visit/{site.pk}'; }}")
    phone.wait_for_selector("#visit-form")
    assert "34/GPXD" in phone.inner_text("#visit-permit")
    phone.select_option("#visit-status-seen", "structure")
    phone.select_option("#visit-permit_displayed", "true")
    phone.select_option("#visit-site_screened", "false")
    phone.fill("#visit-storeys", "6")
    phone.fill("#visit-notes", "Đang đổ sàn tầng 6")
    # The phone shows what the server will find, before sending.
    wait_until(phone, "() => document.querySelectorAll('#visit-findings li').length === 2")
    phone.check("#visit-outcome-violation")
    photo = imagery.jpeg(imagery.marked((160, 120)))
    phone.set_input_files(
        "#visit-camera", {"name": "IMG_0042.JPG", "mimeType": "image/jpeg", "buffer": photo}
    )
    phone.wait_for_selector("#visit-photo-picks li")
    screenshot(phone, "field_visit_offline_form")
    phone.click("#visit-submit")
    phone.wait_for_selector("li.visit[data-state=waiting]")
    visits = read_store(phone, "visits")
    photos = read_store(phone, "visit_photos")
    assert [v["state"] for v in visits] == ["waiting"]
    assert visits[0]["payload"]["storeys_built"] == "6"
    assert visits[0]["payload"]["site_screened"] is False
    assert [(p["state"], p["visitKey"], p["size"]) for p in photos] == [
        ("waiting", visits[0]["key"], len(photo))
    ]
    assert not Visit.objects.exists()

    # Reopening the app offline loses nothing.
    phone.reload()
    phone.wait_for_selector("#field[data-ready=true]")
    phone.wait_for_selector("li.visit[data-state=waiting] li.visit-photo[data-state=waiting]")
    screenshot(phone, "field_visit_offline_queued")

    phone.context.set_offline(False)
    phone.wait_for_selector("li.visit[data-state=done]", timeout=20_000)
    phone.wait_for_selector("li.visit-photo[data-state=done]", timeout=20_000)
    phone.wait_for_selector(".visit-case a")
    # The site's header follows: the visit moved it on to structure works.
    wait_until(phone, "() => document.querySelector('#visit-site').innerText.includes('phần thân')")
    screenshot(phone, "field_visit_sent")

    visit = Visit.objects.get()
    assert visit.outcome == "violation" and visit.storeys_built == 6
    assert visit.distance_m is not None and 15 < visit.distance_m < 40
    assert [f["code"] for f in visit.findings] == ["storeys_over", "not_screened"]
    case = ViolationCase.objects.get()
    assert visit.case == case and case.violation_type == "art16_6"
    assert case.permit == visit_site["permit"] and "Đang đổ sàn tầng 6" in case.description
    site.refresh_from_db()
    assert site.status == SiteStatus.STRUCTURE and site.visit_count == 1
    assert site.storeys_built == 6 and list(site.cases.all()) == [case]
    visit_photo = SitePhoto.objects.get(visit=visit)
    case_photo = SitePhoto.objects.get(case=case)
    assert case_photo.sha256 == visit_photo.sha256
    assert CaseEvent.objects.filter(case=case, kind="photo_added").count() == 1
    assert case.code in phone.inner_text(".visit-case")

    # Going offline and online again sends nothing more.
    phone.context.set_offline(True)
    phone.context.set_offline(False)
    phone.wait_for_timeout(800)
    assert Visit.objects.count() == 1 and SitePhoto.objects.count() == 2
    assert ViolationCase.objects.count() == 1
