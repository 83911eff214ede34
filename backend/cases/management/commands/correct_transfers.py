"""Clear the stale "decision due" deadline of cases transferred after their decision."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from backend.cases.services.transfer_correction import transfers_after_decision_correct


class Command(BaseCommand):
    help = (
        "Cases that earlier versions let be transferred after their sanction decision: clear "
        "their 'decision due' deadline and overdue flag, with an event in each history."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="List them; change nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = bool(options.get("dry_run"))
        done = transfers_after_decision_correct(dry_run=dry_run)
        for row in done:
            overdue = f", overdue since {row.overdue_since}" if row.overdue_since else ""
            self.stdout.write(f"{row.case_code}: decision was due {row.was_due}{overdue}")
        verb = "would be corrected" if dry_run else "corrected"
        self.stdout.write(f"{len(done)} case(s) {verb}.")
