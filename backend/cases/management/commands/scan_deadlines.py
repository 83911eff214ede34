"""Mark overdue cases and notify those who must act (run hourly by the scheduler)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backend.cases.services.deadline_scan import deadlines_scan
from backend.sites.services.scan import sites_scan


class Command(BaseCommand):
    help = (
        "Mark overdue cases and notify inspectors, ward leaders and, when long overdue, the city."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today",
            help="Scan as if today were this date (YYYY-MM-DD); for checks and replays.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options.get("today"):
            try:
                today = datetime.date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError("--today takes a date as YYYY-MM-DD.") from None
        result = deadlines_scan(today=today)
        if result.skipped:
            self.stdout.write("Another deadline scan is running; nothing done.")
            return
        self.stdout.write(
            f"{result.overdue} overdue case(s), {result.newly_marked} newly marked, "
            f"{result.cleared} no longer overdue; "
            f"{result.notifications} new notification(s), {result.emails} e-mail(s) sent."
        )
        # Construction sites (backend.sites): new permits become sites, and each
        # site's next visit is counted again for today.
        sites = sites_scan(today=today)
        self.stdout.write(
            f"Sites: {sites.sync.created} new from permits, {sites.sync.moved} moved with "
            f"their permit, {sites.sync.expired} permit(s) ended, {sites.sync.unplaced} "
            f"permit(s) without a position; {sites.rescheduled} site(s) rescheduled."
        )
