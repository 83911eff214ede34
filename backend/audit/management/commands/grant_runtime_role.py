"""`manage.py grant_runtime_role NAME [--login] [--password-env VAR]`: the web processes' role."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from backend.audit.roles import RuntimeRoleRefused, owner_only_tables, runtime_role_grant


def password_from_environment(variable: str) -> str:
    """VAR's value, or the contents of the file named by VAR_FILE (Docker secrets)."""
    path = os.environ.get(f"{variable}_FILE")
    if path:
        try:
            # A secret file usually ends with a newline that is not part of it.
            value = Path(path).read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as exc:
            raise CommandError(f"Cannot read {variable}_FILE ({path}): {exc}") from None
    else:
        value = os.environ.get(variable, "")
    if not value:
        raise CommandError(f"Set {variable} (or {variable}_FILE) to the role's password.")
    return value


class Command(BaseCommand):
    help = (
        "Create (if missing) and grant the application's runtime database role: full use "
        "of ordinary tables, SELECT and INSERT only on history tables, SELECT only on "
        "published chain heads and django_migrations. Run it as the schema owner after every migrate; it is idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="role name, e.g. ttxd_app")
        parser.add_argument("--login", action="store_true", help="give the role LOGIN")
        parser.add_argument(
            "--password-env",
            metavar="VAR",
            help=(
                "set the role's password (and LOGIN) from the environment variable VAR, "
                "or from the file named by VAR_FILE; never on the command line"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"]
        password = None
        if options["password_env"]:
            password = password_from_environment(options["password_env"])
        try:
            tables = runtime_role_grant(name, login=options["login"], password=password)
        except RuntimeRoleRefused as exc:
            raise CommandError(str(exc)) from None
        except DatabaseError as exc:
            raise CommandError(f"Cannot set up role {name}: {exc}") from None
        self.stdout.write(
            f"Role {name} granted"
            + ("; password set" if password is not None else "")
            + "; history tables (SELECT, INSERT only): "
            + (", ".join(tables) or "none")
            + "; owner-only tables (SELECT only): "
            + (", ".join(owner_only_tables()) or "none")
        )
