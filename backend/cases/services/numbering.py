"""The ward's yearly registers: case numbers and document numbers, without gaps or duplicates.

Each register is a cases_yearlycounter row per ward, year and series, moved
inside the caller's transaction, so several web processes share it through
PostgreSQL alone.
"""

from __future__ import annotations

from django.db import connection
from django.utils.translation import gettext as _

from backend.cases.models import CaseStep, document_symbol
from backend.core.errors import Conflict, InvalidInput
from backend.wards.models import Ward


def next_number(*, ward: Ward, year: int, series: str) -> int:
    """Take the next number of a ward's yearly series inside the current transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO cases_yearlycounter (ward_id, year, series, last_value)
            VALUES (%s, %s, %s, 1)
            ON CONFLICT (ward_id, year, series)
            DO UPDATE SET last_value = cases_yearlycounter.last_value + 1
            RETURNING last_value
            """,
            [ward.pk, year, series],
        )
        return int(cursor.fetchone()[0])


def document_number_take(
    *, ward: Ward, document_type: str, year: int, manual: int | None = None
) -> tuple[int, str]:
    """A document's number in the ward's register for the year: (sequence, "12/BB-VPHC").

    The register is a YearlyCounter row per ward, year and document type,
    incremented inside the caller's transaction: concurrent callers queue on
    its row lock, a rollback gives the number back, so numbers have neither
    gaps nor duplicates. A number typed in (a paper document entered after the
    fact) is checked for uniqueness under the same lock, and the register skips
    it later.
    """
    symbol = document_symbol(document_type)
    series = f"doc:{document_type}"
    taken = CaseStep.objects.filter(
        ward=ward, document_type=document_type, document_year=year, document_sequence__isnull=False
    )
    if manual is not None:
        if manual < 1:
            raise InvalidInput(_("Document numbers start at 1."), field="document_number")
        with connection.cursor() as cursor:
            # Take the register's row lock without moving it: serialises with next_number.
            cursor.execute(
                """
                INSERT INTO cases_yearlycounter (ward_id, year, series, last_value)
                VALUES (%s, %s, %s, 0)
                ON CONFLICT (ward_id, year, series)
                DO UPDATE SET last_value = cases_yearlycounter.last_value
                """,
                [ward.pk, year, series],
            )
        clash = taken.filter(document_sequence=manual).select_related("case").first()
        if clash is not None:
            raise Conflict(
                _("Number %(number)s of %(year)d is already used by case %(case)s.")
                % {"number": f"{manual}/{symbol}", "year": year, "case": clash.case.code},
                field="document_number",
                code="document_number_taken",
            )
        return manual, f"{manual}/{symbol}"
    while True:
        sequence = next_number(ward=ward, year=year, series=series)
        if not taken.filter(document_sequence=sequence).exists():
            return sequence, f"{sequence}/{symbol}"
