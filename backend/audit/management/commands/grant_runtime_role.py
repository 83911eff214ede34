"""`manage.py grant_runtime_role NAME [--login]`: the role the web processes use."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from backend.audit.roles import runtime_role_grant


class Command(BaseCommand):
    help = (
        "Create (if missing) and grant the application's runtime database role: full use "
        "of ordinary tables, SELECT and INSERT only on history tables. Run it as the "
        "schema owner after every migrate; it is idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="role name, e.g. ttxd_app")
        parser.add_argument(
            "--login",
            action="store_true",
            help="create the role with LOGIN (set its password with ALTER ROLE yourself)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            tables = runtime_role_grant(options["name"], login=options["login"])
        except DatabaseError as exc:
            raise CommandError(f"Cannot set up role {options['name']}: {exc}") from None
        self.stdout.write(
            f"Role {options['name']} granted; history tables (SELECT, INSERT only): "
            + (", ".join(tables) or "none")
        )
