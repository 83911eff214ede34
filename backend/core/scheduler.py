"""The periodic jobs (the hourly deadline scan and kin), shared by every scheduler process.

`manage.py run_scheduler` runs the jobs of TTXD_SCHEDULED_JOBS (management
commands and how often) from rows of ScheduledJob. A scheduler claims a due
job with SELECT … FOR UPDATE SKIP LOCKED and moves its next run on in the same
short transaction, then runs it outside any transaction: two schedulers (two
replicas, or `make run` beside the compose stack's) never run one job twice
at once, and a crashed run is simply due again at its next time. The jobs
themselves stay safe to run twice (the deadline scan holds its own lock).

Core imports no app: jobs are named commands, run through call_command.
"""

from __future__ import annotations

import datetime
import io
import logging
import os
import socket
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.management import call_command
from django.db import close_old_connections, transaction
from django.utils import timezone

from backend.core.models import ScheduledJob

log = logging.getLogger(__name__)
OUTPUT_MAX_CHARS = 4000


@dataclass(frozen=True)
class JobSpec:
    name: str
    command: str
    every_minutes: int
    args: tuple[str, ...] = ()


def job_specs(setting: Mapping[str, Mapping[str, Any]]) -> list[JobSpec]:
    """TTXD_SCHEDULED_JOBS as specs: {"name": {"command": …, "every_minutes": …, "args": […]}}."""
    specs = []
    for name, value in setting.items():
        every = int(value.get("every_minutes", 60))
        if every <= 0:
            continue  # switched off
        specs.append(
            JobSpec(
                name=name,
                command=str(value.get("command", name)),
                every_minutes=every,
                args=tuple(str(a) for a in value.get("args", ())),
            )
        )
    return specs


def jobs_register(specs: list[JobSpec], *, now: datetime.datetime | None = None) -> None:
    """Rows for the configured jobs: new ones due now; a changed period applies from the last run."""
    moment = now or timezone.now()
    for spec in specs:
        job, created = ScheduledJob.objects.get_or_create(
            name=spec.name,
            defaults={
                "command": spec.command,
                "every_minutes": spec.every_minutes,
                "next_run_at": moment,
            },
        )
        if not created and (job.command, job.every_minutes) != (spec.command, spec.every_minutes):
            job.command, job.every_minutes = spec.command, spec.every_minutes
            base = job.last_started_at or moment
            job.next_run_at = min(
                job.next_run_at, base + datetime.timedelta(minutes=spec.every_minutes)
            )
            job.save(update_fields=["command", "every_minutes", "next_run_at"])


def _here() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def job_claim(names: list[str], *, now: datetime.datetime | None = None) -> ScheduledJob | None:
    """The next due job among `names`, claimed for this process (None: nothing due)."""
    moment = now or timezone.now()
    with transaction.atomic():
        job = (
            ScheduledJob.objects.select_for_update(skip_locked=True)
            .filter(name__in=names, next_run_at__lte=moment)
            .order_by("next_run_at", "name")
            .first()
        )
        if job is None:
            return None
        job.next_run_at = moment + datetime.timedelta(minutes=job.every_minutes)
        job.last_started_at = moment
        job.running_on = _here()
        job.save(update_fields=["next_run_at", "last_started_at", "running_on"])
    return job


def job_run(
    job: ScheduledJob,
    spec: JobSpec,
    *,
    runner: Callable[..., Any] = call_command,
) -> bool:
    """Run a claimed job; its outcome and output are recorded on its row."""
    out = io.StringIO()
    ok = True
    try:
        runner(spec.command, *spec.args, stdout=out, stderr=out)
    except Exception as error:  # a failing job must not stop the others
        ok = False
        log.exception("scheduled job %s failed", job.name)
        out.write(f"\n{type(error).__name__}: {error}")
    ScheduledJob.objects.filter(pk=job.pk).update(
        last_finished_at=timezone.now(),
        last_ok=ok,
        last_output=out.getvalue()[-OUTPUT_MAX_CHARS:],
        running_on="",
    )
    return ok


def scheduler_pass(
    specs: list[JobSpec],
    *,
    now: datetime.datetime | None = None,
    runner: Callable[..., Any] = call_command,
) -> list[str]:
    """Run every job due now, once each; the names of those run."""
    by_name = {spec.name: spec for spec in specs}
    ran: list[str] = []
    while True:
        job = job_claim([n for n in by_name if n not in ran], now=now)
        if job is None:
            return ran
        job_run(job, by_name[job.name], runner=runner)
        ran.append(job.name)


def seconds_until_next(specs: list[JobSpec], *, cap_seconds: float = 60.0) -> float:
    """How long to sleep: until the earliest next run, at most `cap_seconds`."""
    upcoming = (
        ScheduledJob.objects.filter(name__in=[s.name for s in specs])
        .order_by("next_run_at")
        .values_list("next_run_at", flat=True)
        .first()
    )
    if upcoming is None:
        return cap_seconds
    return max(1.0, min(cap_seconds, (upcoming - timezone.now()).total_seconds()))


def scheduler_loop(specs: list[JobSpec], *, stop: Callable[[], bool]) -> None:
    """Run due jobs until `stop()` says so (a signal), sleeping in between."""
    jobs_register(specs)
    while not stop():
        close_old_connections()
        scheduler_pass(specs)
        deadline = time.monotonic() + seconds_until_next(specs)
        while not stop() and time.monotonic() < deadline:
            time.sleep(min(1.0, deadline - time.monotonic()))
