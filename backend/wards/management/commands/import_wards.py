"""manage.py import_wards FILE: import a set of ward boundaries, all or nothing."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from backend.accounts.services import system_actor
from backend.core.errors import ServiceError
from backend.wards.importing.reading import ImportOptions, WardFileRefused
from backend.wards.importing.report import plan_sections, result_line
from backend.wards.services import WardImportBlocked, ward_import


class Command(BaseCommand):
    help = (
        "Import ward boundaries from any vector file GDAL reads (Shapefile or its .zip, "
        "GeoPackage, GeoJSON, KML/KMZ, FileGDB); a new set with --valid-from closes the "
        "versions it replaces and moves their open cases, permits and staff."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--layer")
        parser.add_argument("--code-field")
        parser.add_argument("--name-field")
        crs = parser.add_mutually_exclusive_group()
        crs.add_argument("--srs", help="The file's coordinate system, e.g. EPSG:9210.")
        crs.add_argument(
            "--vn2000-meridian",
            type=float,
            help="VN-2000 / TM-3 central meridian in degrees, e.g. 105.75 or 107.75.",
        )
        parser.add_argument("--valid-from", help="YYYY-MM-DD; today by default.")
        parser.add_argument("--dry-run", action="store_true", help="Report only; write nothing.")
        parser.add_argument(
            "--allow-closing",
            default="",
            metavar="CODE[,CODE]",
            help="Confirm that the import may close these wards, which the file does not "
            "contain (the new boundaries are drawn into them); otherwise it is refused.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # The report is for the officer, in the site's language (Vietnamese).
        with translation.override(settings.LANGUAGE_CODE):
            self._import(options)

    def _import(self, options: dict[str, Any]) -> None:
        valid_from = None
        if options.get("valid_from"):
            try:
                valid_from = datetime.date.fromisoformat(options["valid_from"])
            except ValueError:
                raise CommandError(_("--valid-from takes a date as YYYY-MM-DD.")) from None
        import_options = ImportOptions(
            layer=options.get("layer"),
            code_field=options.get("code_field"),
            name_field=options.get("name_field"),
            srs=options.get("srs"),
            vn2000_meridian=options.get("vn2000_meridian"),
            valid_from=valid_from,
            allow_closing=tuple(
                code.strip() for code in options.get("allow_closing", "").split(",") if code.strip()
            ),
        )
        path = Path(options["file"])
        try:
            outcome = ward_import(
                path,
                import_options,
                actor=system_actor(),
                apply=not options["dry_run"],
                source=f"import_wards {path.name}",
                from_shell=True,
            )
        except WardImportBlocked as blocked:
            self._write_plan(blocked.plan)
            raise CommandError(str(blocked.message)) from None
        except WardFileRefused as refused:
            lines = [str(refused.message), *(f"  - {d}" for d in refused.details)]
            raise CommandError("\n".join(lines)) from None
        except ServiceError as error:
            raise CommandError(str(error.message)) from None
        self._write_plan(outcome.plan)
        if outcome.result is None:
            self.stdout.write(_("Dry run: nothing was written."))
        else:
            self.stdout.write(self.style.SUCCESS(result_line(outcome.result)))

    def _write_plan(self, plan: Any) -> None:
        for heading, lines in plan_sections(plan):
            self.stdout.write(heading)
            for line in lines:
                self.stdout.write(f"  - {line}")
