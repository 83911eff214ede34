"""Make the drafts of the periodic reports whose period ended yesterday (run daily)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backend.reports.periodic.services import periodic_reports_generate


class Command(BaseCommand):
    help = "Generate the drafts of the periodic reports on their reporting date (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today", help="Run as if today were this date (YYYY-MM-DD); for catching up."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options.get("today"):
            try:
                today = datetime.date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError("--today must be a date, YYYY-MM-DD") from None
        created = periodic_reports_generate(today)
        self.stdout.write(f"periodic reports created: {created}")
