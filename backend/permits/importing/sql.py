"""The staged rows against the permits, in SQL: what each would do, and doing it.

A row's values are JSON (PermitImportRow.values) holding only the columns
the file has: a field absent from it is left as it is, a field present and
empty is cleared. Every comparison and write is one statement over the
whole run, so 100,000 rows cost seconds, not Python loops over models.
"""

from __future__ import annotations

from typing import Any

from django.db import connection

from backend.permits.models import Permit, PermitEvent, PermitImportRow
from backend.wards.models import Ward

PERMIT = Permit._meta.db_table
EVENT = PermitEvent._meta.db_table
ROW = PermitImportRow._meta.db_table
WARD = Ward._meta.db_table

# field → (SQL of the new value from the row's JSON `v`, SQL showing a value `{}` to people)
FIELDS: dict[str, tuple[str, str]] = {
    "issued_on": ("(v->>'issued_on')::date", "to_char({}, 'DD/MM/YYYY')"),
    "expires_on": ("(v->>'expires_on')::date", "to_char({}, 'DD/MM/YYYY')"),
    "holder_name": ("coalesce(v->>'holder_name', '')", "{}"),
    "address": ("coalesce(v->>'address', '')", "{}"),
    "map_sheet": ("coalesce(v->>'map_sheet', '')", "{}"),
    "parcel_number": ("coalesce(v->>'parcel_number', '')", "{}"),
    "permitted_footprint_m2": ("(v->>'permitted_footprint_m2')::numeric", "{}::text"),
    "permitted_floor_area_m2": ("(v->>'permitted_floor_area_m2')::numeric", "{}::text"),
    "permitted_storeys": ("(v->>'permitted_storeys')::int", "{}::text"),
    "permitted_height_m": ("(v->>'permitted_height_m')::numeric", "{}::text"),
    "location": ("ST_GeomFromEWKT(v->>'location')", "ST_AsText({})"),
    "parcel": (
        "ST_GeomFromEWKT(v->>'parcel')",
        "round(ST_Area({}::geography))::text || ' m²'",
    ),
}
# Geometry compares as bytes: the same EWKT always stores the same bytes.
_COMPARED = {
    key: (f"ST_AsEWKB(p.{key})", f"ST_AsEWKB({new})")
    if key in ("location", "parcel")
    else (f"p.{key}", new)
    for key, (new, _shown) in FIELDS.items()
}


def _changed(key: str) -> str:
    old, new = _COMPARED[key]
    return f"(v ? '{key}' AND {old} IS DISTINCT FROM {new})"


ANY_CHANGED = " OR ".join(_changed(key) for key in FIELDS)
CHANGES_JSON = "jsonb_strip_nulls(jsonb_build_object({}))".format(
    ", ".join(
        f"'{key}', CASE WHEN {_changed(key)} THEN jsonb_build_array("
        f"{shown.format('p.' + key)}, {shown.format(new)}) END"
        for key, (new, shown) in FIELDS.items()
    )
)
# Staged rows of one run (%(run)s), each with its key; %(authority)s is the run's default.
STAGED = f"""
    SELECT s.id AS row_id, s.row_number, s.values AS v,
           coalesce(nullif(s.values->>'issuing_authority', ''), %(authority)s) AS authority,
           s.values->>'number' AS number
    FROM {ROW} AS s
    WHERE s.run_id = %(run)s AND s.action <> 'refused'
"""  # noqa: S608 (table names are the models' own)


def _params(run: Any, **more: Any) -> dict[str, Any]:
    return {"run": run.pk, "authority": run.issuing_authority, **more}


def mark_actions(run: Any) -> None:
    """Set each staged row's action: create, update or unchanged."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {ROW} AS r SET action = CASE
                WHEN m.permit_id IS NULL THEN 'create'
                WHEN m.changed THEN 'update' ELSE 'unchanged' END
            FROM (
                SELECT s.row_id, p.id AS permit_id, coalesce({ANY_CHANGED}, false) AS changed
                FROM ({STAGED}) AS s
                LEFT JOIN {PERMIT} AS p
                  ON p.issuing_authority = s.authority AND p.number = s.number
            ) AS m
            WHERE r.id = m.row_id
            """,  # noqa: S608
            _params(run),
        )


def rows_of_other_wards(run: Any) -> list[tuple[int, int, int]]:
    """(staged row id, row number, ward id) of rows whose permit is filed under another ward."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT s.row_id, s.row_number, p.ward_id
            FROM ({STAGED}) AS s
            JOIN {PERMIT} AS p ON p.issuing_authority = s.authority AND p.number = s.number
            JOIN {WARD} AS w ON w.id = p.ward_id
            WHERE w.code <> %(code)s
            ORDER BY s.row_number
            """,  # noqa: S608
            _params(run, code=run.ward.code),
        )
        return list(cursor.fetchall())


def write_updates(run: Any, actor_id: int) -> tuple[int, int]:
    """Update every changed permit (locked) with its event; (matched, updated)."""
    assignments = ", ".join(
        f"{key} = CASE WHEN v ? '{key}' THEN {new} ELSE p.{key} END"
        for key, (new, _shown) in FIELDS.items()
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT count(*) FROM (
                SELECT p.id FROM ({STAGED}) AS s
                JOIN {PERMIT} AS p ON p.issuing_authority = s.authority AND p.number = s.number
                FOR UPDATE OF p
            ) AS locked
            """,  # noqa: S608
            _params(run),
        )
        (matched,) = cursor.fetchone()
        cursor.execute(
            _update_sql(assignments),
            _params(run, actor=actor_id, file=run.file_name),
        )
        updated = cursor.rowcount
    return matched, updated


def _update_sql(assignments: str) -> str:
    return f"""
        WITH changed AS (
            SELECT p.id AS permit_id, s.row_number, s.v, {CHANGES_JSON} AS changes
            FROM ({STAGED}) AS s
            JOIN {PERMIT} AS p ON p.issuing_authority = s.authority AND p.number = s.number
            WHERE {ANY_CHANGED}
        ), updated AS (
            UPDATE {PERMIT} AS p SET {assignments}
            FROM changed WHERE p.id = changed.permit_id
            RETURNING p.id
        )
        INSERT INTO {EVENT}
            (permit_id, kind, actor_id, at, changes, source_file, source_row, import_run_id)
        SELECT permit_id, 'updated', %(actor)s, now(), changes, %(file)s, row_number, %(run)s
        FROM changed
    """  # noqa: S608


def write_creations(run: Any, actor_id: int) -> int:
    """Insert the permits the file adds, each with its event; how many."""
    columns = ", ".join(FIELDS)
    values = ", ".join(new for new, _shown in FIELDS.values())
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH fresh AS MATERIALIZED (
                -- Ids drawn here, so each event names its permit without a join back.
                SELECT s.*, nextval(pg_get_serial_sequence('{PERMIT}', 'id')) AS new_id
                FROM ({STAGED}) AS s
                WHERE NOT EXISTS (
                    SELECT 1 FROM {PERMIT} AS p
                    WHERE p.issuing_authority = s.authority AND p.number = s.number
                )
            ), inserted AS (
                INSERT INTO {PERMIT} (id, number, issuing_authority, ward_id, works_class,
                                      status, created_at, {columns})
                SELECT new_id, number, authority, %(ward)s, %(works_class)s, %(status)s, now(),
                       {values}
                FROM fresh
            )
            INSERT INTO {EVENT}
                (permit_id, kind, actor_id, at, changes, source_file, source_row, import_run_id)
            SELECT new_id, 'created', %(actor)s, now(), '{{}}'::jsonb, %(file)s, row_number,
                   %(run)s
            FROM fresh
            """,  # noqa: S608
            _params(
                run,
                ward=run.ward_id,
                actor=actor_id,
                file=run.file_name,
                works_class=Permit._meta.get_field("works_class").default,
                status=Permit._meta.get_field("status").default,
            ),
        )
        return int(cursor.rowcount)
