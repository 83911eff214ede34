"""`manage.py verify_audit [--head HASH --count N] [--publish]`: prove the history is whole."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from backend.audit.services import chain_head_publish
from backend.audit.verification import chain_verify
from backend.audit.verification_report import parse_head


class Command(BaseCommand):
    help = (
        "Walk the hash chain of case events and report the first break (an edited, "
        "deleted, reordered or back-dated event), check that the chain still holds every "
        "published head, and that every workflow step and site photo matches the hash its "
        "event recorded. Prints the chain head (count and last hash) to record elsewhere; "
        "with --head and --count, proves that the history up to that earlier head is "
        "unchanged; with --publish (as the schema owner, daily), publishes the verified head. "
        "Exits with status 1 on any break."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--head", help="hash of an earlier recorded chain head")
        parser.add_argument("--count", help="number of events at that earlier head")
        parser.add_argument(
            "--publish",
            action="store_true",
            help=(
                "once the history verifies, publish its head in audit_publishedhead "
                "(only the schema owner may)"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        earlier = None
        if options["head"] is not None or options["count"] is not None:
            if options["head"] is None or options["count"] is None:
                raise CommandError("Give both --head and --count of the earlier chain head.")
            try:
                earlier = parse_head(options["head"], options["count"])
            except ValueError as exc:
                raise CommandError(str(exc)) from None

        report = chain_verify(earlier)
        self.stdout.write(f"Events checked: {report.checked}")
        self.stdout.write(f"Steps and photos checked: {report.records_checked}")
        self.stdout.write(
            f"Published heads held: {report.published_confirmed} of {report.published_total}"
        )
        self.stdout.write(f"Chain head: count {report.head.count} hash {report.head.hash}")
        if earlier is not None:
            if report.earlier_head_confirmed:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"History up to the earlier head (count {earlier.count}) is unchanged."
                    )
                )
            else:
                self.stdout.write(
                    self.style.ERROR(
                        f"History up to the earlier head (count {earlier.count}, hash "
                        f"{earlier.hash}) is NOT confirmed."
                    )
                )
        for problem in report.breaks:
            where = f"position {problem.seq}" + (
                f", event id {problem.event_id}" if problem.event_id is not None else ""
            )
            self.stdout.write(
                self.style.ERROR(f"BREAK [{problem.problem}] at {where}: {problem.message}")
            )
        for record in report.record_problems:
            where = f"{record.table}" + (f" id {record.row_id}" if record.row_id else "")
            self.stdout.write(
                self.style.ERROR(f"RECORD [{record.problem}] {where}: {record.message}")
            )
        if not report.intact:
            raise CommandError("The audit chain is broken.", returncode=1)
        self.stdout.write(self.style.SUCCESS("The audit chain is intact."))
        if options["publish"]:
            try:
                published = chain_head_publish(count=report.head.count, digest=report.head.hash)
            except DatabaseError as exc:
                raise CommandError(
                    "Cannot publish the chain head; only the schema owner may (run this "
                    f"with the owner's DATABASE_URL): {exc}".strip()
                ) from None
            self.stdout.write(
                self.style.SUCCESS(
                    f"Published chain head: count {published.event_count} hash {published.hash} "
                    f"at {published.published_at.isoformat()} by {published.published_by}"
                )
            )
