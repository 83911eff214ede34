"""Forget rate-limit counters of windows long over (run hourly by the scheduler)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from backend.core.rate_limits import rate_counters_prune


class Command(BaseCommand):
    help = "Delete rate-limit counters whose window began more than --older-than-hours ago."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than-hours",
            type=float,
            default=settings.TTXD_RATE_COUNTER_RETENTION_HOURS,
            help="Only windows that began at least this long ago (default: %(default)s).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        hours = options["older_than_hours"]
        if hours <= 0:
            raise CommandError("--older-than-hours takes a positive number.")
        deleted = rate_counters_prune(round(hours * 3600))
        self.stdout.write(f"{deleted} rate counter(s) forgotten.")
