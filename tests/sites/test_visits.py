"""A visit to a site: checklist → findings against the permit, outcome, the site updated,
and "violation found" opening a case with the visit's photos as its first evidence."""

from __future__ import annotations

import datetime
import os
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from backend.accounts.models import Role
from backend.audit.models import CaseEvent
from backend.audit.verification import chain_verify
from backend.core.errors import Conflict, InvalidInput, NotAllowed
from backend.photos.models import SitePhoto
from backend.sites.models import Site, SiteEvent, SiteEventKind, SiteOrigin, SiteStatus, Visit
from backend.sites.services.lifecycle import site_status_change
from backend.sites.services.permit_sync import sites_sync_from_permits
from backend.sites.services.visit_checks import checklist_read, clause_suggestion, visit_findings
from backend.sites.services.visits import visit_check, visit_record
from tests.factories import PermitFactory, UserFactory
from tests.photos import imagery

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def photo_media(settings: Any, tmp_path: Path) -> Path:
    location = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location), "base_url": "/media-not-public/"},
        },
    }
    return location


@pytest.fixture
def site(ward_a: Any) -> Site:
    permit = PermitFactory(
        ward=ward_a,
        number="12/GPXD",
        permitted_storeys=5,
        permitted_height_m=Decimal("18.50"),
        permitted_footprint_m2=Decimal("80"),
        permitted_floor_area_m2=Decimal("400"),
        map_sheet="7",
        parcel_number="123",
    )
    sites_sync_from_permits()
    return Site.objects.select_related("permit", "ward").get(permit=permit)


def _record(actor: Any, site: Site, **data: Any) -> Any:
    return visit_record(visit_check(actor=actor, site=site, data=data))


def _post(client: Any, site: Site, key: str | None = None, **data: Any) -> Any:
    headers = {"HTTP_IDEMPOTENCY_KEY": key or str(uuid.uuid4())}
    return client.post(f"/api/sites/{site.pk}/visits/", data, format="json", **headers)


def _photo(client: Any, site: Site, visit_id: int, data: bytes, key: str | None = None) -> Any:
    return client.post(
        f"/api/sites/{site.pk}/visits/{visit_id}/photos/",
        {
            "file": SimpleUploadedFile("p.jpg", data, content_type="image/jpeg"),
            "device_lat": "10.7701",
            "device_lon": "106.6901",
            "device_accuracy_m": "8",
        },
        format="multipart",
        HTTP_IDEMPOTENCY_KEY=key or str(uuid.uuid4()),
    )


# --- findings and the suggested clause -------------------------------------------


def test_more_storeys_height_and_footprint_than_permitted_point_to_wrong_permit_content(
    site: Site,
) -> None:
    checklist = checklist_read(
        {"storeys_built": 6, "height_m": "21.3", "footprint_m2": "80", "site_screened": True}
    )
    findings = visit_findings(site, checklist)
    assert [(f["code"], f["permitted"], f["seen"], f["clause"]) for f in findings] == [
        ("storeys_over", 5, 6, "art16_6"),
        ("height_over", 18.5, 21.3, "art16_6"),
        ("floor_area_over", 400, 480, "art16_6"),
    ]
    suggestion = clause_suggestion(findings, works_class=site.works_class, day=D_TODAY())
    assert suggestion is not None and suggestion.code == "art16_6"
    assert suggestion.citation == "khoản 6 Điều 16 Nghị định số 16/2022/NĐ-CP"
    assert suggestion.findings == ["storeys_over", "height_over", "floor_area_over"]


def D_TODAY() -> datetime.date:
    return timezone.localdate()


def test_within_the_permit_there_is_no_finding(site: Site) -> None:
    checklist = checklist_read(
        {"storeys_built": 5, "height_m": 18.5, "footprint_m2": 80, "permit_displayed": True}
    )
    assert visit_findings(site, checklist) == []


def test_the_gravest_clause_is_suggested_and_the_others_listed(site: Site) -> None:
    checklist = checklist_read({"storeys_built": 6, "within_parcel": False, "site_screened": False})
    findings = visit_findings(site, checklist)
    suggestion = clause_suggestion(findings, works_class=site.works_class, day=D_TODAY())
    assert suggestion is not None
    # Clause 10 (encroachment: 80–100M) over clause 6 (30–40M) over clause 1 (3–5M).
    assert (suggestion.code, suggestion.others) == ("art16_10", ["art16_6", "art16_1"])


def test_a_patrol_site_without_permit_points_to_building_without_a_permit(
    ward_a: Any, inspector_a: Any
) -> None:
    patrol = Site.objects.create(
        ward=ward_a,
        origin=SiteOrigin.PATROL,
        location=Point(106.69, 10.77, srid=4326),
        status=SiteStatus.STRUCTURE,
        status_since=D_TODAY(),
    )
    findings = visit_findings(patrol, checklist_read({"storeys_built": 3}))
    assert [(f["code"], f["clause"]) for f in findings] == [("no_permit", "art16_7")]
    notified = Site.objects.create(
        ward=ward_a,
        origin=SiteOrigin.NOTIFIED,
        small_works=True,
        location=Point(106.69, 10.77, srid=4326),
        status=SiteStatus.STRUCTURE,
        status_since=D_TODAY(),
    )
    assert visit_findings(notified, checklist_read({"storeys_built": 3})) == []


def test_setbacks_and_works_class_are_findings_without_a_clause_of_their_own(site: Site) -> None:
    findings = visit_findings(
        site, checklist_read({"setbacks_respected": False, "works_class": "other_works"})
    )
    assert [(f["code"], f["clause"]) for f in findings] == [
        ("setbacks_not_respected", None),
        ("works_class_differs", None),
    ]
    assert clause_suggestion(findings, works_class="other_works", day=D_TODAY()) is None


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"storeys_built": -1}, "storeys_built"),
        ({"storeys_built": "ba"}, "storeys_built"),
        ({"height_m": "cao"}, "height_m"),
        ({"footprint_m2": "NaN"}, "footprint_m2"),
        ({"site_screened": "maybe"}, "site_screened"),
        ({"status_seen": "roof"}, "status_seen"),
        ({"works_class": "castle"}, "works_class"),
        ({"notes": "x" * 4001}, "notes"),
    ],
)
def test_a_wrong_checklist_value_names_its_field(data: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        checklist_read(data)
    assert refused.value.field == field


# --- outcomes -------------------------------------------------------------------------


def test_violation_needs_a_finding_or_a_note(site: Site, inspector_a: Any) -> None:
    with pytest.raises(InvalidInput) as refused:
        visit_check(actor=inspector_a, site=site, data={"outcome": "violation"})
    assert refused.value.code == "violation_without_findings"
    # A note alone is enough, with the clause chosen by the inspector.
    with pytest.raises(InvalidInput) as refused:
        visit_check(
            actor=inspector_a, site=site, data={"outcome": "violation", "notes": "Đổ mái lấn"}
        )
    assert refused.value.code == "violation_type_missing"
    draft = visit_check(
        actor=inspector_a,
        site=site,
        data={"outcome": "violation", "notes": "Đổ mái lấn", "violation_type": "art16_9"},
    )
    assert draft.case_clause == "art16_9"


def test_conforming_is_refused_when_the_checklist_departs_from_the_permit(
    site: Site, inspector_a: Any
) -> None:
    with pytest.raises(InvalidInput) as refused:
        visit_check(
            actor=inspector_a, site=site, data={"outcome": "conforming", "storeys_built": 6}
        )
    assert refused.value.code == "findings_not_conforming"
    assert "6" in refused.value.message
    with pytest.raises(InvalidInput):
        visit_check(
            actor=inspector_a,
            site=site,
            data={"outcome": "conforming", "setbacks_respected": False},
        )
    # Another works class than recorded is noted, not a departure from the permit.
    draft = visit_check(
        actor=inspector_a, site=site, data={"outcome": "conforming", "works_class": "other_works"}
    )
    assert [f["code"] for f in draft.findings] == ["works_class_differs"]


def test_a_conforming_visit_updates_the_site_and_its_schedule(site: Site, inspector_a: Any) -> None:
    site_status_change(
        actor=inspector_a,
        site=site,
        to_status=SiteStatus.STARTED,
        on=site.status_since,
        evidence="Thông báo khởi công",
    )
    before = Site.objects.get(pk=site.pk)
    result = _record(
        inspector_a,
        before,
        outcome="conforming",
        status_seen="structure",
        storeys_built=3,
        permit_displayed=True,
        site_screened=True,
        lat=10.7702,
        lon=106.6901,
        accuracy_m=6,
    )
    site.refresh_from_db()
    visit = result.visit
    assert result.case is None and visit.case is None
    assert site.visit_count == 1 and site.last_visit_on == visit.visited_on
    assert site.storeys_built == 3
    assert site.status == SiteStatus.STRUCTURE and site.status_since == visit.visited_on
    assert visit.distance_m is not None and 0 < visit.distance_m < 30
    kinds = list(SiteEvent.objects.filter(site=site).values_list("kind", "visit_id"))
    assert (SiteEventKind.VISITED, visit.pk) in kinds
    assert (SiteEventKind.STATUS_CHANGED, visit.pk) in kinds
    # The plan counts from this visit now (structure: every 15 days by default).
    assert site.next_visit_due is not None and site.next_visit_due > visit.visited_on


def test_an_earlier_stage_seen_never_moves_the_site_back(site: Site, inspector_a: Any) -> None:
    site_status_change(
        actor=inspector_a, site=site, to_status="finishing", on=site.status_since, evidence="x"
    )
    _record(inspector_a, Site.objects.get(pk=site.pk), outcome="reminder", status_seen="started")
    assert Site.objects.get(pk=site.pk).status == SiteStatus.FINISHING


def test_a_completed_site_takes_no_visit_until_reopened(site: Site, inspector_a: Any) -> None:
    site_status_change(
        actor=inspector_a, site=site, to_status="completed", on=site.status_since, evidence="x"
    )
    with pytest.raises(Conflict) as refused:
        _record(inspector_a, Site.objects.get(pk=site.pk), outcome="conforming")
    assert refused.value.code == "site_completed"
    assert not Visit.objects.exists()


def test_a_visit_in_the_future_is_refused(site: Site, inspector_a: Any) -> None:
    later = (timezone.now() + datetime.timedelta(hours=2)).isoformat()
    with pytest.raises(InvalidInput) as refused:
        visit_check(
            actor=inspector_a, site=site, data={"outcome": "conforming", "visited_at": later}
        )
    assert refused.value.field == "visited_at"


def test_a_site_outside_the_inspectors_wards_is_refused(site: Site, inspector_b: Any) -> None:
    with pytest.raises(NotAllowed):
        visit_check(actor=inspector_b, site=site, data={"outcome": "conforming"})


# --- violation found: the case ---------------------------------------------------------


def test_violation_found_opens_a_case_prefilled_from_the_site_and_the_findings(
    site: Site, inspector_a: Any
) -> None:
    result = _record(
        inspector_a,
        site,
        outcome="violation",
        status_seen="structure",
        storeys_built=6,
        notes="Đang đổ sàn tầng 6.",
    )
    case = result.case
    assert case is not None and result.visit.case == case
    assert case.violation_type == "art16_6"
    assert case.permit == site.permit
    assert case.address == site.address and case.location.equals(site.location)
    assert case.storeys == 6 and case.map_sheet == "7" and case.parcel_number == "123"
    assert "12/GPXD" in case.description and "Đang đổ sàn tầng 6." in case.description
    assert "6" in case.description and "5" in case.description
    site.refresh_from_db()
    assert list(site.cases.all()) == [case] and site.had_violation
    assert SiteEvent.objects.filter(site=site, kind=SiteEventKind.CASE_LINKED).count() == 1
    assert CaseEvent.objects.filter(case=case, kind="opened").count() == 1


def test_visit_photos_become_the_cases_first_evidence(
    api: Any, site: Site, inspector_a: Any
) -> None:
    client = api(inspector_a)
    answer = _post(client, site, outcome="violation", storeys_built=7, status_seen="structure")
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["case"]["violation_type"] == "art16_6"
    assert body["suggested_clause"]["code"] == "art16_6"
    assert body["findings"][0]["message"]
    data = imagery.jpeg()
    photo = _photo(client, site, body["id"], data)
    assert photo.status_code == 201, photo.content
    visit_photo = SitePhoto.objects.get(visit_id=body["id"])
    case_photo = SitePhoto.objects.get(case_id=body["case"]["id"])
    assert photo.json()["case_photo"] == case_photo.pk
    assert visit_photo.case_id is None and case_photo.visit_id is None
    assert case_photo.sha256 == visit_photo.sha256 and case_photo.original == visit_photo.original
    assert case_photo.device_distance_m == visit_photo.device_distance_m
    event = CaseEvent.objects.get(case_id=body["case"]["id"], kind="photo_added")
    assert event.payload["visit_photo_id"] == visit_photo.pk
    # The case's history verifies with its photo.
    assert chain_verify().intact
    # The case photo list shows it to the inspector.
    listed = client.get(f"/api/cases/{body['case']['id']}/photos/").json()["results"]
    assert [p["id"] for p in listed] == [case_photo.pk]


# --- the API: retries, access ----------------------------------------------------------


def test_a_retried_visit_is_recorded_once(api: Any, site: Site, inspector_a: Any) -> None:
    client = api(inspector_a)
    key = str(uuid.uuid4())
    payload = {"outcome": "violation", "storeys_built": 6, "visited_at": timezone.now().isoformat()}
    answers = [_post(client, site, key, **payload) for _ in range(3)]
    assert [a.status_code for a in answers] == [201, 201, 201]
    assert answers[1]["Idempotent-Replayed"] == "true"
    assert answers[0].json() == answers[2].json()
    assert Visit.objects.count() == 1 and Site.objects.get(pk=site.pk).visit_count == 1
    assert SiteEvent.objects.filter(kind=SiteEventKind.VISITED).count() == 1
    assert site.permit is not None and site.permit.cases.count() == 1
    changed = _post(client, site, key, **{**payload, "storeys_built": 7})
    assert changed.status_code == 422 and changed.json()["code"] == "idempotency_key_reused"
    assert Visit.objects.count() == 1


def test_a_visit_without_idempotency_key_is_400(api: Any, site: Site, inspector_a: Any) -> None:
    answer = api(inspector_a).post(
        f"/api/sites/{site.pk}/visits/", {"outcome": "conforming"}, format="json"
    )
    assert answer.status_code == 400 and not Visit.objects.exists()


def test_a_retried_visit_photo_is_stored_once(api: Any, site: Site, inspector_a: Any) -> None:
    client = api(inspector_a)
    visit_id = _post(client, site, outcome="reminder", site_screened=False).json()["id"]
    key = str(uuid.uuid4())
    data = imagery.jpeg()
    answers = [_photo(client, site, visit_id, data, key) for _ in range(2)]
    assert [a.status_code for a in answers] == [201, 201]
    assert SitePhoto.objects.filter(visit_id=visit_id).count() == 1
    assert not SitePhoto.objects.filter(case__isnull=False).exists()
    other = _photo(client, site, visit_id, imagery.jpeg(imagery.marked((90, 60))), key)
    assert other.status_code == 422
    listed = client.get(f"/api/sites/{site.pk}/visits/{visit_id}/photos/").json()["results"]
    assert len(listed) == 1 and listed[0]["visit"] == visit_id


def test_a_visit_photo_far_from_the_site_carries_its_warning(
    api: Any, site: Site, inspector_a: Any
) -> None:
    client = api(inspector_a)
    visit_id = _post(client, site, outcome="conforming").json()["id"]
    far = client.post(
        f"/api/sites/{site.pk}/visits/{visit_id}/photos/",
        {
            "file": SimpleUploadedFile("p.jpg", imagery.jpeg(), content_type="image/jpeg"),
            "device_lat": "10.7800",
            "device_lon": "106.6901",
        },
        format="multipart",
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    assert far.status_code == 201
    assert [w["code"] for w in far.json()["warnings"]] == ["far_from_site"]


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("inspector_a", 201),
        ("leader_a", 201),
        ("inspector_of_both", 201),
        ("inspector_b", 404),
        ("leader_b", 404),
        ("auditor", 403),
        ("admin_user", 403),
    ],
)
def test_who_may_record_a_visit(
    api: Any,
    site: Site,
    who: str,
    expected: int,
    request: pytest.FixtureRequest,
    ward_a: Any,
    ward_b: Any,
) -> None:
    if who == "inspector_of_both":
        user = UserFactory(username="both", role=Role.INSPECTOR, wards=[ward_a, ward_b])
    elif who == "leader_b":
        user = UserFactory(username="leader_b", role=Role.WARD_LEADER, wards=[ward_b])
    else:
        user = request.getfixturevalue(who)
    answer = _post(api(user), site, outcome="conforming")
    assert answer.status_code == expected, answer.content
    assert Visit.objects.count() == (1 if expected == 201 else 0)


@pytest.mark.parametrize(
    ("who", "sees"), [("inspector_a", True), ("inspector_b", False), ("auditor", True)]
)
def test_who_may_see_a_sites_visits_and_their_photos(
    api: Any, site: Site, inspector_a: Any, who: str, sees: bool, request: pytest.FixtureRequest
) -> None:
    client = api(inspector_a)
    visit_id = _post(client, site, outcome="conforming").json()["id"]
    assert _photo(client, site, visit_id, imagery.jpeg()).status_code == 201
    reader = api(request.getfixturevalue(who))
    listing = reader.get(f"/api/sites/{site.pk}/visits/")
    photos = reader.get(f"/api/sites/{site.pk}/visits/{visit_id}/photos/")
    assert (listing.status_code, photos.status_code) == ((200, 200) if sees else (404, 404))
    if sees:
        assert [v["id"] for v in listing.json()["results"]] == [visit_id]
        assert listing.json()["site"]["permit"]["permitted_storeys"] == 5
    # Nobody but the site's ward staff adds a photo to its visit.
    if who != "inspector_a":
        refused = _photo(reader, site, visit_id, imagery.jpeg(imagery.marked((70, 50))))
        assert refused.status_code in (403, 404)


def test_a_photo_of_another_sites_visit_is_404(api: Any, site: Site, inspector_a: Any) -> None:
    client = api(inspector_a)
    visit_id = _post(client, site, outcome="conforming").json()["id"]
    answer = _photo(client, Site(pk=site.pk + 999), visit_id, imagery.jpeg())
    assert answer.status_code == 404


def test_a_completed_site_answers_409_over_the_api(api: Any, site: Site, inspector_a: Any) -> None:
    site_status_change(
        actor=inspector_a, site=site, to_status="completed", on=site.status_since, evidence="x"
    )
    answer = _post(api(inspector_a), site, outcome="conforming")
    assert answer.status_code == 409 and answer.json()["code"] == "site_completed"


def test_a_visit_photo_has_the_case_photo_limits_and_formats(
    api: Any, site: Site, inspector_a: Any, settings: Any
) -> None:
    client = api(inspector_a)
    visit_id = _post(client, site, outcome="conforming").json()["id"]
    heic = client.post(
        f"/api/sites/{site.pk}/visits/{visit_id}/photos/",
        {
            "file": SimpleUploadedFile(
                "IMG_1.HEIC",
                imagery.heic(exif=imagery.exif_block(gps=imagery.gps_tags(10.7702, 106.6901))),
                content_type="image/heic",
            )
        },
        format="multipart",
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    assert heic.status_code == 201, heic.content
    assert heic.json()["exif"]["distance_m"] < 30 and heic.json()["warnings"] == []
    settings.TTXD_PHOTO_MAX_BYTES = 100_000
    noise = Image.frombytes("RGB", (600, 600), os.urandom(600 * 600 * 3))
    big = _photo(client, site, visit_id, imagery.jpeg(noise, quality=95))
    assert big.status_code == 413
    assert SitePhoto.objects.filter(visit_id=visit_id).count() == 1
