"""`manage.py import_permits FILE.xlsx|.csv --ward CODE`: a ward's permit register, all or nothing."""

from __future__ import annotations

import json
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.accounts.services import system_actor
from backend.core.errors import ServiceError
from backend.core.tabular.command_options import add_outcome_options, add_sheet_options
from backend.permits.importing.apply import import_apply, summary
from backend.permits.importing.check import import_check
from backend.permits.importing.runs import (
    clean_mapping,
    import_mapping_remember,
    import_run_create,
)
from backend.permits.models import PermitImportRow, PermitImportRun
from backend.wards.selectors import wards_valid_on

SHOWN_ERRORS = 30


class Command(BaseCommand):
    help = (
        "Import a ward's permit register (XLSX or CSV). Every row is checked first; "
        "nothing is written unless every row is valid, or --valid-rows-only is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--ward", required=True, help="the ward's official code")
        add_sheet_options(parser)
        parser.add_argument(
            "--authority", default="", help="issuing authority (default UBND <ward>)"
        )
        parser.add_argument("--parcels", type=Path, help="cadastral layer (GeoPackage, Shapefile)")
        parser.add_argument("--parcel-sheet-field", default="", help="its map sheet field")
        parser.add_argument("--parcel-number-field", default="", help="its parcel number field")
        add_outcome_options(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override("vi"):
            self._handle(options)

    def _bar(self, label: str) -> Any:
        tty = sys.stderr.isatty()
        shown = {"step": -1}

        def progress(done: int, total: int) -> None:
            share = done / total if total else 1.0
            step = int(share * 20)
            if tty:
                sys.stderr.write(
                    f"\r{label} [{'#' * step}{'.' * (20 - step)}] {share:4.0%} {done}/{total}"
                )
                if done >= total:
                    sys.stderr.write("\n")
            elif step // 2 != shown["step"]:
                shown["step"] = step // 2
                sys.stderr.write(f"{label} {share:4.0%} {done}/{total}\n")
            sys.stderr.flush()

        return progress

    def _handle(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
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
                mapping = clean_mapping(json.loads(options["mapping"].read_text("utf-8")))
            except (OSError, ValueError) as exc:
                raise CommandError(f"{options['mapping']}: {exc}") from None
            except ServiceError as exc:
                raise CommandError(str(exc.message)) from None
        parcels = options["parcels"]
        try:
            with (
                path.open("rb") as handle,
                parcels.open("rb") if parcels else nullcontext() as layer,
            ):
                run = import_run_create(
                    actor=actor,
                    ward=ward,
                    file=handle,
                    file_name=path.name,
                    size=path.stat().st_size,
                    sheet=options["sheet"],
                    mapping=mapping,
                    issuing_authority=options["authority"],
                    valid_rows_only=options["valid_rows_only"],
                    parcels=layer,
                    parcels_file_name=parcels.name if parcels else "",
                    parcel_sheet_field=options["parcel_sheet_field"],
                    parcel_number_field=options["parcel_number_field"],
                    enforce_access=bool(options["user"]),
                )
            run = import_check(run, progress=self._bar(_("Checking")))
        except ServiceError as exc:
            raise CommandError(str(exc.message)) from None
        self._report(run, path, options)
        if options["dry_run"]:
            self.stdout.write(_("Dry run (--dry-run): nothing was written."))
            return
        try:
            run = import_apply(run, actor=actor, progress=self._bar(_("Writing")))
        except ServiceError as exc:
            raise CommandError(str(exc.message)) from None
        import_mapping_remember(actor=actor, run=run)
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Imported: %(created)s new permits, %(updated)s updated, %(unchanged)s unchanged."
                )
                % {"created": run.to_create, "updated": run.to_update, "unchanged": run.unchanged}
            )
        )

    def _report(self, run: PermitImportRun, path: Path, options: dict[str, Any]) -> None:
        self.stdout.write(summary(run))
        rows = PermitImportRow.objects.filter(run=run).exclude(notes=[]).order_by("row_number")
        for row in rows[:SHOWN_ERRORS]:
            for note in row.notes:
                self.stdout.write(f"  ! {note}")
        refused = PermitImportRow.objects.filter(run=run, action="refused").order_by("row_number")
        for row in refused[:SHOWN_ERRORS]:
            for error in row.errors:
                self.stdout.write(f"  ✗ {error}")
        if run.rows_refused > SHOWN_ERRORS:
            self.stdout.write(
                _("  … and %(count)s more rows.") % {"count": run.rows_refused - SHOWN_ERRORS}
            )
        if run.refused_file:
            target = options["refused_out"] or path.with_name(f"{path.stem}-refused.xlsx")
            with run.refused_file.open("rb") as source:
                target.write_bytes(source.read())
            self.stdout.write(_("The refused rows, with the reasons: %(path)s") % {"path": target})
