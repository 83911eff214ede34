"""The staff's API of citizens' reports: lists, detail, actions, by role and ward."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client

from backend.intake.models import Tip, TipStatus
from backend.intake.services.submission import tip_photo_add
from tests.factories import CaseFactory, UserFactory
from tests.intake.conftest import TIP_LAT, TIP_LON, file_tip
from tests.photos.imagery import exif_block, gps_tags, jpeg

pytestmark = pytest.mark.django_db

PRIVATE = ("Nguyễn Văn Dân", "0901234567", "dan@example.com")


def _photo(tip: Tip) -> Any:
    return tip_photo_add(
        tip=tip,
        data=jpeg(exif=exif_block(gps=gps_tags(TIP_LAT, TIP_LON))),
        max_photos=5,
        window_hours=72,
    ).photo


def test_the_list_is_geojson_with_the_reporter_only_for_the_wards_staff(
    api: Any, tip_a: Tip, inspector_a: Any, leader_a: Any, inspector_b: Any, auditor: Any
) -> None:
    _photo(tip_a)
    body = api(inspector_a).get("/api/tips/").json()
    assert body["type"] == "FeatureCollection" and body["count"] == 1
    props = body["features"][0]["properties"]
    assert props["code"] == tip_a.code and props["ward"] == "90001"
    assert props["status"] == "received" and props["status_label"]
    assert props["photo_count"] == 1 and props["overdue"] is False and props["case_code"] is None
    assert props["reporter"] == {
        "name": "Nguyễn Văn Dân",
        "phone": "0901234567",
        "email": "dan@example.com",
    }
    assert api(leader_a).get("/api/tips/").json()["features"][0]["properties"]["reporter"]
    # The city reads every ward's reports, never who reported them.
    seen = api(auditor).get("/api/tips/")
    assert seen.json()["count"] == 1
    assert not any(p in seen.content.decode() for p in PRIVATE)
    assert api(inspector_b).get("/api/tips/").json()["count"] == 0
    assert api(inspector_b).get(f"/api/tips/{tip_a.pk}/").status_code == 404
    detail = api(auditor).get(f"/api/tips/{tip_a.pk}/")
    assert detail.status_code == 200 and detail.json()["reporter"] is None
    assert not any(p in detail.content.decode() for p in PRIVATE)
    assert APIClientAnon().get("/api/tips/").status_code in (401, 403)


def APIClientAnon() -> Any:  # noqa: N802
    from rest_framework.test import APIClient

    return APIClient()


def test_filters_and_a_refused_filter(api: Any, ward_a: Any, inspector_a: Any) -> None:
    old = file_tip(category="no_permit")
    Tip.objects.filter(pk=old.pk).update(
        response_due_on=datetime.date(2020, 1, 10),
        received_at=datetime.datetime(2020, 1, 1, 3, tzinfo=datetime.UTC),
    )
    new = file_tip(category="damage")
    client = api(inspector_a)

    def codes(query: str) -> set[str]:
        answer = client.get(f"/api/tips/?{query}")
        assert answer.status_code == 200, answer.content
        return {f["properties"]["code"] for f in answer.json()["features"]}

    assert codes("overdue=true") == {old.code}
    assert codes("category=damage") == {new.code}
    assert codes("status=received,verifying") == {old.code, new.code}
    assert codes("status=spam") == set()
    assert codes("received_to=31/01/2020") == {old.code}
    assert codes("received_from=2021-01-01") == {new.code}
    assert codes("ward=90001") == {old.code, new.code}
    assert codes("ward=90002") == set()
    assert codes("bbox=106.68,10.76,106.70,10.78") == {old.code, new.code}
    assert codes("bbox=106.70,10.76,106.72,10.78") == set()
    refused = client.get("/api/tips/?status=nonsense")
    assert refused.status_code == 400 and "status" in refused.json()
    backwards = client.get("/api/tips/?received_from=2021-01-02&received_to=2021-01-01")
    assert backwards.status_code == 400


def test_the_list_answers_in_a_bounded_number_of_queries(
    api: Any, ward_a: Any, inspector_a: Any, django_assert_max_num_queries: Any
) -> None:
    client = api(inspector_a)
    client.get("/api/tips/")  # warm the session and the ward cache
    for _ in range(3):
        _photo(file_tip())
    with django_assert_max_num_queries(8) as few:
        client.get("/api/tips/")
    for _ in range(12):
        _photo(file_tip())
    with django_assert_max_num_queries(len(few.captured_queries)):
        answer = client.get("/api/tips/")
    assert answer.json()["count"] == 15


def test_the_detail_has_photos_events_duplicates_and_the_suggestion(
    api: Any, tip_a: Tip, inspector_a: Any
) -> None:
    photo = _photo(tip_a)
    later = file_tip(lat=TIP_LAT + 0.0001)
    case = CaseFactory(ward=tip_a.ward, location=tip_a.location)
    body = api(inspector_a).get(f"/api/tips/{later.pk}/").json()
    assert body["suggested_violation_type"]["code"] == "art16_6"
    assert [e["kind"] for e in body["events"]] == ["received"]
    assert [t["code"] for t in body["duplicates"]["tips"]] == [tip_a.code]
    assert body["duplicates"]["tips"][0]["earlier"] is True
    assert [c["code"] for c in body["duplicates"]["cases"]] == [case.code]
    first = api(inspector_a).get(f"/api/tips/{tip_a.pk}/").json()
    assert [p["id"] for p in first["photos"]] == [photo.pk]
    assert first["photos"][0]["original_url"] == f"/photos/{photo.pk}/original/"
    assert isinstance(first["photos"][0]["warnings"], list)


def test_actions_by_the_ward_with_versions(
    api: Any, tip_a: Tip, leader_a: Any, inspector_a: Any, auditor: Any, inspector_b: Any
) -> None:
    client = api(leader_a)
    assert api(auditor).post(f"/api/tips/{tip_a.pk}/verify/", {}).status_code == 403
    assert api(inspector_b).post(f"/api/tips/{tip_a.pk}/verify/", {}).status_code == 404
    done = client.post(f"/api/tips/{tip_a.pk}/verify/", {"version": 1}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "verifying"
    stale = client.post(f"/api/tips/{tip_a.pk}/dismiss/", {"version": 1, "reason": "x"})
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    empty = client.post(f"/api/tips/{tip_a.pk}/dismiss/", {"reason": " "}, format="json")
    assert empty.status_code == 400 and "reason" in empty.json()
    bad = client.post(f"/api/tips/{tip_a.pk}/open-case/", {"violation_type": "art99"})
    assert bad.status_code == 400 and "violation_type" in bad.json()
    for junk in ([1, 2], "text", {"version": "abc"}, {"version": True}):
        answer = client.post(f"/api/tips/{tip_a.pk}/verify/", junk, format="json")
        assert answer.status_code == 400, junk
    assert client.post(f"/api/tips/{tip_a.pk}/nonsense/", {}).status_code == 400
    opened = client.post(
        f"/api/tips/{tip_a.pk}/open-case/",
        {"version": 2, "assigned_inspector": inspector_a.pk},
        format="json",
    )
    assert opened.status_code == 201, opened.content
    body = opened.json()
    assert body["status"] == "case_opened" and body["case"]["code"] == body["opened_case"]["code"]
    again = client.post(f"/api/tips/{tip_a.pk}/dismiss/", {"reason": "x"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "tip_settled"


def test_link_send_merge_and_spam(
    api: Any, ward_a: Any, leader_a: Any, inspector_a: Any, inspector_b: Any, auditor: Any
) -> None:
    client = api(leader_a)
    case = CaseFactory(ward=ward_a)
    first, second, third, fourth = (file_tip() for _ in range(4))
    unknown = client.post(f"/api/tips/{first.pk}/link-case/", {"case": "NOPE-1"}, format="json")
    assert unknown.status_code == 400
    assert unknown.json()["case"] == ["Không có vụ việc NOPE-1 ở phường của bạn."]
    linked = client.post(f"/api/tips/{first.pk}/link-case/", {"case": case.code}, format="json")
    assert linked.status_code == 200 and linked.json()["case"]["code"] == case.code
    wrong = client.post(
        f"/api/tips/{second.pk}/send-inspector/", {"inspector": inspector_b.pk}, format="json"
    )
    assert wrong.status_code == 400 and "inspector" in wrong.json()
    sent = client.post(
        f"/api/tips/{second.pk}/send-inspector/", {"inspector": inspector_a.pk}, format="json"
    )
    assert sent.status_code == 200 and sent.json()["assigned_inspector"]["id"] == inspector_a.pk
    merged = client.post(f"/api/tips/{third.pk}/merge/", {"into": second.code}, format="json")
    assert merged.status_code == 200 and merged.json()["merged_into"]["code"] == second.code
    later = client.post(f"/api/tips/{second.pk}/merge/", {"into": fourth.pk}, format="json")
    assert later.status_code == 400 and later.json()["code"] == "merge_later"
    assert api(auditor).post("/api/tips/spam/", {"ids": [fourth.pk]}).status_code == 403
    other = api(inspector_b).post("/api/tips/spam/", {"ids": [fourth.pk]}, format="json")
    assert other.status_code == 400
    settled = client.post("/api/tips/spam/", {"ids": [fourth.pk, first.pk]}, format="json")
    assert settled.status_code == 409
    assert Tip.objects.get(pk=fourth.pk).status == TipStatus.RECEIVED  # none of them
    for junk in ({"ids": "1"}, {"ids": []}, {"ids": ["x"]}, {}):
        assert client.post("/api/tips/spam/", junk, format="json").status_code == 400, junk
    spam = client.post("/api/tips/spam/", {"ids": [fourth.pk]}, format="json")
    assert spam.status_code == 200 and spam.json()["marked"][0]["code"] == fourth.code


@pytest.mark.parametrize(
    ("who", "expected"),
    [("inspector_a", 200), ("leader_a", 200), ("auditor", 200), ("inspector_b", 404)],
)
def test_a_reports_photo_files_follow_the_report(
    request: Any, tip_a: Tip, who: str, expected: int, inspector_b: Any, auditor: Any
) -> None:
    photo = _photo(tip_a)
    user = request.getfixturevalue(who)
    client = Client()
    client.force_login(user)
    for variant in ("thumbnail", "original"):
        answer = client.get(f"/photos/{photo.pk}/{variant}/")
        assert answer.status_code == expected
        if expected == 200:
            assert tip_a.code in answer["Content-Disposition"]


def test_anonymous_gets_no_photo_of_a_report(tip_a: Tip) -> None:
    photo = _photo(tip_a)
    answer = Client().get(f"/photos/{photo.pk}/thumbnail/")
    assert answer.status_code == 302 and "/login/" in answer["Location"]
    other = UserFactory(username="nobody_role", role="")
    client = Client()
    client.force_login(other)
    assert client.get(f"/photos/{photo.pk}/thumbnail/").status_code == 404
