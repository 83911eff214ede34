"""`manage.py scan_deadlines`: marks overdue cases, notifies once, in-app and by e-mail."""

from __future__ import annotations

import datetime
import io
import threading
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from backend.accounts.models import Role
from backend.cases.models import Stage
from backend.cases.services.deadline_scan import deadlines_scan
from backend.cases.services.transition import case_transition
from backend.notifications.models import Notification
from tests.cases.conftest import data_for, open_case
from tests.factories import UserFactory


@pytest.fixture
def people(inspector_a: Any, leader_a: Any, auditor: Any, ward_a: Any) -> dict[str, Any]:
    for user, address in (
        (inspector_a, "tra@phuong-a.vn"),
        (leader_a, "lanh.dao@phuong-a.vn"),
        (auditor, "kiem.tra@soxaydung.vn"),
    ):
        user.email = address
        user.save()
    return {"inspector": inspector_a, "leader": leader_a, "auditor": auditor}


def overdue_case(people: dict[str, Any], days_overdue: int) -> Any:
    """A case in "suspended" whose decision deadline passed `days_overdue` days ago."""
    case = open_case(people["inspector"], days_ago=60)
    record_day = timezone.localdate() - datetime.timedelta(days=days_overdue + 20)
    case = case_transition(
        actor=people["inspector"],
        case=case,
        action="record_violation",
        data=data_for("record_violation", record_day),
    )
    type(case).objects.filter(pk=case.pk).update(
        stage_deadline=timezone.localdate() - datetime.timedelta(days=days_overdue)
    )
    case.refresh_from_db()
    return case


def test_a_passed_deadline_notifies_the_inspector_and_the_leader_once(people: Any) -> None:
    case = overdue_case(people, days_overdue=2)
    first = deadlines_scan()
    assert (first.overdue, first.newly_marked, first.notifications, first.emails) == (1, 1, 2, 2)
    case.refresh_from_db()
    assert case.overdue_since == case.stage_deadline + datetime.timedelta(days=1)
    recipients = set(Notification.objects.values_list("recipient__username", flat=True))
    assert recipients == {"inspector_a", "leader_a"}
    assert sorted(m.to[0] for m in mail.outbox) == ["lanh.dao@phuong-a.vn", "tra@phuong-a.vn"]
    assert case.code in mail.outbox[0].subject
    assert f"/cases/{case.pk}/" in mail.outbox[0].body

    second = deadlines_scan()
    assert (second.overdue, second.newly_marked, second.notifications, second.emails) == (
        1,
        0,
        0,
        0,
    )
    assert Notification.objects.count() == 2 and len(mail.outbox) == 2


def test_the_city_hears_of_cases_overdue_longer_than_the_setting(
    people: Any, settings: Any
) -> None:
    settings.TTXD_OVERDUE_CITY_AFTER_DAYS = 5
    overdue_case(people, days_overdue=5)
    long_overdue = overdue_case(people, days_overdue=6)
    deadlines_scan()
    to_city = Notification.objects.filter(recipient=people["auditor"])
    assert [n.case_id for n in to_city] == [long_overdue.pk]
    assert to_city.get().kind == "overdue_escalated"
    assert "6 days overdue" in to_city.get().message
    deadlines_scan()
    assert Notification.objects.filter(recipient=people["auditor"]).count() == 1


def test_a_new_deadline_missed_later_notifies_again(people: Any) -> None:
    case = overdue_case(people, days_overdue=1)
    deadlines_scan()
    case = case_transition(
        actor=people["leader"],
        case=case,
        # Past the period to decide: the remedial measures, without a fine.
        action="issue_remedy_decision",
        data=data_for("issue_remedy_decision", timezone.localdate()),
    )
    assert case.overdue_since is None  # the step answered the deadline
    type(case).objects.filter(pk=case.pk).update(
        stage_deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    result = deadlines_scan()
    assert result.notifications == 2
    assert Notification.objects.filter(params__stage=Stage.HALTED).count() == 2


def test_cases_due_today_or_closed_are_not_overdue(people: Any) -> None:
    due_today = open_case(people["inspector"], days_ago=1)
    type(due_today).objects.filter(pk=due_today.pk).update(stage_deadline=timezone.localdate())
    closed = overdue_case(people, days_overdue=3)
    case_transition(
        actor=people["leader"],
        case=closed,
        action="cancel",
        data=data_for("cancel", timezone.localdate()),
    )
    result = deadlines_scan()
    assert (result.overdue, result.notifications) == (0, 0)


def test_users_without_an_address_still_get_the_in_app_notification(people: Any) -> None:
    people["leader"].email = ""
    people["leader"].save()
    overdue_case(people, days_overdue=1)
    result = deadlines_scan()
    assert result.notifications == 2 and result.emails == 1


def test_leaders_of_other_wards_and_inactive_users_hear_nothing(people: Any, ward_b: Any) -> None:
    UserFactory(username="leader_b", role=Role.WARD_LEADER, wards=[ward_b], email="b@x.vn")
    UserFactory(
        username="gone",
        role=Role.WARD_LEADER,
        is_active=False,
        email="g@x.vn",
        wards=[people["leader"].wards.first()],
    )
    overdue_case(people, days_overdue=1)
    deadlines_scan()
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {
        "inspector_a",
        "leader_a",
    }


def test_the_command_reports_what_it_did(people: Any) -> None:
    overdue_case(people, days_overdue=1)
    out = io.StringIO()
    call_command("scan_deadlines", stdout=out)
    assert (
        "1 overdue case(s), 1 newly marked, 0 no longer overdue; "
        "2 new notification(s), 2 e-mail(s) sent." in out.getvalue()
    )
    out = io.StringIO()
    future = (timezone.localdate() - datetime.timedelta(days=10)).isoformat()
    call_command("scan_deadlines", "--today", future, stdout=out)
    assert out.getvalue().startswith("0 overdue case(s), 0 newly marked, 1 no longer overdue;")


@pytest.mark.django_db(transaction=True)
def test_two_scans_at_once_notify_and_mail_once(people: Any) -> None:
    for days in (1, 2, 3):
        overdue_case(people, days_overdue=days)
    barrier = threading.Barrier(2)
    results: list[Any] = []

    def scan() -> None:
        try:
            barrier.wait()
            results.append(deadlines_scan())
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == 2
    assert sum(r.notifications for r in results) == 6
    assert Notification.objects.count() == 6
    assert len(mail.outbox) == 6
    assert len({(m.to[0], m.subject) for m in mail.outbox}) == 6


# --- The scan's changes are in the case history ---------------------------------------


def scan_events(case: Any) -> list[Any]:
    from backend.audit.models import CaseEvent, EventKind

    return list(
        CaseEvent.objects.filter(
            case=case, kind__in=[EventKind.OVERDUE, EventKind.OVERDUE_CLEARED]
        ).order_by("seq")
    )


def test_marking_a_case_overdue_is_recorded_once_under_the_system_account(people: Any) -> None:
    from backend.audit.verification import chain_verify

    case = overdue_case(people, days_overdue=3)
    deadlines_scan()
    deadlines_scan()

    case.refresh_from_db()
    (event,) = scan_events(case)
    assert event.kind == "overdue" and event.actor.username == "system"
    assert event.stage_before == event.stage_after == case.stage
    assert event.payload == {
        "due": case.stage_deadline.isoformat(),
        "rule": case.deadline_rule.code,
        "overdue_since": case.overdue_since.isoformat(),
    }
    assert event.kind_label() == "Deadline passed"
    assert chain_verify().intact


def test_a_flag_the_scan_clears_is_recorded_too(people: Any) -> None:
    case = overdue_case(people, days_overdue=3)
    deadlines_scan()
    case.refresh_from_db()
    was = case.overdue_since
    # The deadline moves (as a corrected calendar would move it): no longer overdue.
    type(case).objects.filter(pk=case.pk).update(
        stage_deadline=timezone.localdate() + datetime.timedelta(days=5)
    )

    result = deadlines_scan()

    case.refresh_from_db()
    assert result.cleared == 1 and case.overdue_since is None
    marked, cleared = scan_events(case)
    assert cleared.kind == "overdue_cleared" and cleared.actor == marked.actor
    assert cleared.payload["was_overdue_since"] == was.isoformat()


def test_the_system_account_can_never_sign_in_or_see_anything(client: Any, people: Any) -> None:
    from backend.accounts.services import system_actor
    from backend.cases.selectors import cases_visible_to

    overdue_case(people, days_overdue=1)
    actor = system_actor()

    assert not actor.is_active and not actor.has_usable_password() and actor.role == ""
    assert not client.login(username="system", password="")
    assert cases_visible_to(actor).count() == 0
    assert system_actor().pk == actor.pk

    # Opened up by hand in the admin, it is locked again at its next use.
    actor.is_active, actor.role = True, "city_auditor"
    actor.set_password("someone-set-this-1")
    actor.save()
    again = system_actor()
    assert again.pk == actor.pk
    assert not again.is_active and again.role == "" and not again.has_usable_password()


def test_the_case_timeline_shows_the_scans_event(client: Any, people: Any) -> None:
    case = overdue_case(people, days_overdue=2)
    deadlines_scan()
    client.force_login(people["leader"])

    response = client.get(f"/api/cases/{case.pk}/timeline/")

    page = client.get(f"/cases/{case.pk}/")

    assert response.status_code == 200
    overdue = [e for e in response.json()["events"] if e["kind"] == "overdue"]
    assert len(overdue) == 1
    assert overdue[0]["actor_username"] == "system"
    assert overdue[0]["changes_stage"] is False and overdue[0]["on_time"] is None
    assert page.status_code == 200
    assert "Hệ thống TTXD (tự động)" in page.content.decode()
