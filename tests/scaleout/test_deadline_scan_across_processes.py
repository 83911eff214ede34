"""The deadline scan run by two replicas at once notifies once (issue 16 §4).

Each replica may run its own scheduler, or an operator may start the scan by
hand while the scheduler runs it: two `manage.py scan_deadlines` processes,
then two `manage.py run_scheduler --once`, started at the same moment against
the same overdue cases. Each case is marked once (one OVERDUE event), each
recipient gets one notification and one e-mail (the children send mail to
files, counted here), and both web replicas show the same single notices.
"""

from __future__ import annotations

import datetime
import email
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from backend.audit.models import CaseEvent, EventKind
from backend.cases.models import ViolationCase
from backend.cases.services.transition import case_transition
from backend.core.models import ScheduledJob
from backend.core.scheduler import job_specs
from backend.notifications.models import Notification, NotificationKind
from tests.cases.conftest import data_for, open_case
from tests.scaleout.conftest import http, token_of
from tests.support.web_processes import ROOT, web_process_env

CITY_AFTER_DAYS = 10
# Days past the deadline: the last one is long overdue, so the city hears too.
OVERDUE_BY = (2, 3, 40)


@pytest.fixture
def mail_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "mail"
    folder.mkdir()
    return folder


@pytest.fixture
def web_processes_env(mail_dir: Path) -> dict[str, str]:
    """The same for the web replicas and the command processes: they are one deployment."""
    return {
        "DJANGO_SETTINGS_MODULE": "tests.scaleout.child_settings",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "TTXD_TEST_EMAIL_DIR": str(mail_dir),
        "TTXD_OVERDUE_CITY_AFTER_DAYS": str(CITY_AFTER_DAYS),
    }


@pytest.fixture
def people(inspector_a: Any, leader_a: Any, auditor: Any) -> dict[str, Any]:
    for user, address in (
        (inspector_a, "tra@phuong-a.vn"),
        (leader_a, "lanh.dao@phuong-a.vn"),
        (auditor, "kiem.tra@soxaydung.vn"),
    ):
        user.email = address
        user.save()
    return {"inspector": inspector_a, "leader": leader_a, "auditor": auditor}


def overdue_case(people: dict[str, Any], days_overdue: int) -> ViolationCase:
    """A case in "suspended" whose decision deadline passed `days_overdue` days ago."""
    case = open_case(people["inspector"], days_ago=90)
    record_day = timezone.localdate() - datetime.timedelta(days=days_overdue + 20)
    case = case_transition(
        actor=people["inspector"],
        case=case,
        action="record_violation",
        data=data_for("record_violation", record_day),
    )
    ViolationCase.objects.filter(pk=case.pk).update(
        stage_deadline=timezone.localdate() - datetime.timedelta(days=days_overdue)
    )
    case.refresh_from_db()
    return case


def run_at_once(env: dict[str, str], *commands: list[str]) -> list[str]:
    """Start each `manage.py` command as its own process at the same moment; their outputs."""
    children = [
        subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env={**env, "PATH": os.environ["PATH"]},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for command in commands
    ]
    outputs = []
    for child in children:
        out, _ = child.communicate(timeout=60)
        text = out.decode()
        assert child.returncode == 0, text
        outputs.append(text)
    return outputs


def mails_sent(folder: Path) -> list[str]:
    """The recipient of every message the file backend wrote (one file per connection)."""
    recipients = []
    for path in sorted(folder.iterdir()):
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                recipients.append(email.message_from_string(chunk.lstrip())["To"])
    return sorted(recipients)


def expected_notices(people: dict[str, Any]) -> list[tuple[str, str]]:
    ward = [(people["inspector"].username, "passed"), (people["leader"].username, "passed")]
    notices = ward * len(OVERDUE_BY)
    notices += [(people["auditor"].username, "escalated")] * sum(
        d > CITY_AFTER_DAYS for d in OVERDUE_BY
    )
    return sorted(notices)


def notices_now() -> list[tuple[str, str]]:
    short = {
        NotificationKind.DEADLINE_PASSED: "passed",
        NotificationKind.OVERDUE_ESCALATED: "escalated",
    }
    return sorted(
        (username, short[kind])
        for username, kind in Notification.objects.values_list("recipient__username", "kind")
    )


def assert_told_once(people: dict[str, Any], cases: list[ViolationCase], mail_dir: Path) -> None:
    for case in cases:
        case.refresh_from_db()
        assert case.overdue_since == case.stage_deadline + datetime.timedelta(days=1)
        assert CaseEvent.objects.filter(case=case, kind=EventKind.OVERDUE).count() == 1
    assert notices_now() == expected_notices(people)
    # One notice per recipient and case, never two.
    keys = list(Notification.objects.values_list("recipient_id", "case_id", "kind"))
    assert len(keys) == len(set(keys))
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0
    expected_mail = sorted(
        {"inspector_a": "tra@phuong-a.vn", "leader_a": "lanh.dao@phuong-a.vn"}.get(
            username, "kiem.tra@soxaydung.vn"
        )
        for username, _kind in expected_notices(people)
    )
    assert mails_sent(mail_dir) == expected_mail


def newly_marked(outputs: list[str]) -> int:
    total = 0
    for text in outputs:
        found = re.search(r"(\d+) newly marked", text)
        total += int(found.group(1)) if found else 0
    return total


def test_two_deadline_scans_started_at_once_mark_and_notify_once(
    two_web_processes: tuple[str, str],
    people: dict[str, Any],
    mail_dir: Path,
    tmp_path: Path,
    web_processes_env: dict[str, str],
) -> None:
    cases = [overdue_case(people, days) for days in OVERDUE_BY]
    env = web_process_env(tmp_path, web_processes_env)
    outputs = run_at_once(env, ["scan_deadlines"], ["scan_deadlines"])
    # Whichever came first marked the three; the other found the scan running,
    # or ran after it and found nothing new.
    assert newly_marked(outputs) == len(cases), outputs
    assert_told_once(people, cases, mail_dir)

    # And again, both at once: nothing new anywhere.
    outputs = run_at_once(env, ["scan_deadlines"], ["scan_deadlines"])
    assert newly_marked(outputs) == 0, outputs
    assert_told_once(people, cases, mail_dir)

    # Both web replicas show the leader the same three notices.
    token = token_of(people["leader"])
    for base in two_web_processes:
        answer = http("GET", f"{base}/api/notifications/", token)
        assert answer.status == 200, answer.body
        assert answer.body["unread"] == len(OVERDUE_BY)
        assert sorted(n["case"] for n in answer.body["results"]) == sorted(c.pk for c in cases)


def test_two_schedulers_started_at_once_run_each_job_once(
    transactional_db: Any,
    people: dict[str, Any],
    mail_dir: Path,
    tmp_path: Path,
    web_processes_env: dict[str, str],
) -> None:
    cases = [overdue_case(people, days) for days in OVERDUE_BY]
    env = web_process_env(tmp_path, web_processes_env)
    outputs = run_at_once(env, ["run_scheduler", "--once"], ["run_scheduler", "--once"])
    ran = []
    for text in outputs:
        found = re.search(r"Ran: (.*)\.", text)
        assert found, text
        ran += [] if found.group(1) == "nothing due" else found.group(1).split(", ")
    # Each due job claimed by one scheduler only (SELECT … FOR UPDATE SKIP LOCKED).
    assert sorted(ran) == sorted(spec.name for spec in job_specs(settings.TTXD_SCHEDULED_JOBS)), (
        outputs
    )
    job = ScheduledJob.objects.get(name="scan_deadlines")
    assert job.last_ok and "3 newly marked" in job.last_output, job.last_output
    assert job.next_run_at > timezone.now()
    assert_told_once(people, cases, mail_dir)
