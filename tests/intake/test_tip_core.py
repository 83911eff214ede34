"""Filing a citizen's report and the ward's triage, at the service level."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.core import mail
from django.utils import timezone

from backend.audit.models import CaseEvent, EventKind
from backend.core.errors import Conflict, IdempotencyKeyReused, InvalidInput, NotAllowed
from backend.intake.models import Tip, TipEvent, TipEventKind, TipStatus
from backend.intake.selectors import (
    reporter_visible_to,
    tip_by_code,
    tip_duplicates,
    tip_public_status,
    tips_overdue,
    tips_visible_to,
)
from backend.intake.services.submission import CODE_ALPHABET, tip_photo_add
from backend.intake.services.triage import (
    tip_dismiss,
    tip_link_case,
    tip_merge,
    tip_open_case,
    tip_send_inspector,
    tip_verify,
    tips_mark_spam,
)
from backend.photos.models import SitePhoto
from backend.sites.models import Site, SiteOrigin
from tests.factories import CaseFactory, UserFactory
from tests.intake.conftest import TIP_LAT, TIP_LON, file_tip
from tests.photos.imagery import exif_block, gps_tags, jpeg

pytestmark = pytest.mark.django_db


def test_a_report_gets_an_unguessable_code_its_ward_and_a_response_date(tip_a: Tip) -> None:
    assert tip_a.ward.code == "90001"
    prefix, *groups = tip_a.code.split("-")
    assert prefix == "PA" and [len(g) for g in groups] == [4, 4, 4]
    assert set("".join(groups)) <= set(CODE_ALPHABET)
    assert file_tip().code != tip_a.code
    # 10 working days (the configurable default rule) from the day it came in.
    assert tip_a.response_rule.code == "tip_response" and tip_a.response_rule.amount == 10
    assert tip_a.response_due_on > timezone.localdate(tip_a.received_at) + datetime.timedelta(
        days=11
    )
    assert tip_a.reporter_phone == "0901234567"
    assert TipEvent.objects.filter(tip=tip_a, kind=TipEventKind.RECEIVED).count() == 1
    assert tip_by_code(tip_a.code.lower().replace("-", " ")) == tip_a
    assert tip_by_code("PA-0000-0000-0000") is None


def test_a_point_outside_every_ward_is_refused_with_a_message(ward_a: Any) -> None:
    with pytest.raises(InvalidInput) as refused:
        file_tip(lat=10.9, lon=106.9)
    assert refused.value.code == "outside_city"
    with pytest.raises(InvalidInput) as swapped:
        file_tip(lat=TIP_LON, lon=TIP_LAT)
    assert swapped.value.field == "location"
    assert not Tip.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"category": "nonsense"}, "category"),
        ({"category": "other", "description": "x"}, "description"),
        ({"reporter_phone": "12ab"}, "phone"),
        ({"reporter_email": "not-an-address"}, "email"),
        ({"reporter_email": "", "notify_by_email": True}, "email"),
        ({"description": "a" * 4001}, "description"),
        ({"address": "12\x00 Lê Lợi"}, "address"),
    ],
)
def test_bad_fields_are_refused_and_nothing_is_kept(
    ward_a: Any, fields: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        file_tip(**fields)
    assert refused.value.field == field
    assert not Tip.objects.exists()


def test_a_retry_with_the_same_key_is_the_same_report(ward_a: Any) -> None:
    first = file_tip(submission_key="k-1")
    again = file_tip(submission_key="k-1")
    assert again.pk == first.pk and Tip.objects.count() == 1
    with pytest.raises(IdempotencyKeyReused):
        file_tip(submission_key="k-1", description="Một nội dung khác hẳn")


def test_photos_keep_their_exif_position_and_are_limited(tip_a: Tip) -> None:
    data = jpeg(exif=exif_block(gps=gps_tags(TIP_LAT, TIP_LON)))
    first = tip_photo_add(tip=tip_a, data=data, max_photos=2, window_hours=72)
    assert first.created and first.photo.exif_location is not None
    assert first.photo.exif_distance_m is not None and first.photo.exif_distance_m < 5
    again = tip_photo_add(tip=tip_a, data=data, max_photos=2, window_hours=72)
    assert not again.created and again.photo.pk == first.photo.pk
    tip_photo_add(tip=tip_a, data=jpeg(quality=50), max_photos=2, window_hours=72)
    with pytest.raises(Conflict) as refused:
        tip_photo_add(tip=tip_a, data=jpeg(quality=30), max_photos=2, window_hours=72)
    assert refused.value.code == "too_many_photos"
    # A retry of a kept photo is still answered once the limit is reached.
    assert not tip_photo_add(tip=tip_a, data=data, max_photos=2, window_hours=72).created
    assert SitePhoto.objects.filter(tip=tip_a).count() == 2


def test_only_the_wards_staff_see_the_reporter(
    tip_a: Tip, inspector_a: Any, inspector_b: Any, leader_a: Any, auditor: Any
) -> None:
    assert list(tips_visible_to(inspector_a)) == [tip_a]
    assert list(tips_visible_to(inspector_b)) == []
    assert list(tips_visible_to(auditor)) == [tip_a]
    assert reporter_visible_to(inspector_a, tip_a) and reporter_visible_to(leader_a, tip_a)
    assert not reporter_visible_to(auditor, tip_a)
    assert not reporter_visible_to(inspector_b, tip_a)


def test_opening_a_case_carries_the_photos_and_writes_both_histories(
    tip_a: Tip, leader_a: Any
) -> None:
    tip_photo_add(
        tip=tip_a,
        data=jpeg(exif=exif_block(gps=gps_tags(TIP_LAT, TIP_LON))),
        max_photos=5,
        window_hours=72,
    )
    tip_verify(actor=leader_a, tip=tip_a)
    case = tip_open_case(actor=leader_a, tip=tip_a)
    tip_a.refresh_from_db()
    assert tip_a.status == TipStatus.CASE_OPENED and tip_a.case == case
    assert case.violation_type == "art16_6"  # suggested from "beyond the permit"
    assert tip_a.code in case.description
    evidence = SitePhoto.objects.get(case=case)
    assert evidence.metadata["tip_code"] == tip_a.code and evidence.exif_distance_m < 5
    linked = CaseEvent.objects.get(case=case, kind=EventKind.TIP_LINKED)
    assert linked.payload["tip_code"] == tip_a.code
    assert "Nguyễn Văn Dân" not in str(linked.payload) and "0901" not in str(linked.payload)
    assert CaseEvent.objects.filter(case=case, kind=EventKind.PHOTO_ADDED).count() == 1
    kinds = list(tip_a.events.values_list("kind", flat=True))
    assert kinds == ["received", "photo_added", "verifying", "case_opened"]
    public = tip_public_status(tip_a)
    assert public["case"]["code"] == case.code and public["status"] == "case_opened"
    assert "Nguyễn Văn Dân" not in str(public) and leader_a.username not in str(public)
    with pytest.raises(Conflict):
        tip_dismiss(actor=leader_a, tip=tip_a, reason="Không vi phạm")


def test_other_wards_and_other_roles_cannot_triage(
    tip_a: Tip, inspector_b: Any, auditor: Any
) -> None:
    for actor in (inspector_b, auditor):
        with pytest.raises(NotAllowed):
            tip_verify(actor=actor, tip=tip_a)
    tip_a.refresh_from_db()
    assert tip_a.status == TipStatus.RECEIVED and tip_a.events.count() == 1


def test_dismissing_needs_a_reason_the_reporter_reads_and_mails_them(
    ward_a: Any, inspector_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    tip = file_tip(notify_by_email=True)
    with pytest.raises(InvalidInput):
        tip_dismiss(actor=inspector_a, tip=tip, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        tip_dismiss(actor=inspector_a, tip=tip, reason="Công trình có giấy phép, xây đúng phép.")
    public = tip_public_status(Tip.objects.get(pk=tip.pk))
    assert public["status"] == "not_violation" and "đúng phép" in public["reason"]
    assert len(mail.outbox) == 1 and tip.code in mail.outbox[0].body
    assert inspector_a.username not in mail.outbox[0].body
    assert mail.outbox[0].to == ["dan@example.com"]


def test_link_merge_spam_and_duplicates(ward_a: Any, leader_a: Any, inspector_a: Any) -> None:
    case = CaseFactory(
        ward=ward_a, opened_by=inspector_a, location=Point(TIP_LON + 0.0002, TIP_LAT, srid=4326)
    )
    first = file_tip()
    second = file_tip(description="Lại xây thêm tầng")
    far = file_tip(lat=TIP_LAT + 0.005)
    found = tip_duplicates(leader_a, second)
    assert [c.pk for c in found.cases] == [case.pk]
    assert [t.pk for t in found.tips] == [first.pk]
    with pytest.raises(InvalidInput):
        tip_merge(actor=leader_a, tip=first, into=second)  # the earlier into the later
    tip_merge(actor=leader_a, tip=second, into=first)
    tip_link_case(actor=leader_a, tip=first, case=case)
    second.refresh_from_db()
    assert tip_public_status(second)["case"]["code"] == case.code
    assert first.code not in str(tip_public_status(second))
    tips_mark_spam(actor=leader_a, tip_ids=[far.pk])
    far.refresh_from_db()
    assert far.status == TipStatus.SPAM and tip_public_status(far)["status_label"]
    with pytest.raises(Conflict):
        tips_mark_spam(actor=leader_a, tip_ids=[far.pk])


def test_spam_in_bulk_is_all_or_nothing(ward_a: Any, ward_b: Any, leader_a: Any) -> None:
    mine = file_tip()
    theirs = file_tip(lat=10.77, lon=106.71)
    with pytest.raises(NotAllowed):
        tips_mark_spam(actor=leader_a, tip_ids=[mine.pk, theirs.pk])
    mine.refresh_from_db()
    assert mine.status == TipStatus.RECEIVED


def test_sending_an_inspector_puts_a_site_on_todays_list(
    tip_a: Tip, leader_a: Any, inspector_a: Any
) -> None:
    tip_send_inspector(actor=leader_a, tip=tip_a, inspector=inspector_a)
    tip_a.refresh_from_db()
    assert tip_a.status == TipStatus.VERIFYING and tip_a.assigned_inspector == inspector_a
    site = Site.objects.get(pk=tip_a.site_id)
    assert site.origin == SiteOrigin.TIP
    assert site.next_visit_due == timezone.localdate()
    # A second report there asks for a visit of the same site.
    other = file_tip()
    tip_send_inspector(actor=leader_a, tip=other)
    other.refresh_from_db()
    assert other.site_id == site.pk and Site.objects.count() == 1
    with pytest.raises(InvalidInput):  # an inspector of no ward of the report
        tip_send_inspector(
            actor=leader_a, tip=file_tip(), inspector=UserFactory(role="inspector", wards=[])
        )


def test_overdue_after_the_response_period(tip_a: Tip) -> None:
    later = tip_a.response_due_on + datetime.timedelta(days=1)
    assert list(tips_overdue(Tip.objects.all(), later)) == [tip_a]
    assert list(tips_overdue(Tip.objects.all(), tip_a.response_due_on)) == []
