"""The map's tile layers: one compiled statement per layer band and access scope.

Cases (points from CASE_POINT_MIN_ZOOM, grid clusters below), permit
parcels and the current ward boundaries, each drawn by PostgreSQL
(ST_AsMVT) from rows that start at the access selectors. The statements are
cached per process by everything those selectors read from the user
(tile_access_scope), and run as they are or behind the fast path's guard.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib.gis.db.models.functions import Transform
from django.db.models import FloatField
from django.db.models.functions import TruncDate

from backend.accounts.selectors import user_sees_all_wards, ward_ids_of
from backend.cases.selectors import cases_visible_to, overdue_flag
from backend.cases.selectors.query import CaseQuery
from backend.intake.selectors import tip_overdue_flag, tips_visible_to
from backend.maps.selectors.coordinates import X, Y
from backend.maps.selectors.visible_wards import visible_wards_today
from backend.maps.sql import compiled
from backend.maps.tile_statements import RenderedTile, TileStatement, TileStatementCache
from backend.maps.tiles import (
    CASE_POINT_MIN_ZOOM,
    CLUSTER_BUFFER,
    PERMIT_MIN_ZOOM,
    POINT_BUFFER,
    POLYGON_BUFFER,
    SITE_MIN_ZOOM,
    TIP_MIN_ZOOM,
    AsMVTGeom,
    SimplifyPreserveTopology,
    TileAddress,
    TileSlot,
    TileValue,
    cluster_sql,
    mvt_sql,
    tile_box_4326,
)
from backend.permits.selectors import permits_visible_to
from backend.sites.selectors import inspection_state_expression, sites_visible_to

# Statements per process: layer bands × access scopes × filter sets in use
# today. A miss costs one ORM compilation (about a millisecond).
TILE_STATEMENTS = TileStatementCache(size=512)
NOTHING_VISIBLE = "nothing-visible"


def tile_access_scope(user: Any) -> tuple[Any, ...]:
    """Everything the access selectors read from the user, as a cache key.

    cases_visible_to, permits_visible_to and wards_visible_to restrict by
    restrict_to_user_wards: all wards for the city roles, the user's ward ids
    for ward roles, nothing for anyone else. The ward ids are read from the
    database on every request (ward_ids_of), so a membership change is
    honoured on the user's next request. The role is part of the key so that
    a selector that one day treats roles differently cannot be served another
    role's statement; if a selector ever reads anything else from the user,
    it must be added here.
    """
    role = str(getattr(user, "role", "") or "")
    if user_sees_all_wards(user):
        return (role, "all")
    return (role, "wards", tuple(sorted(ward_ids_of(user))))


def _nothing_visible(layer: str) -> RenderedTile:
    """The tile of a user who may see no row at all (no ward, no role)."""
    return RenderedTile(etag=f"{layer}-nothing-visible", body=b"")


def case_points_statement(user: Any, query: CaseQuery, today: datetime.date) -> TileStatement | str:
    """One point per case (from CASE_POINT_MIN_ZOOM): id (the MVT feature id),
    code, stage, violation_type, overdue."""
    qs = query.apply_on(cases_visible_to(user), today).order_by()
    if qs.query.is_empty():
        return NOTHING_VISIBLE
    rows = (
        qs.annotate(overdue=overdue_flag(today))
        .filter(location__bboverlaps=tile_box_4326(POINT_BUFFER))
        .annotate(geom=AsMVTGeom(Transform("location", 3857), POINT_BUFFER))
        .values("id", "geom", "code", "stage", "violation_type", "overdue")
    )
    layer_sql, layer_params = mvt_sql(*compiled(rows), "cases", "id")
    return TileStatement.wrapping("cases", layer_sql, layer_params, ("cases", "wards"))


def case_clusters_statement(
    user: Any, query: CaseQuery, today: datetime.date
) -> TileStatement | str:
    """Cases grouped in grid cells (below CASE_POINT_MIN_ZOOM): n, overdue_n,
    stage (the commonest) and case_id when the cell holds a single case."""
    qs = query.apply_on(cases_visible_to(user), today).order_by()
    if qs.query.is_empty():
        return NOTHING_VISIBLE
    rows = (
        qs.annotate(overdue=overdue_flag(today))
        .filter(location__bboverlaps=tile_box_4326(CLUSTER_BUFFER))
        .annotate(lon=X("location"), lat=Y("location"))
        .values("id", "stage", "overdue", "lon", "lat")
    )
    layer_sql, layer_params = mvt_sql(*cluster_sql(*compiled(rows)), "cases", None)
    return TileStatement.wrapping("cases", layer_sql, layer_params, ("cases", "wards"))


def permits_statement(user: Any, query: CaseQuery, today: datetime.date) -> TileStatement | str:
    """Permit parcels: id, number, status."""
    visible = query.with_ward_codes(permits_visible_to(user), "ward__code")
    if visible.query.is_empty():
        return NOTHING_VISIBLE
    rows = (
        visible.order_by()
        .filter(parcel__bboverlaps=tile_box_4326(POLYGON_BUFFER))
        .annotate(geom=AsMVTGeom(Transform("parcel", 3857), POLYGON_BUFFER))
        .values("id", "geom", "number", "status")
    )
    layer_sql, layer_params = mvt_sql(*compiled(rows), "permits", "id")
    return TileStatement.wrapping("permits", layer_sql, layer_params, ("permits", "wards"))


def sites_statement(user: Any, query: CaseQuery, today: datetime.date) -> TileStatement | str:
    """Construction sites: id, status, origin and inspection (overdue, due within a
    week, scheduled or none, as of `today`)."""
    visible = query.with_ward_codes(sites_visible_to(user), "ward__code")
    if visible.query.is_empty():
        return NOTHING_VISIBLE
    rows = (
        visible.order_by()
        .filter(location__bboverlaps=tile_box_4326(POINT_BUFFER))
        .annotate(
            geom=AsMVTGeom(Transform("location", 3857), POINT_BUFFER),
            inspection=inspection_state_expression(today),
        )
        .values("id", "geom", "status", "origin", "inspection")
    )
    layer_sql, layer_params = mvt_sql(*compiled(rows), "sites", "id")
    return TileStatement.wrapping("sites", layer_sql, layer_params, ("sites", "wards"))


def tips_statement(user: Any, query: CaseQuery, today: datetime.date) -> TileStatement | str:
    """Citizens' reports: id, code, category, status, overdue (as of `today`) and
    received (the day, in the project's time zone). Never who reported them:
    the reporter's name, phone and e-mail stay off the map."""
    visible = query.with_ward_codes(tips_visible_to(user), "ward__code")
    if visible.query.is_empty():
        return NOTHING_VISIBLE
    rows = (
        visible.order_by()
        .filter(location__bboverlaps=tile_box_4326(POINT_BUFFER))
        .annotate(
            geom=AsMVTGeom(Transform("location", 3857), POINT_BUFFER),
            overdue=tip_overdue_flag(today),
            received=TruncDate("received_at"),
        )
        .values("id", "geom", "code", "category", "status", "overdue", "received")
    )
    layer_sql, layer_params = mvt_sql(*compiled(rows), "tips", "id")
    return TileStatement.wrapping("tips", layer_sql, layer_params, ("tips", "wards"))


def wards_statement(user: Any, query: CaseQuery, today: datetime.date) -> TileStatement | str:
    """Current ward boundaries (id, code, name), simplified to a quarter pixel."""
    visible = query.with_ward_codes(visible_wards_today(user, today), "code")
    if visible.query.is_empty():
        return NOTHING_VISIBLE
    quarter_pixel = TileValue(TileSlot("metres", 4), FloatField())
    rows = (
        visible.order_by()
        .filter(boundary__bboverlaps=tile_box_4326(POLYGON_BUFFER))
        .annotate(
            geom=AsMVTGeom(
                SimplifyPreserveTopology(Transform("boundary", 3857), quarter_pixel),
                POLYGON_BUFFER,
            )
        )
        .values("id", "geom", "code", "name")
    )
    layer_sql, layer_params = mvt_sql(*compiled(rows), "wards", "id")
    return TileStatement.wrapping("wards", layer_sql, layer_params, ("wards",))


StatementBuilder = Callable[[Any, CaseQuery, datetime.date], "TileStatement | str"]
TILE_LAYER_NAMES = ("cases", "permits", "sites", "tips", "wards")


def _band(layer: str, tile: TileAddress) -> tuple[str, StatementBuilder] | None:
    """The statement family drawing `layer` at the tile's zoom (None: nothing drawn)."""
    if layer == "cases":
        if tile.z >= CASE_POINT_MIN_ZOOM:
            return "cases:points", case_points_statement
        return "cases:clusters", case_clusters_statement
    if layer == "permits":
        return ("permits", permits_statement) if tile.z >= PERMIT_MIN_ZOOM else None
    if layer == "sites":
        return ("sites", sites_statement) if tile.z >= SITE_MIN_ZOOM else None
    if layer == "tips":
        return ("tips", tips_statement) if tile.z >= TIP_MIN_ZOOM else None
    if layer == "wards":
        return "wards", wards_statement
    raise ValueError(f"unknown tile layer {layer!r}")


def layer_tile(
    layer: str,
    user: Any,
    tile: TileAddress,
    query: CaseQuery,
    today: datetime.date,
    client_etags: list[str],
    client_has_any: bool = False,
) -> RenderedTile:
    """One layer's tile as `user` may see it: cases (points from
    CASE_POINT_MIN_ZOOM, clusters below), permit parcels (from
    PERMIT_MIN_ZOOM, empty below) or the current ward boundaries."""
    band = _band(layer, tile)
    if band is None:
        return RenderedTile(etag=f"{layer}-below-min-zoom", body=b"")
    name, build = band
    key = (name, tile_access_scope(user), query, today)
    statement: TileStatement | str = TILE_STATEMENTS.get_or_build(
        key, lambda: build(user, query, today)
    )
    if isinstance(statement, str):  # NOTHING_VISIBLE
        return _nothing_visible(layer)
    rendered = statement.run(tile, client_etags, client_has_any)
    assert rendered is not None  # only a guarded run gives none
    return rendered


def layer_tile_guarded(
    layer: str,
    scope: tuple[Any, ...],
    guard: tuple[str, list[Any]],
    tile: TileAddress,
    query: CaseQuery,
    today: datetime.date,
    client_etags: list[str],
    client_has_any: bool = False,
) -> RenderedTile | None:
    """The tile of a user whose access scope (tile_access_scope) was read on
    an earlier request, run behind `guard`, SQL that holds only while that
    user's authentication and scope are unchanged (snapshot_of in
    backend.accounts.selectors).

    None when the guard fails, or when no statement is ready for the scope:
    the caller then authenticates the request the ordinary way and calls
    layer_tile, so this never answers anything layer_tile would not.
    """
    band = _band(layer, tile)
    if band is None:
        return None
    statement = TILE_STATEMENTS.get((band[0], scope, query, today))
    if not isinstance(statement, TileStatement):
        return None
    return statement.run(tile, client_etags, client_has_any, guard=guard)


def tile_bytes(
    layer: str, user: Any, z: int, x: int, y: int, query: CaseQuery, today: datetime.date
) -> bytes:
    """The bytes GET /api/tiles/{layer}/{z}/{x}/{y}.pbf gives `user` with the
    filters of `query` on `today` (the field app's offline copy of a ward
    holds exactly these, backend.field.offline)."""
    rendered = layer_tile(layer, user, TileAddress.checked(z, x, y), query, today, [])
    return rendered.body or b""
