"""Run the periodic jobs (TTXD_SCHEDULED_JOBS) until stopped; `make run` starts it beside the server."""

from __future__ import annotations

import signal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from backend.core.models import ScheduledJob
from backend.core.scheduler import job_specs, jobs_register, scheduler_loop, scheduler_pass


class Command(BaseCommand):
    help = (
        "Run the scheduled jobs (the deadline scan, …) at their times, shared by every scheduler."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run the jobs due now, then stop.")

    def handle(self, *args: Any, **options: Any) -> None:
        specs = job_specs(settings.TTXD_SCHEDULED_JOBS)
        if options["once"]:
            jobs_register(specs)
            ran = scheduler_pass(specs)
            self.stdout.write(f"Ran: {', '.join(ran) if ran else 'nothing due'}.")
            return
        stopping = {"now": False}

        def stop(*_args: Any) -> None:
            stopping["now"] = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        jobs_register(specs)
        for job in ScheduledJob.objects.filter(name__in=[s.name for s in specs]):
            when = timezone.localtime(job.next_run_at).strftime("%d/%m/%Y %H:%M")
            self.stdout.write(f"Scheduler: {job.name} every {job.every_minutes} min, next {when}.")
        scheduler_loop(specs, stop=lambda: stopping["now"])
