"""The periodic jobs: shared by every scheduler process, run once per period, shown to the admin."""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from backend.cases.models import Stage
from backend.core.models import ScheduledJob
from backend.core.scheduler import (
    JobSpec,
    job_specs,
    jobs_register,
    scheduler_pass,
    seconds_until_next,
)
from tests.factories import CaseFactory
from tests.support.web_processes import web_process_env

ROOT = Path(__file__).resolve().parent.parent.parent


def test_the_deadline_scan_is_scheduled_hourly_by_default() -> None:
    specs = {spec.name: spec for spec in job_specs(settings.TTXD_SCHEDULED_JOBS)}
    assert specs["scan_deadlines"].command == "scan_deadlines"
    assert specs["scan_deadlines"].every_minutes == 60
    assert "prune_rate_counters" in specs
    assert job_specs({"off": {"command": "check", "every_minutes": 0}}) == []


def test_make_run_starts_the_scheduler_beside_the_server() -> None:
    run = (ROOT / "Makefile").read_text().split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "run_scheduler &" in run and "runserver" in run
    # … and stops it with the server.
    assert "trap" in run and "kill" in run


@pytest.mark.django_db
def test_a_due_job_runs_once_and_its_next_run_moves_on() -> None:
    now = timezone.now()
    calls: list[str] = []
    specs = [JobSpec("probe", "check", 30)]
    jobs_register(specs, now=now)
    assert scheduler_pass(specs, now=now, runner=lambda name, **kw: calls.append(name)) == ["probe"]
    # Not due again until its period is over.
    assert (
        scheduler_pass(specs, now=now + datetime.timedelta(minutes=29), runner=calls.append) == []
    )
    job = ScheduledJob.objects.get(name="probe")
    assert job.next_run_at == now + datetime.timedelta(minutes=30)
    assert job.last_ok is True and job.running_on == "" and calls == ["check"]
    assert 1.0 <= seconds_until_next(specs) <= 60.0


@pytest.mark.django_db
def test_a_failing_job_is_recorded_and_the_others_still_run() -> None:
    specs = [JobSpec("broken", "no_such_command", 60), JobSpec("fine", "check", 60)]
    jobs_register(specs)
    assert sorted(scheduler_pass(specs)) == ["broken", "fine"]
    broken = ScheduledJob.objects.get(name="broken")
    assert broken.last_ok is False and "no_such_command" in broken.last_output
    assert ScheduledJob.objects.get(name="fine").last_ok is True


@pytest.mark.django_db
def test_a_changed_period_applies_from_the_last_run() -> None:
    now = timezone.now()
    jobs_register([JobSpec("probe", "check", 600)], now=now)
    scheduler_pass([JobSpec("probe", "check", 600)], now=now, runner=lambda *a, **k: None)
    jobs_register([JobSpec("probe", "check", 5)], now=now)
    assert ScheduledJob.objects.get(name="probe").next_run_at == now + datetime.timedelta(minutes=5)


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_run_a_job_once() -> None:
    specs = [JobSpec("probe", "check", 60)]
    jobs_register(specs)
    runs: list[int] = []
    start = threading.Barrier(2)

    def slow(*args: Any, **kwargs: Any) -> None:
        runs.append(threading.get_ident())
        time.sleep(0.5)

    def scheduler() -> None:
        start.wait()
        try:
            scheduler_pass(specs, runner=slow)
        finally:
            connection.close()

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(runs) == 1


@pytest.mark.django_db(transaction=True)
def test_run_scheduler_runs_the_deadline_scan_and_stops_on_a_signal(
    tmp_path: Path, ward_a: Any, inspector_a: Any
) -> None:
    case = CaseFactory(
        ward=ward_a,
        opened_by=inspector_a,
        stage=Stage.DETECTED,
        stage_deadline=timezone.localdate() - datetime.timedelta(days=3),
    )
    env = web_process_env(tmp_path)
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "run_scheduler"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job = ScheduledJob.objects.filter(name="scan_deadlines").first()
            if job is not None and job.last_finished_at is not None:
                break
            time.sleep(0.3)
        assert job is not None and job.last_ok is True, job and job.last_output
        assert "overdue case(s)" in job.last_output
        assert job.next_run_at > timezone.now() + datetime.timedelta(minutes=55)
        case.refresh_from_db()
        assert case.overdue_since is not None
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=20)
    assert process.returncode == 0, output.decode()
    assert "scan_deadlines every 60 min" in output.decode()
    assert os.environ.get("TTXD_SCAN_DEADLINES_EVERY_MINUTES") is None


@pytest.mark.django_db
def test_the_admin_shows_the_next_run_to_superusers_only(
    client: Any, admin_user: Any, leader_a: Any
) -> None:
    jobs_register(job_specs(settings.TTXD_SCHEDULED_JOBS))
    client.force_login(admin_user)
    page = client.get("/admin/core/scheduledjob/")
    assert page.status_code == 200
    due = timezone.localtime(ScheduledJob.objects.get(name="scan_deadlines").next_run_at)
    assert due.strftime("%d/%m/%Y %H:%M") in page.content.decode()
    client.force_login(leader_a)
    assert client.get("/admin/core/scheduledjob/").status_code in (302, 403)
