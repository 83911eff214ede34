"""Every read the map makes, each starting from an access selector.

Tiles, GeoJSON and counts are aggregated or serialized by PostgreSQL; the
rows always come from cases_visible_to / permits_visible_to /
wards_visible_to, compiled to SQL, so the map can never show a row that the
lists and the case pages would hide.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable
from typing import Any

from django.contrib.gis.db.models.functions import Transform
from django.db.models import FloatField
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format

from backend.accounts.selectors import user_sees_all_wards, ward_ids_of
from backend.cases.models import OPEN_STAGES
from backend.cases.selectors import cases_visible_to
from backend.maps.filters import MapFilters, overdue_annotation
from backend.maps.selectors.coordinates import X, Y
from backend.maps.selectors.visible_wards import visible_wards_today
from backend.maps.tiles import (
    CASE_POINT_MIN_ZOOM,
    CLUSTER_BUFFER,
    PERMIT_MIN_ZOOM,
    POINT_BUFFER,
    POLYGON_BUFFER,
    AsMVTGeom,
    RenderedTile,
    SimplifyPreserveTopology,
    TileAddress,
    TileSlot,
    TileStatement,
    TileStatementCache,
    TileValue,
    cluster_sql,
    compiled,
    mvt_sql,
    tile_box_4326,
)
from backend.permits.selectors import permits_visible_to

POPUP_PHOTOS = 4


# --- Tiles ----------------------------------------------------------------------

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


def case_points_statement(
    user: Any, filters: MapFilters, today: datetime.date
) -> TileStatement | str:
    """One point per case (from CASE_POINT_MIN_ZOOM): id (the MVT feature id),
    code, stage, violation_type, overdue."""
    qs = filters.apply_to_cases(cases_visible_to(user), today).order_by()
    if qs.query.is_empty():
        return NOTHING_VISIBLE
    rows = (
        qs.annotate(overdue=overdue_annotation(today))
        .filter(location__bboverlaps=tile_box_4326(POINT_BUFFER))
        .annotate(geom=AsMVTGeom(Transform("location", 3857), POINT_BUFFER))
        .values("id", "geom", "code", "stage", "violation_type", "overdue")
    )
    layer_sql, layer_params = mvt_sql(*compiled(rows), "cases", "id")
    return TileStatement.wrapping("cases", layer_sql, layer_params, ("cases", "wards"))


def case_clusters_statement(
    user: Any, filters: MapFilters, today: datetime.date
) -> TileStatement | str:
    """Cases grouped in grid cells (below CASE_POINT_MIN_ZOOM): n, overdue_n,
    stage (the commonest) and case_id when the cell holds a single case."""
    qs = filters.apply_to_cases(cases_visible_to(user), today).order_by()
    if qs.query.is_empty():
        return NOTHING_VISIBLE
    rows = (
        qs.annotate(overdue=overdue_annotation(today))
        .filter(location__bboverlaps=tile_box_4326(CLUSTER_BUFFER))
        .annotate(lon=X("location"), lat=Y("location"))
        .values("id", "stage", "overdue", "lon", "lat")
    )
    layer_sql, layer_params = mvt_sql(*cluster_sql(*compiled(rows)), "cases", None)
    return TileStatement.wrapping("cases", layer_sql, layer_params, ("cases", "wards"))


def permits_statement(user: Any, filters: MapFilters, today: datetime.date) -> TileStatement | str:
    """Permit parcels: id, number, status."""
    visible = filters.apply_ward(permits_visible_to(user), "ward__code")
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


def wards_statement(user: Any, filters: MapFilters, today: datetime.date) -> TileStatement | str:
    """Current ward boundaries (id, code, name), simplified to a quarter pixel."""
    visible = filters.apply_ward(visible_wards_today(user, today), "code")
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


StatementBuilder = Callable[[Any, MapFilters, datetime.date], "TileStatement | str"]
TILE_LAYER_NAMES = ("cases", "permits", "wards")


def _band(layer: str, tile: TileAddress) -> tuple[str, StatementBuilder] | None:
    """The statement family drawing `layer` at the tile's zoom (None: nothing drawn)."""
    if layer == "cases":
        if tile.z >= CASE_POINT_MIN_ZOOM:
            return "cases:points", case_points_statement
        return "cases:clusters", case_clusters_statement
    if layer == "permits":
        return ("permits", permits_statement) if tile.z >= PERMIT_MIN_ZOOM else None
    if layer == "wards":
        return "wards", wards_statement
    raise ValueError(f"unknown tile layer {layer!r}")


def layer_tile(
    layer: str,
    user: Any,
    tile: TileAddress,
    filters: MapFilters,
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
    key = (name, tile_access_scope(user), filters, today)
    statement: TileStatement | str = TILE_STATEMENTS.get_or_build(
        key, lambda: build(user, filters, today)
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
    filters: MapFilters,
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
    statement = TILE_STATEMENTS.get((band[0], scope, filters, today))
    if not isinstance(statement, TileStatement):
        return None
    return statement.run(tile, client_etags, client_has_any, guard=guard)


# --- Popups ---------------------------------------------------------------------------


def _short_date(day: datetime.date | None) -> str | None:
    return date_format(day, "SHORT_DATE_FORMAT") if day else None


def photo_bearing(metadata: Any) -> float | None:
    """The compass direction the camera faced, if the photo's metadata has one.

    EXIF calls it GPSImgDirection (degrees from north, true or magnetic); the
    ingest may store it under a plainer name, and as a number, text or an
    EXIF rational [numerator, denominator].
    """
    if not isinstance(metadata, dict):
        return None
    sources = [metadata]
    for nested in ("exif", "gps", "camera"):
        if isinstance(metadata.get(nested), dict):
            sources.append(metadata[nested])
    for source in sources:
        for key in (
            "bearing",
            "camera_bearing",
            "heading",
            "direction",
            "gps_img_direction",
            "GPSImgDirection",
            "img_direction",
        ):
            value = source.get(key)
            if value is None:
                continue
            try:
                if isinstance(value, list | tuple) and len(value) == 2:
                    number = float(value[0]) / float(value[1])
                else:
                    number = float(value)
            except (TypeError, ValueError, ZeroDivisionError):
                continue
            if math.isfinite(number):
                return round(number % 360.0, 1)
    return None


def _photo_url(pk: int, variant: str) -> str | None:
    try:
        return reverse("photo_file", kwargs={"pk": pk, "variant": variant})
    except NoReverseMatch:
        return None


def _latest_photos(user: Any, case_id: int) -> list[dict[str, Any]]:
    """The case's newest photos, through the photo access selector.

    The photo pipeline lives in its own app; without its selector the popup
    simply shows no photos.
    """
    try:
        from backend.photos.selectors import photos_visible_to
    except ImportError:
        return []
    photos = (
        photos_visible_to(user)
        .filter(case_id=case_id)
        .order_by("-uploaded_at", "-id")
        .values(
            "id",
            "metadata",
            "device_location",
            "exif_location",
            "captured_at",
            "exif_taken_at",
            "uploaded_at",
        )[:POPUP_PHOTOS]
    )
    out = []
    for photo in photos:
        where = photo["device_location"] or photo["exif_location"]
        taken = photo["captured_at"] or photo["exif_taken_at"] or photo["uploaded_at"]
        out.append(
            {
                "id": photo["id"],
                "thumbnail": _photo_url(photo["id"], "thumbnail"),
                "preview": _photo_url(photo["id"], "preview"),
                "taken": date_format(timezone.localtime(taken), "SHORT_DATETIME_FORMAT")
                if taken
                else None,
                "bearing": photo_bearing(photo["metadata"]),
                "lon": where.x if where else None,
                "lat": where.y if where else None,
            }
        )
    return out


def case_page_url(pk: int) -> str:
    try:
        return reverse("case_detail", args=[pk])
    except NoReverseMatch:
        return f"/cases/{pk}/"


def _deadline_basis(case: Any, today: datetime.date) -> dict[str, str]:
    """The rule and legal basis of the case's current deadline, when the
    workflow knows them (the page shows the basis next to the date)."""
    try:
        from backend.cases.selectors import case_deadline
    except ImportError:
        return {}
    view = case_deadline(case, today)
    if view is None:
        return {}
    return {"deadline_rule": view.rule_label, "deadline_basis": view.basis}


def case_summary(user: Any, pk: int, today: datetime.date) -> dict[str, Any] | None:
    """What a case's map popup shows, or None when the user may not see it."""
    case = cases_visible_to(user).filter(pk=pk).first()
    if case is None:
        return None
    days_left = (case.stage_deadline - today).days if case.stage_deadline else None
    is_open = case.stage in OPEN_STAGES
    inspector = case.assigned_inspector
    return {
        "id": case.pk,
        "code": case.code,
        "violation_type": case.violation_type,
        "violation_type_label": str(case.get_violation_type_display()),
        "stage": case.stage,
        "stage_label": str(case.get_stage_display()),
        "stage_deadline": case.stage_deadline.isoformat() if case.stage_deadline else None,
        "stage_deadline_display": _short_date(case.stage_deadline),
        "days_left": days_left if is_open else None,
        "overdue": bool(is_open and days_left is not None and days_left < 0),
        "assigned_inspector": str(inspector) if inspector else None,
        "address": case.address,
        "ward": case.ward.name,
        "permit": case.permit.number if case.permit else None,
        "detected_on": _short_date(timezone.localtime(case.detected_at).date()),
        "lon": case.location.x,
        "lat": case.location.y,
        "url": case_page_url(case.pk),
        "photos": _latest_photos(user, case.pk),
        **_deadline_basis(case, today),
    }


def permit_summary(user: Any, pk: int) -> dict[str, Any] | None:
    """What a parcel's popup shows about its permit, or None when not visible."""
    permit = permits_visible_to(user).filter(pk=pk).first()
    if permit is None:
        return None
    return {
        "id": permit.pk,
        "number": permit.number,
        "issuing_authority": permit.issuing_authority,
        "issued_on": _short_date(permit.issued_on),
        "expires_on": _short_date(permit.expires_on),
        "holder_name": permit.holder_name,
        "address": permit.address,
        "map_sheet": permit.map_sheet,
        "parcel_number": permit.parcel_number,
        "permitted_storeys": permit.permitted_storeys,
        "permitted_height_m": float(permit.permitted_height_m)
        if permit.permitted_height_m
        else None,
        "permitted_floor_area_m2": (
            float(permit.permitted_floor_area_m2) if permit.permitted_floor_area_m2 else None
        ),
        "works_class": str(permit.get_works_class_display()),
        "status": permit.status,
        "status_label": str(permit.get_status_display()),
        "ward": permit.ward.name,
    }
