"""Running the map's SQL: Django-compiled querysets wrapped in hand-written statements.

Map statements rely on the connection's settings (no JIT, no parallel
workers: DATABASES in backend.settings). Every value is a parameter; the
only SQL text spliced in is what Django compiled from a queryset.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection


def compiled(qs: Any) -> tuple[str, list[Any]]:
    """The SQL and parameters Django would run for `qs`."""
    sql, params = qs.query.sql_with_params()
    return sql, list(params)


def run_statement(sql: str, params: Sequence[Any]) -> tuple[Any, ...]:
    """Run one map statement; return its single row.

    Map statements rely on the connection's settings (no JIT, no parallel
    workers: DATABASES in backend.settings).
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return tuple(cursor.fetchone())


def run_optional_row(sql: str, params: Sequence[Any]) -> tuple[Any, ...] | None:
    """Run one map statement; its row, or None if it has none."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return None if row is None else tuple(row)


def run_rows(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


def feature_collection_sql(
    rows_sql: str, rows_params: list[Any], cap: int
) -> tuple[str, list[Any]]:
    """A GeoJSON FeatureCollection built by PostgreSQL from rows with `id` and
    `geometry` (GeoJSON text) columns; every other column becomes a property.

    The rows arrive with at most cap + 1 entries: the extra one only tells
    that the answer was cut (`truncated`).
    """
    sql = f"""
        SELECT json_build_object(
            'type', 'FeatureCollection',
            'features', coalesce(
                json_agg(
                    json_build_object(
                        'type', 'Feature', 'id', t.id, 'geometry', t.geometry::json,
                        'properties', to_jsonb(t) - 'id' - 'geometry' - 'row_number')
                    ORDER BY t.row_number
                ) FILTER (WHERE t.row_number <= %s),
                '[]'::json),
            'truncated', count(*) > %s,
            'limit', %s
        )::text
        FROM (SELECT s.*, row_number() OVER () AS row_number FROM ({rows_sql}) AS s) AS t
    """  # noqa: S608 - Django-compiled SQL, values are parameters
    return sql, [cap, cap, cap, *rows_params]
