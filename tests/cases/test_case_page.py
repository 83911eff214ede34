"""The case page: map, photos, stage strip, deadline, the forms this user may submit, history."""

from __future__ import annotations

import datetime
from typing import Any

from django.test import Client
from django.utils import timezone

from backend.cases.models import Stage
from tests.cases.conftest import PATHS, SAMPLE_DATA, open_case, walk


def logged_in(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_the_inspector_sees_the_record_form_and_the_deadline(inspector_a: Any) -> None:
    case = open_case(inspector_a, days_ago=0)
    page = logged_in(inspector_a).get(f"/cases/{case.pk}/").content.decode()
    assert case.code in page and 'data-testid="stage"' in page
    assert 'id="case-map"' in page and "vendor/leaflet/leaflet.js" in page
    assert 'data-action="record_violation"' in page and 'name="violator_name"' in page
    assert 'data-action="cancel"' not in page  # a decision for the leader
    assert "Violation record due" in page and "Nghị định 118/2021" in page
    assert "days left" in page or "due today" in page
    assert "No photos yet." in page
    assert '<li class="current">Detected</li>' in page


def test_an_overdue_deadline_is_shown_in_red_with_the_days(inspector_a: Any) -> None:
    case = open_case(inspector_a, days_ago=30)
    page = logged_in(inspector_a).get(f"/cases/{case.pk}/").content.decode()
    overdue = (timezone.localdate() - case.stage_deadline).days
    assert 'class="deadline overdue"' in page and f"{overdue} days overdue" in page


def test_submitting_a_form_takes_the_action(inspector_a: Any) -> None:
    case = open_case(inspector_a, days_ago=3)
    form = {
        "action": "record_violation",
        "expected_version": "1",
        "occurred_on": timezone.localdate().isoformat(),
        "violator_kind": "individual",
        "works_class": "individual_house",
        "signer": "Cán bộ A",
        **SAMPLE_DATA["record_violation"],
    }
    response = logged_in(inspector_a).post(f"/cases/{case.pk}/act/", form)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == Stage.SUSPENDED
    page = logged_in(inspector_a).get(f"/cases/{case.pk}/").content.decode()
    assert "1/BB-VPHC" in page and f"/api/cases/{case.pk}/documents/MBB01/" in page
    assert "Make the violation record and order building to stop" in page  # history


def test_a_form_with_missing_data_comes_back_with_the_errors(inspector_a: Any) -> None:
    case = open_case(inspector_a, days_ago=3)
    response = logged_in(inspector_a).post(
        f"/cases/{case.pk}/act/",
        {
            "action": "record_violation",
            "occurred_on": timezone.localdate().isoformat(),
            "violator_name": "Kept Value",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "is required" in page and 'value="Kept Value"' in page
    assert '<details class="action" open data-action="record_violation">' in page


def test_a_stale_form_says_what_happened(inspector_a: Any, leader_a: Any) -> None:
    case = open_case(inspector_a, days_ago=3)
    logged_in(leader_a).post(
        f"/cases/{case.pk}/act/",
        {
            "action": "cancel",
            "expected_version": "1",
            "reason": "duplicate",
            "occurred_on": timezone.localdate().isoformat(),
        },
    )
    response = logged_in(inspector_a).post(
        f"/cases/{case.pk}/act/",
        {
            "action": "record_violation",
            "expected_version": "1",
            "occurred_on": timezone.localdate().isoformat(),
            **SAMPLE_DATA["record_violation"],
        },
    )
    assert response.status_code == 409
    assert "changed while you were looking" in response.content.decode()


def test_the_auditor_reads_but_has_no_forms(inspector_a: Any, auditor: Any, actors: Any) -> None:
    case = walk(open_case(inspector_a), PATHS[Stage.HALTED], actors)
    page = logged_in(auditor).get(f"/cases/{case.pk}/").content.decode()
    assert "City roles read cases but do not act on them." in page
    assert '<form method="post" action="/cases/' not in page
    assert '<li class="done">Suspended (violation record)</li>' in page
    assert "Sanction decision (MQĐ02) 1/QĐ-XPHC" in page


def test_another_wards_user_gets_404(inspector_a: Any, inspector_b: Any) -> None:
    case = open_case(inspector_a)
    assert logged_in(inspector_b).get(f"/cases/{case.pk}/").status_code == 404
    assert (
        logged_in(inspector_b).post(f"/cases/{case.pk}/act/", {"action": "cancel"}).status_code
        == 404
    )


def test_the_details_form_corrects_the_facts_documents_reuse(inspector_a: Any) -> None:
    case = open_case(inspector_a)
    response = logged_in(inspector_a).post(
        f"/cases/{case.pk}/details/",
        {
            "violator_kind": "individual",
            "violator_name": "Võ Thị F",
            "violator_address": "3 Hai Bà Trưng",
            "address": "9 Đường Thử",
            "works_class": "individual_house",
            "violator_birth_date": "1975-02-01",
            "storeys": "3",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.violator_name, case.violator_birth_date, case.storeys) == (
        "Võ Thị F",
        datetime.date(1975, 2, 1),
        3,
    )
    assert case.events.filter(kind="edited").exists()


def test_the_case_list_links_to_the_case_page(inspector_a: Any) -> None:
    case = open_case(inspector_a)
    page = logged_in(inspector_a).get("/cases/").content.decode()
    assert f'href="/cases/{case.pk}/"' in page


def test_a_document_lacking_data_says_what_to_fill_in_instead_of_a_link(
    inspector_a: Any, actors: Any
) -> None:
    case = open_case(inspector_a)
    data = {
        k: v
        for k, v in SAMPLE_DATA["record_violation"].items()
        if k not in ("violator_birth_date", "violator_id_number")
    }
    from backend.cases.services.transition import case_transition

    case_transition(
        actor=inspector_a,
        case=case,
        action="record_violation",
        data={**data, "occurred_on": timezone.localdate().isoformat()},
    )
    page = logged_in(inspector_a).get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="doc-MBB01-missing"' in page
    assert "the violator&#x27;s date of birth, the violator&#x27;s ID card number" in page
    assert f"/api/cases/{case.pk}/documents/MBB01/" not in page


def test_the_case_page_shows_photo_thumbnails(inspector_a: Any, media: Any) -> None:
    import io

    from PIL import Image

    from backend.photos.services import photo_ingest
    from tests.cases.conftest import SITE

    case = open_case(inspector_a)
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (20, 120, 40)).save(out, "JPEG")
    photo = photo_ingest(
        actor=inspector_a,
        case=case,
        data=out.getvalue(),
        filename="a.jpg",
        device_lat=SITE.y,
        device_lon=SITE.x,
        device_accuracy_m=4,
    ).photo
    client = logged_in(inspector_a)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f'src="/photos/{photo.pk}/thumbnail/"' in page
    assert client.get(f"/photos/{photo.pk}/thumbnail/").status_code == 200
