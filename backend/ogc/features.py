"""Features built by PostgreSQL: the rows come from the collection's selector
(Django compiles them), the GeoJSON around them from json_build_object /
json_agg, the geometry from ST_AsGeoJSON in the asked CRS.

Pages are keyset pages on the primary key (`after` / `before`): each is one
index range however deep, and a row added meanwhile never shifts a page.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass
from typing import Any

from django.contrib.gis.db.models import Extent
from django.db import connection
from django.db.models import F, Func, Max, Min, QuerySet, TextField

from backend.ogc.crs import Crs
from backend.ogc.registry import CollectionDefinition

_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


class _GeoJsonIn(Func):
    """ST_AsGeoJSON of the stored geometry in `crs` (its axis order, its decimals)."""

    output_field = TextField()

    def __init__(self, expression: Any, crs: Crs) -> None:
        # Only values of the fixed CRS table go into the template (backend.ogc.crs).
        self.template = f"ST_AsGeoJSON({crs.to_sql('%(expressions)s')}, {crs.decimals:d})"
        super().__init__(expression)


def feature_values(
    qs: QuerySet[Any], definition: CollectionDefinition, crs: Crs, today: datetime.date
) -> QuerySet[Any]:
    plain: list[str] = []
    computed: dict[str, Any] = {}
    for prop in definition.properties:
        if not _NAME.match(prop.name):
            raise ValueError(f"property name {prop.name!r} is not a plain identifier")
        if prop.source is None or prop.source == prop.name:
            plain.append(prop.name)
        elif isinstance(prop.source, str):
            computed[prop.name] = F(prop.source)
        else:
            computed[prop.name] = prop.source(today)
    geometry = (
        definition.geometry_expression()
        if definition.geometry_expression
        else F(definition.geometry_field)
    )
    computed["ogc_geometry"] = _GeoJsonIn(geometry, crs)
    return qs.values("id", *plain, **computed)


def feature_sql(definition: CollectionDefinition) -> str:
    """The SQL of one Feature from a row `t` of the collection's values."""
    return _feature_sql(definition)


def _feature_sql(definition: CollectionDefinition) -> str:
    pairs = ", ".join(f"'{p.name}', t.\"{p.name}\"" for p in definition.properties)
    return (
        "json_build_object('type', 'Feature', 'id', t.id, "
        "'geometry', t.ogc_geometry::json, "
        f"'properties', json_build_object({pairs}))"
    )


@dataclass(frozen=True)
class Page:
    features_json: str  # a JSON array of Features
    returned: int
    more: bool  # rows past this page in the paging direction
    first_id: int | None
    last_id: int | None


def feature_page(
    qs: QuerySet[Any],
    definition: CollectionDefinition,
    *,
    crs: Crs,
    limit: int,
    after: int | None,
    before: int | None,
    today: datetime.date,
) -> Page:
    if before is not None:
        ordered = qs.filter(id__lt=before).order_by("-id")
    else:
        ordered = (qs.filter(id__gt=after) if after is not None else qs).order_by("id")
    if ordered.query.is_empty():
        return Page("[]", 0, False, None, None)
    rows = feature_values(ordered, definition, crs, today)[: limit + 1]
    rows_sql, rows_params = rows.query.sql_with_params()
    sql = f"""
        SELECT coalesce(json_agg({_feature_sql(definition)} ORDER BY t.id)
                        FILTER (WHERE t.ogc_row <= %s), '[]'::json)::text,
               count(*), min(t.id) FILTER (WHERE t.ogc_row <= %s),
               max(t.id) FILTER (WHERE t.ogc_row <= %s)
        FROM (SELECT s.*, row_number() OVER () AS ogc_row FROM ({rows_sql}) AS s) AS t
    """  # noqa: S608 - Django-compiled SQL and the registry's identifiers; values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [limit, limit, limit, *rows_params])
        text, count, first_id, last_id = cursor.fetchone()
    return Page(str(text), min(count, limit), count > limit, first_id, last_id)


def one_feature(
    qs: QuerySet[Any],
    definition: CollectionDefinition,
    *,
    crs: Crs,
    feature_id: int,
    today: datetime.date,
) -> str | None:
    rows = feature_values(qs.filter(id=feature_id), definition, crs, today)
    if rows.query.is_empty():
        return None
    rows_sql, rows_params = rows.query.sql_with_params()
    sql = f"SELECT {_feature_sql(definition)}::text FROM ({rows_sql}) AS t"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, list(rows_params))
        row = cursor.fetchone()
    return None if row is None else str(row[0])


def number_matched(qs: QuerySet[Any]) -> int:
    return 0 if qs.query.is_empty() else qs.order_by().count()


@dataclass(frozen=True)
class Extents:
    bbox: list[float] | None  # CRS84
    interval: list[str | None] | None


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, datetime.date):
        return f"{value.isoformat()}T00:00:00Z"
    return str(value)


def extents(qs: QuerySet[Any], definition: CollectionDefinition) -> Extents:
    if qs.query.is_empty():
        return Extents(None, None)
    aggregates: dict[str, Any] = {"ogc_extent": Extent(definition.geometry_field)}
    if definition.time_start:
        aggregates["ogc_start"] = Min(definition.time_start)
        aggregates["ogc_end"] = Max(definition.time_end or definition.time_start)
    found = qs.order_by().aggregate(**aggregates)
    box = found.get("ogc_extent")
    interval = None
    if definition.time_start and found.get("ogc_start") is not None:
        end = found.get("ogc_end")
        if definition.time_end and qs.filter(**{f"{definition.time_end}__isnull": True}).exists():
            end = None  # still valid: the interval stays open
        interval = [_iso(found["ogc_start"]), _iso(end)]
    return Extents([round(v, 7) for v in box] if box else None, interval)


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
