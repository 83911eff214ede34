"""Check every workflow step and site photo row against the event that records it.

The database recomputes each row's hash (audit_casestep_content and kin, see
backend.audit.records) and compares it with the hash its event recorded, so
a row added or changed around the application, or one deleted under its
event, fails verification. Part of chain_verify (backend.audit.verification).
"""

from __future__ import annotations

from django.db import connection
from django.utils.translation import gettext as _
from psycopg2 import sql

from backend.audit.records import RECORD_KEY, RECORD_TABLES, RecordTable
from backend.audit.verification_report import ChainReport, RecordProblem

# Record problems are listed up to this many: one is enough to fail.
RECORD_PROBLEMS_SHOWN = 50

# Every row of the table, its event (if any) and both hashes; only the rows
# whose event is missing or disagrees come back.
_ROWS_AGAINST_EVENTS = """
SELECT r.id, e.id, e.payload -> {key} ->> 'hash', r.hash
FROM (SELECT t.id, audit_content_hash({content}(t)) AS hash FROM {table} AS t
      WHERE {recorded}) AS r
LEFT JOIN audit_caseevent AS e
       ON e.payload ? {key} AND e.payload -> {key} ->> 'table' = {name}
      AND e.payload -> {key} ->> 'id' = r.id::text
WHERE e.id IS NULL OR e.payload -> {key} ->> 'hash' IS DISTINCT FROM r.hash
ORDER BY r.id
LIMIT {limit}
"""
_ROWS_COUNT = "SELECT count(*) FROM {table} AS t WHERE {recorded}"
# Events naming a row that is gone, or a table that records nothing.
_EVENTS_WITHOUT_ROWS = """
SELECT e.id, e.seq, e.payload -> {key} ->> 'table', e.payload -> {key} ->> 'id'
FROM audit_caseevent AS e
WHERE e.payload ? {key} AND NOT ({any_row})
ORDER BY e.seq
LIMIT {limit}
"""
_ROW_EXISTS = """
(e.payload -> {key} ->> 'table' = {name} AND EXISTS (
    SELECT 1 FROM {table} AS r
    WHERE r.id = CASE WHEN e.payload -> {key} ->> 'id' ~ '^[0-9]{{1,18}}$'
                      THEN (e.payload -> {key} ->> 'id')::bigint END))
"""


def _names(record_table: RecordTable) -> dict[str, sql.Composable]:
    return {
        "table": sql.Identifier(record_table.table),
        "content": sql.Identifier(record_table.content_function),
        "key": sql.Literal(RECORD_KEY),
        "name": sql.Literal(record_table.table),
        "limit": sql.Literal(RECORD_PROBLEMS_SHOWN),
        # A constant of backend.audit.records, never input.
        "recorded": sql.SQL(record_table.recorded_rows),
    }


def check_records(report: ChainReport) -> None:
    """Every step and photo row has exactly the hash its event recorded."""
    with connection.cursor() as cursor:
        for record_table in RECORD_TABLES:
            names = _names(record_table)
            cursor.execute(sql.SQL(_ROWS_COUNT).format(**names))
            report.records_checked += int(cursor.fetchone()[0])
            cursor.execute(sql.SQL(_ROWS_AGAINST_EVENTS).format(**names))
            for row_id, event_id, recorded, actual in cursor.fetchall():
                report.record_problems.append(
                    _record_problem(record_table, int(row_id), event_id, recorded, actual)
                )
        any_row = sql.SQL(" OR ").join(
            sql.SQL(_ROW_EXISTS).format(**_names(t)) for t in RECORD_TABLES
        )
        cursor.execute(
            sql.SQL(_EVENTS_WITHOUT_ROWS).format(
                any_row=any_row,
                key=sql.Literal(RECORD_KEY),
                limit=sql.Literal(RECORD_PROBLEMS_SHOWN),
            )
        )
        for event_id, seq, table, row_id in cursor.fetchall():
            report.record_problems.append(
                RecordProblem(
                    str(table),
                    None,
                    int(event_id),
                    "missing",
                    _(
                        "Event id %(id)s at position %(seq)s records row %(row)s of %(table)s, "
                        "which no longer exists: the row was deleted."
                    )
                    % {"id": event_id, "seq": seq, "row": row_id, "table": table},
                )
            )
    del report.record_problems[RECORD_PROBLEMS_SHOWN:]


def _record_problem(
    record_table: RecordTable, row_id: int, event_id: int | None, recorded: str | None, actual: str
) -> RecordProblem:
    what = {"what": record_table.label, "table": record_table.table, "row": row_id}
    if event_id is None:
        return RecordProblem(
            record_table.table,
            row_id,
            None,
            "unrecorded",
            _(
                "Row %(row)s of %(table)s (%(what)s) is recorded by no event: the row was "
                "added outside the application's services."
            )
            % what,
        )
    return RecordProblem(
        record_table.table,
        row_id,
        int(event_id),
        "changed",
        _(
            "Row %(row)s of %(table)s (%(what)s) no longer matches the hash that event id "
            "%(event)s recorded (%(recorded)s…, now %(actual)s…): the row was changed or "
            "replaced after it was recorded."
        )
        % {**what, "event": event_id, "recorded": (recorded or "")[:16], "actual": actual[:16]},
    )
