"""The options every spreadsheet import command takes (import_permits, import_cases)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandParser


def add_sheet_options(parser: CommandParser) -> None:
    """Which sheet, and the columns' headers when they are not the usual ones."""
    parser.add_argument("--sheet", default="", help="the sheet to read (default: the first)")
    parser.add_argument("--mapping", type=Path, help='JSON {"field": "column header"}')


def add_outcome_options(parser: CommandParser) -> None:
    """Check only, or import the valid rows only; as whom; where the refused rows go."""
    parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
    parser.add_argument(
        "--valid-rows-only",
        action="store_true",
        help="import the valid rows and leave the refused ones out",
    )
    parser.add_argument("--user", default="", help="import as this user (access checked)")
    parser.add_argument(
        "--refused-out",
        type=Path,
        help="where to write the refused rows (default FILE-refused.xlsx)",
    )
