"""What an import will do, worked out by PostGIS before anything is written.

The new boundaries go into a temporary table (dropped at the end of the
transaction, see measuring.py: areas in square metres on the ellipsoid,
overlaps between the new wards and the enclosed gaps in their union), then
every further measure is one query over it: which open wards they replace
and by how much, and where each open case, permit and staff membership of
a replaced ward goes.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection

from backend.accounts.models import WardMembership
from backend.cases.models import OPEN_STAGES
from backend.wards.importing.measuring import AREA_SRID, Gap, Overlap, measure
from backend.wards.models import Ward
from gis.vector_files import WardFeature, WardLayer

__all__ = ["Gap", "ImportPlan", "Overlap", "plan_import"]


@dataclass
class PlannedWard:
    feature: WardFeature
    area_m2: float
    # The version with this code and valid_from that the import corrects in place.
    replaces_id: int | None = None


@dataclass(frozen=True)
class ClosedWard:
    id: int
    code: str
    name: str
    area_m2: float


@dataclass(frozen=True)
class PlannedSuccession:
    old_id: int
    old_code: str
    old_name: str
    new_code: str
    overlap_m2: float
    share: float


@dataclass(frozen=True)
class PlannedMove:
    kind: str  # "case", "permit" or "membership"
    object_id: int
    label: str
    old_ward_id: int
    old_ward_name: str
    new_code: str
    # True: the new ward contains its position; False: the largest successor took it.
    contained: bool


@dataclass
class ImportPlan:
    layer: WardLayer
    valid_from: datetime.date
    wards: list[PlannedWard]
    closed: list[ClosedWard] = field(default_factory=list)
    successions: list[PlannedSuccession] = field(default_factory=list)
    moves: list[PlannedMove] = field(default_factory=list)
    overlaps: list[Overlap] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    # Later versions of these codes exist: the import cannot go before them.
    later_versions: list[tuple[str, datetime.date]] = field(default_factory=list)
    # Codes of wards absent from the file that the user confirmed may be closed.
    allow_closing: frozenset[str] = frozenset()

    @property
    def closing_absent(self) -> list[ClosedWard]:
        """Wards the file does not name that the import would close: the new boundaries
        are drawn into them (a neighbour redrawn by mistake, or a merger's old wards)."""
        codes = {w.feature.code for w in self.wards}
        return [w for w in self.closed if w.code not in codes]

    @property
    def unconfirmed_closing(self) -> list[ClosedWard]:
        """Absent wards the import would close without the user having confirmed it."""
        return [w for w in self.closing_absent if w.code not in self.allow_closing]

    def covered_share(self, ward_id: int) -> float:
        """The part of an old ward's area the new boundaries cover (0–1)."""
        return sum(s.share for s in self.successions if s.old_id == ward_id)

    @property
    def stranded(self) -> list[PlannedMove]:
        """Open cases and permits of a closed ward that no new ward takes over."""
        return [m for m in self.moves if not m.new_code]

    @property
    def blocked_otherwise(self) -> bool:
        """Blocked whatever the user confirms (a later version, something stranded)."""
        return bool(self.later_versions or self.stranded)

    @property
    def blocked(self) -> bool:
        return self.blocked_otherwise or bool(self.unconfirmed_closing)

    def moves_of(self, kind: str) -> list[PlannedMove]:
        return [m for m in self.moves if m.kind == kind]


def _rows(sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return list(cursor.fetchall())


def plan_import(
    layer: WardLayer, valid_from: datetime.date, allow_closing: tuple[str, ...] = ()
) -> ImportPlan:
    """The plan; call inside a transaction (the temporary table lives in it).

    `allow_closing`: the codes of wards absent from the file that the user
    confirmed the import may close; any other such ward blocks the import.
    """
    minimum = settings.TTXD_WARD_IMPORT_MIN_AREA_M2
    measures = measure(layer, minimum)
    plan = ImportPlan(
        layer=layer,
        valid_from=valid_from,
        wards=[PlannedWard(f, measures.areas[f.code]) for f in layer.features],
        overlaps=measures.overlaps,
        gaps=measures.gaps,
        allow_closing=frozenset(allow_closing),
    )
    _plan_versions(plan, minimum)
    _plan_moves(plan)
    return plan


def _plan_versions(plan: ImportPlan, minimum: float) -> None:
    codes = [w.feature.code for w in plan.wards]
    in_force = Ward.objects.exclude(valid_to__lte=plan.valid_from)
    by_code = {w.feature.code: w for w in plan.wards}
    for ward in in_force.filter(code__in=codes, valid_from__gte=plan.valid_from):
        if ward.valid_from == plan.valid_from:
            by_code[ward.code].replaces_id = ward.pk
        else:
            plan.later_versions.append((ward.code, ward.valid_from))
    replaced = [w.replaces_id for w in plan.wards if w.replaces_id]
    rows = _rows(
        """
        SELECT w.id, w.code, w.name, ST_Area(ST_Transform(w.boundary, %s)), n.code,
               ST_Area(ST_Intersection(ST_Transform(w.boundary, %s), n.area_geom))
        FROM wards_ward w
        LEFT JOIN ward_import_new n ON ST_Intersects(w.boundary, n.geom)
        WHERE w.valid_from < %s AND (w.valid_to IS NULL OR w.valid_to > %s)
          AND NOT (w.id = ANY(%s))
        ORDER BY w.code, w.id
        """,
        [AREA_SRID, AREA_SRID, plan.valid_from, plan.valid_from, replaced],
    )
    closed: dict[int, ClosedWard] = {}
    for ward_id, code, name, area, new_code, overlap in rows:
        overlapping = new_code is not None and float(overlap) > minimum
        if not (overlapping or code in by_code):
            continue
        closed.setdefault(ward_id, ClosedWard(ward_id, code, name, float(area)))
        if overlapping:
            plan.successions.append(
                PlannedSuccession(
                    ward_id, code, name, new_code, float(overlap), float(overlap) / float(area)
                )
            )
    plan.closed = list(closed.values())
    plan.successions.sort(key=lambda s: (s.old_code, -s.share))


def _largest_successor(plan: ImportPlan) -> dict[int, str]:
    best: dict[int, PlannedSuccession] = {}
    for succession in plan.successions:
        if succession.old_id not in best or succession.share > best[succession.old_id].share:
            best[succession.old_id] = succession
    largest = {old_id: s.new_code for old_id, s in best.items()}
    codes = {w.feature.code for w in plan.wards}
    for ward in plan.closed:  # redrawn with no overlap at all: the same code takes it over
        if ward.id not in largest and ward.code in codes:
            largest[ward.id] = ward.code
    return largest


def _plan_moves(plan: ImportPlan) -> None:
    if not plan.closed:
        return
    ids = [w.id for w in plan.closed]
    names = {w.id: w.name for w in plan.closed}
    largest = _largest_successor(plan)
    located = {
        "case": _rows(
            """
            SELECT c.id, c.code, c.ward_id,
                   (SELECT n.code FROM ward_import_new n WHERE ST_Covers(n.geom, c.location)
                    ORDER BY n.code LIMIT 1)
            FROM cases_violationcase c
            WHERE c.ward_id = ANY(%s) AND c.stage = ANY(%s) ORDER BY c.id
            """,
            [ids, sorted(OPEN_STAGES)],
        ),
        "permit": _rows(
            """
            SELECT p.id, p.number, p.ward_id,
                   (SELECT n.code FROM ward_import_new n
                    -- By its parcel, else by the point an import gave it.
                    WHERE ST_Covers(n.geom, COALESCE(ST_PointOnSurface(p.parcel), p.location))
                    ORDER BY n.code LIMIT 1)
            FROM permits_permit p WHERE p.ward_id = ANY(%s) ORDER BY p.id
            """,
            [ids],
        ),
    }
    for kind, rows in located.items():
        for object_id, label, old_id, new_code in rows:
            target = new_code or largest.get(old_id) or ""
            plan.moves.append(
                PlannedMove(
                    kind, object_id, label, old_id, names[old_id], target, new_code is not None
                )
            )
    memberships = WardMembership.objects.filter(ward_id__in=ids).select_related("user")
    for membership in memberships.order_by("ward_id", "user__username"):
        target = largest.get(membership.ward_id)
        if target is not None:
            plan.moves.append(
                PlannedMove(
                    "membership",
                    membership.pk,
                    str(membership.user),
                    membership.ward_id,
                    names[membership.ward_id],
                    target,
                    False,
                )
            )
