"""The rows an event records: workflow steps and site photos, hashed by the database.

An event about a step or a photo carries, in its payload,

    "record": {"table": "cases_casestep", "id": 12, "form": 1, "hash": "<64 hex>"}

where `hash` is SHA-256 (hex) of the UTF-8 text of a jsonb object holding
every column of the row, plus "form" and "table" (audit migration 0005:
audit_casestep_content, audit_sitephoto_content). In that object timestamps
are UTC text (YYYY-MM-DDTHH:MM:SS.ffffffZ), dates YYYY-MM-DD, floats the
hex of their 8 IEEE bytes and geometries hex EWKB: exact, and the same in
every session whatever its settings.

The database computes the hash, both when the event is recorded (its insert
trigger refuses a hash that does not match the row, or a row of another
case) and when history is verified, so the application cannot lie about it:
a step or photo row no event records, or one whose content changed, fails
`manage.py verify_audit`. The audit app names these tables but imports no
app: it knows them as tables, the way the database does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

RECORD_FORM = 1
RECORD_KEY = "record"


@dataclass(frozen=True)
class RecordTable:
    table: str
    content_function: str
    label: Any  # what a ward officer calls such a row
    # SQL over the row (alias t): the rows that are some case's history.
    recorded_rows: str = "TRUE"


RECORD_TABLES = (
    RecordTable("cases_casestep", "audit_casestep_content", _("workflow step")),
    # A site visit's photo without a case is no case's history (audit migration 0007).
    RecordTable(
        "photos_sitephoto", "audit_sitephoto_content", _("site photo"), "t.case_id IS NOT NULL"
    ),
)
RECORD_TABLE_NAMES = frozenset(t.table for t in RECORD_TABLES)
