"""Deadline notices reach only people who, at the time, still work the case's ward in their role.

An inspector deactivated or moved to another ward stayed the case's assigned
inspector and kept getting its deadline mail.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client

from backend.accounts.models import Role, WardMembership
from backend.cases.services.deadline_scan import deadlines_scan
from backend.notifications.models import Notification
from tests.notifications import test_scan_deadlines

pytestmark = pytest.mark.django_db

people = test_scan_deadlines.people  # the fixture: inspector, leader and auditor with addresses
overdue_case = test_scan_deadlines.overdue_case


def mailed() -> set[str]:
    return {message.to[0] for message in mail.outbox}


def noticed() -> set[str]:
    return set(Notification.objects.values_list("recipient__username", flat=True))


def deactivate(user: Any) -> None:
    user.is_active = False
    user.save()


def remove_from_ward(user: Any) -> None:
    WardMembership.objects.filter(user=user).delete()


def move_to(user: Any, ward: Any) -> None:
    remove_from_ward(user)
    WardMembership.objects.create(user=user, ward=ward)


@pytest.mark.parametrize("change", ["deactivated", "removed from the ward", "moved to ward B"])
def test_an_assigned_inspector_who_left_gets_no_notice_and_no_mail(
    people: Any, ward_b: Any, change: str
) -> None:
    case = overdue_case(people, days_overdue=2)
    inspector = people["inspector"]
    assert case.assigned_inspector == inspector
    {
        "deactivated": deactivate,
        "removed from the ward": remove_from_ward,
        "moved to ward B": lambda user: move_to(user, ward_b),
    }[change](inspector)

    deadlines_scan()

    assert noticed() == {"leader_a"}
    assert mailed() == {"lanh.dao@phuong-a.vn"}


@pytest.mark.parametrize("change", ["deactivated", "removed from the ward", "became an auditor"])
def test_a_notice_recorded_before_the_person_left_is_never_mailed(people: Any, change: str) -> None:
    overdue_case(people, days_overdue=2)
    leader = people["leader"]
    # The notices are written, but the mail server is down: nothing is sent yet.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            "backend.notifications.services.send_mail",
            lambda *a, **k: (_ for _ in ()).throw(OSError("no mail server")),
        )
        deadlines_scan()
    assert noticed() == {"inspector_a", "leader_a"} and mail.outbox == []
    if change == "deactivated":
        deactivate(leader)
    elif change == "removed from the ward":
        remove_from_ward(leader)
    else:
        leader.role = Role.CITY_AUDITOR
        leader.save()

    deadlines_scan()

    assert mailed() == {"tra@phuong-a.vn"}


def test_an_inspector_moved_away_no_longer_sees_the_old_wards_notices(
    people: Any, ward_b: Any
) -> None:
    case = overdue_case(people, days_overdue=2)
    deadlines_scan()
    inspector = people["inspector"]
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(inspector)
    assert case.code in browser.get("/notifications/").content.decode()

    move_to(inspector, ward_b)

    assert case.code not in browser.get("/notifications/").content.decode()


def scan_with_the_mail_server_down() -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            "backend.notifications.services.send_mail",
            lambda *a, **k: (_ for _ in ()).throw(OSError("no mail server")),
        )
        deadlines_scan()


@pytest.mark.parametrize("who", ["inspector", "leader"])
def test_someone_removed_and_added_back_to_the_ward_never_gets_the_stale_mail(
    people: Any, ward_a: Any, who: str
) -> None:
    overdue_case(people, days_overdue=2)
    scan_with_the_mail_server_down()
    person = people[who]
    remove_from_ward(person)
    deadlines_scan()  # the mail is due while they are away: withheld
    WardMembership.objects.create(user=person, ward=ward_a)

    deadlines_scan()

    assert person.email not in mailed()
    assert Notification.objects.get(recipient=person).email_withheld_at is not None


def test_a_leader_who_became_an_inspector_of_someone_elses_case_is_not_mailed(
    people: Any,
) -> None:
    # The scan tells the ward's leaders and the case's own inspector; the send
    # re-reads that rule, not "anyone with a ward role".
    overdue_case(people, days_overdue=2)
    scan_with_the_mail_server_down()
    leader = people["leader"]
    leader.role = Role.INSPECTOR
    leader.save()

    deadlines_scan()

    assert mailed() == {"tra@phuong-a.vn"}


def test_a_notice_due_while_its_recipient_had_no_address_is_not_mailed_once_they_add_one(
    people: Any,
) -> None:
    leader = people["leader"]
    leader.email = ""
    leader.save()
    overdue_case(people, days_overdue=2)
    deadlines_scan()
    leader.email = "lanh.dao@phuong-a.vn"
    leader.save()

    deadlines_scan()

    assert mailed() == {"tra@phuong-a.vn"}
    assert Notification.objects.get(recipient=leader).email_withheld_at is not None
