"""The ward's desk pages for citizens' reports: the queue and one report, by role."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client

from backend.intake.models import Tip, TipStatus
from backend.intake.services.submission import tip_photo_add
from backend.intake.services.triage import tip_open_case
from tests.factories import CaseFactory
from tests.intake.conftest import TIP_LAT, TIP_LON, file_tip
from tests.photos.imagery import exif_block, gps_tags, jpeg

pytestmark = pytest.mark.django_db

PRIVATE = ("Nguyễn Văn Dân", "0901234567", "dan@example.com")


def signed_in(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    client.force_login(user)
    return client


def _overdue(tip: Tip) -> None:
    Tip.objects.filter(pk=tip.pk).update(response_due_on=datetime.date(2020, 1, 10))


def test_the_queue_by_role(
    tip_a: Tip, inspector_a: Any, leader_a: Any, inspector_b: Any, auditor: Any
) -> None:
    _overdue(tip_a)
    later = file_tip()
    for user in (inspector_a, leader_a, auditor):
        page = signed_in(user).get("/tips/")
        html = page.content.decode()
        assert page.status_code == 200
        assert tip_a.code in html and later.code in html
        # Overdue first (the response date), marked like an overdue deadline.
        assert html.index(tip_a.code) < html.index(later.code)
        assert html.count('data-testid="overdue-mark"') == 1
        assert 'data-testid="nav-tips"' in html
        assert not any(p in html for p in PRIVATE)
    staff = signed_in(leader_a).get("/tips/").content.decode()
    assert "Đánh dấu là rác" in staff and "Phản ánh <span" in staff and "quá hạn" in staff
    assert f'name="ids" value="{tip_a.pk}"' in staff
    audit = signed_in(auditor).get("/tips/").content.decode()
    assert 'name="ids"' not in audit and 'name="ward"' in audit
    other = signed_in(inspector_b).get("/tips/").content.decode()
    assert tip_a.code not in other
    assert signed_in(leader_a).get("/tips/?overdue=1").content.decode().count('data-tip="PA-') == 1
    refused = signed_in(leader_a).get("/tips/?status=nonsense")
    assert refused.status_code == 400 and 'data-testid="filter-error"' in refused.content.decode()
    assert Client().get("/tips/").status_code == 302


def test_bulk_spam_from_the_queue(
    ward_a: Any, leader_a: Any, inspector_b: Any, auditor: Any
) -> None:
    first, second, kept = file_tip(), file_tip(), file_tip()
    assert signed_in(auditor).post("/tips/spam/", {"ids": [first.pk]}).status_code == 403
    answer = signed_in(leader_a).post(
        "/tips/spam/", {"ids": [first.pk, second.pk], "query": "overdue=1"}
    )
    assert answer.status_code == 302 and answer["Location"] == "/tips/?overdue=1"
    assert set(Tip.objects.filter(status=TipStatus.SPAM).values_list("pk", flat=True)) == {
        first.pk,
        second.pk,
    }
    refused = signed_in(inspector_b).post("/tips/spam/", {"ids": [kept.pk]}, follow=True)
    assert Tip.objects.get(pk=kept.pk).status == TipStatus.RECEIVED
    assert "messages" in refused.content.decode()
    nothing = signed_in(leader_a).post("/tips/spam/", {}, follow=True)
    assert nothing.status_code == 200 and "messages" in nothing.content.decode()


def test_the_report_page_by_role(
    tip_a: Tip, inspector_a: Any, leader_a: Any, inspector_b: Any, auditor: Any
) -> None:
    tip_photo_add(
        tip=tip_a,
        data=jpeg(exif=exif_block(gps=gps_tags(TIP_LAT, TIP_LON))),
        max_photos=5,
        window_hours=72,
    )
    CaseFactory(ward=tip_a.ward, location=tip_a.location, code="WARDA-2026-0042")
    staff = signed_in(leader_a).get(f"/tips/{tip_a.pk}/").content.decode()
    assert 'data-testid="tip-reporter"' in staff and "0901234567" in staff
    assert 'data-testid="tip-photos"' in staff and "/thumbnail/" in staff
    assert "WARDA-2026-0042" in staff
    assert 'value="art16_6" selected' in staff  # the suggestion pre-selected
    assert 'id="tip-map"' in staff and "vendor/leaflet/leaflet.js" in staff
    for action in ("verify", "open-case", "link-case", "send-inspector", "dismiss", "merge"):
        assert f"/tips/{tip_a.pk}/act/{action}/" in staff
    audit = signed_in(auditor).get(f"/tips/{tip_a.pk}/").content.decode()
    assert not any(p in audit for p in PRIVATE)
    assert "/act/" not in audit and 'data-testid="tip-photos"' in audit
    assert signed_in(inspector_b).get(f"/tips/{tip_a.pk}/").status_code == 404
    # An auditor's post is refused by the service, with the message shown.
    posted = signed_in(auditor).post(f"/tips/{tip_a.pk}/act/verify/", {})
    assert posted.status_code == 403 and 'role="alert"' in posted.content.decode()
    assert Tip.objects.get(pk=tip_a.pk).status == TipStatus.RECEIVED


def test_action_forms_and_their_errors(tip_a: Tip, leader_a: Any, inspector_a: Any) -> None:
    client = signed_in(leader_a)
    empty = client.post(f"/tips/{tip_a.pk}/act/dismiss/", {"version": "1", "reason": ""})
    assert empty.status_code == 400
    assert 'data-testid="dismiss-error"' in empty.content.decode()
    stale = client.post(f"/tips/{tip_a.pk}/act/verify/", {"version": "7"})
    assert stale.status_code == 409 and 'role="alert"' in stale.content.decode()
    done = client.post(f"/tips/{tip_a.pk}/act/verify/", {"version": "1"})
    assert done.status_code == 302 and done["Location"] == f"/tips/{tip_a.pk}/"
    opened = client.post(
        f"/tips/{tip_a.pk}/act/open-case/",
        {
            "version": "2",
            "violation_type": "art16_6",
            "address": "12 Nguyễn Trãi",
            "description": "Xây thêm tầng",
            "assigned_inspector": str(inspector_a.pk),
        },
        follow=True,
    )
    tip_a.refresh_from_db()
    assert tip_a.status == TipStatus.CASE_OPENED and tip_a.case is not None
    page = opened.content.decode()
    assert f"/cases/{tip_a.case.pk}/" in page and 'data-testid="tip-case"' in page
    assert "/act/" not in page  # answered: nothing more to do
    assert client.post(f"/tips/{tip_a.pk}/act/nonsense/", {}).status_code == 400


def test_the_case_history_names_the_report(
    tip_a: Tip, leader_a: Any, inspector_b: Any, auditor: Any
) -> None:
    case = tip_open_case(actor=leader_a, tip=tip_a)
    page = signed_in(leader_a).get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="history-tip"' in page and f'href="/tips/{tip_a.pk}/"' in page
    assert tip_a.code in page
    audit = signed_in(auditor).get(f"/cases/{case.pk}/").content.decode()
    assert f'href="/tips/{tip_a.pk}/"' in audit
