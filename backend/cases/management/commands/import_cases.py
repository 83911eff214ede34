"""`manage.py import_cases FILE.xlsx|.csv --ward CODE`: a ward's open-case backlog, all or nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.accounts.services import system_actor
from backend.cases.importing.fields import FIELD_KEYS
from backend.cases.importing.run import REFUSED, CaseImportReport, cases_import
from backend.core.errors import ServiceError
from backend.core.tabular import write_refused_rows
from backend.core.tabular.command_options import add_outcome_options, add_sheet_options
from backend.wards.selectors import wards_valid_on

SHOWN_ERRORS = 30


class Command(BaseCommand):
    help = (
        "Import a ward's open-case register (XLSX or CSV): each case at the stage its paper "
        "history reached, through the workflow's rules. Nothing is written unless every row "
        "is valid, or --valid-rows-only is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--ward", default="", help="the ward's official code (else a ward column)"
        )
        add_sheet_options(parser)
        add_outcome_options(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override("vi"):
            self._handle(options)

    def _handle(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        ward = None
        if options["ward"]:
            ward = wards_valid_on(timezone.localdate()).filter(code=options["ward"]).first()
            if ward is None:
                raise CommandError(f"No ward with code {options['ward']} is in force today.")
        actor: User
        if options["user"]:
            found = User.objects.filter(username=options["user"]).first()
            if found is None:
                raise CommandError(f"No user {options['user']}.")
            actor = found
        else:
            actor = system_actor()
        mapping = None
        if options["mapping"]:
            try:
                mapping = json.loads(options["mapping"].read_text("utf-8"))
            except (OSError, ValueError) as exc:
                raise CommandError(f"{options['mapping']}: {exc}") from None
            if not isinstance(mapping, dict) or not all(
                isinstance(k, str) and isinstance(v, str | None) for k, v in mapping.items()
            ):
                raise CommandError(
                    _("The column mapping must be a JSON object of field names and column headers.")
                    + " "
                    + ", ".join(FIELD_KEYS)
                )
        try:
            report = cases_import(
                actor=actor,
                path=path,
                file_name=path.name,
                ward=ward,
                sheet=options["sheet"],
                mapping=mapping,
                dry_run=options["dry_run"],
                valid_rows_only=options["valid_rows_only"],
                enforce_access=bool(options["user"]),
            )
        except ServiceError as exc:
            raise CommandError(str(exc.message)) from None
        self._report(report, path, options)

    def _report(self, report: CaseImportReport, path: Path, options: dict[str, Any]) -> None:
        self.stdout.write(report.summary())
        for row in report.rows:
            for note in row.notes:
                self.stdout.write(f"  ! {note}")
        refused = [row for row in report.rows if row.action == REFUSED]
        for row in refused[:SHOWN_ERRORS]:
            for error in row.errors:
                self.stdout.write(f"  ✗ {error.as_text()}")
        if len(refused) > SHOWN_ERRORS:
            self.stdout.write(
                _("  … and %(count)s more rows.") % {"count": len(refused) - SHOWN_ERRORS}
            )
        if refused:
            target = options["refused_out"] or path.with_name(f"{path.stem}-refused.xlsx")
            write_refused_rows(
                target,
                report.labels,
                (
                    (row.number, row.cells, "; ".join(e.as_text() for e in row.errors))
                    for row in refused
                ),
            )
            self.stdout.write(_("The refused rows, with the reasons: %(path)s") % {"path": target})
        if options["dry_run"]:
            self.stdout.write(_("Dry run (--dry-run): nothing was written."))
        elif not report.written:
            raise CommandError(
                _(
                    "Nothing was imported: correct the refused rows and import the file again, "
                    "or import the valid rows only (--valid-rows-only)."
                )
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Imported: %(created)s new cases.") % {"created": report.count("created")}
                )
            )
            for row in report.rows:
                if row.action == "created":
                    self.stdout.write(
                        _("  Row %(row)s → case %(case)s")
                        % {"row": row.number, "case": row.case_code}
                    )
