"""The bell, the list, marking read; each user sees only their own notifications."""

from __future__ import annotations

from typing import Any

from django.test import Client

from backend.notifications.models import Notification
from tests.cases.conftest import open_case


def notify(user: Any, case: Any, key: str) -> Notification:
    return Notification.objects.create(
        recipient=user,
        case=case,
        kind="deadline_passed",
        key=key,
        params={
            "case_code": case.code,
            "rule_label": "Violation record due",
            "due_display": "01/03/2026",
            "url": f"/cases/{case.pk}/",
        },
    )


def logged_in(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_the_bell_shows_the_unread_count(inspector_a: Any) -> None:
    case = open_case(inspector_a)
    notify(inspector_a, case, "a")
    notify(inspector_a, case, "b")
    page = logged_in(inspector_a).get("/cases/").content.decode()
    assert 'data-testid="bell"' in page and ">2</span>" in page


def test_the_list_shows_messages_and_marks_them_read(inspector_a: Any, leader_a: Any) -> None:
    case = open_case(inspector_a)
    mine = notify(inspector_a, case, "a")
    notify(leader_a, case, "a")
    client = logged_in(inspector_a)
    page = client.get("/notifications/").content.decode()
    assert f"Case {case.code} missed its deadline" in page and page.count("Mark as read") == 1
    client.post(f"/notifications/{mine.pk}/read/")
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert Notification.objects.filter(recipient=leader_a, read_at__isnull=True).count() == 1


def test_a_user_cannot_mark_someone_elses_notification(inspector_a: Any, leader_a: Any) -> None:
    case = open_case(inspector_a)
    theirs = notify(leader_a, case, "a")
    logged_in(inspector_a).post(f"/notifications/{theirs.pk}/read/")
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_api_lists_and_marks_all_read(api: Any, inspector_a: Any) -> None:
    case = open_case(inspector_a)
    notify(inspector_a, case, "a")
    notify(inspector_a, case, "b")
    client = api(inspector_a, "en")
    body = client.get("/api/notifications/").json()
    assert body["unread"] == 2 and body["results"][0]["case"] == case.pk
    marked = client.post("/api/notifications/read/", {"all": True}, format="json").json()
    assert marked == {"marked": 2}
    assert client.get("/api/notifications/").json()["unread"] == 0
    assert client.post("/api/notifications/read/", {"ids": "x"}, format="json").status_code == 400
