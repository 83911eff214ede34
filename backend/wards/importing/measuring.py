"""Measuring a set of new boundaries in PostGIS: areas, overlaps, enclosed gaps.

The boundaries go once into a temporary table (dropped at the end of the
transaction), in WGS 84 and, for areas, in EPSG:6933: an equal-area
projection of the WGS 84 ellipsoid, so a planar area there is the area on the
ellipsoid. It differs from PostGIS's geography only in drawing each edge as
a straight line of the projection instead of a geodesic: 2e-9 of the area
for a square ward with kilometre-long edges (3 mm² of its 1.2 km²), 1e-15
for boundaries with a vertex every few metres; at a quarter of the time. Geometries are stored
uncompressed (STORAGE EXTERNAL): every query reads them whole.

The union is taken tile by tile (tiling.py), never whole. One ST_Union of a
whole city is quick while the wards tile perfectly, but where a ward is
shifted a few centimetres into its neighbours its edges run nearly collinear
with theirs for kilometres and GEOS falls back to its slower, robust overlay,
on the whole city at once: 20 to 70 s for versions of the bench city with
wards moved 11 cm, against a few seconds for the same fallback on tiles of about
15,000 vertices. So a square grid covers the wards' extent; each ward is cut
to the tiles it reaches (widened by a metre, so the union has no seams in the
tile), and the pieces of each tile are unioned. Then:

- covered twice or more = the sum of the wards' areas minus, over the tiles,
  the tile's area less what of it is left uncovered. Two wards cannot
  overlap by more than that: when it is below half the reporting threshold
  no pair can reach it and the pairwise checks are skipped.
- overlaps: in each tile where the pieces add up to more than their union,
  every pair of pieces is intersected (within the tile) and the areas are
  summed over the tiles, so an overlap across tile edges is one pair with its
  whole area. Tiles with less than 1e-6 m² covered twice are not measured:
  a pair's area may be short by that much per such tile it crosses.
- gaps: the uncovered parts of each tile. A part inside its tile is a gap
  whole; parts that reach their tile's edge are joined with their neighbours
  across it (by where they meet the edge, within 1e-6 m), and a group that
  reaches the outer edge of the grid is outside the city; any other group is
  one gap, its area the sum of its parts'.

The numbers are the whole-city union's up to rounding (the bench city with
shifted wards: the same 11,700 holes, 7 overlapping pairs and 4 gaps over
1 m², areas equal to 1e-9 m²; where the whole union fell back to snap
rounding it closed micro-gaps far under the threshold that the tiles keep,
and the reported gap and overlap agreed to 1e-8 m²), with one deliberate
difference: a gap's area is what no ward covers, where the union's hole
counted a ward lying wholly inside the gap as part of it. Uncovered parts meeting only at a single point
count as one gap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection

from backend.wards.importing import tiling
from gis.vector_files import WardLayer

# EPSG:6933, WGS 84 / NSIDC EASE-Grid 2.0 Global: Lambert cylindrical equal-area
# on the ellipsoid.
AREA_SRID = 6933


@dataclass(frozen=True)
class Overlap:
    code_a: str
    code_b: str
    area_m2: float


@dataclass(frozen=True)
class Gap:
    area_m2: float
    lat: float
    lon: float


@dataclass(frozen=True)
class Measures:
    areas: dict[str, float]
    overlaps: list[Overlap]
    gaps: list[Gap]
    # The sum of the areas minus the union's: what two or more wards cover.
    covered_twice_m2: float
    pairs_checked: bool
    tile_m: float


def _rows(sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return list(cursor.fetchall())


def load_temp_table(layer: WardLayer) -> None:
    """ward_import_new (code, geom in WGS 84, area_geom in EPSG:6933), indexed and analysed."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS ward_import_new")
        cursor.execute(
            "CREATE TEMP TABLE ward_import_new (code text PRIMARY KEY, "
            "geom geometry(MultiPolygon, 4326) NOT NULL, "
            f"area_geom geometry(MultiPolygon, {AREA_SRID})) ON COMMIT DROP"
        )
        # No pglz on 300 kB boundaries: compressing takes longer than sending them.
        cursor.execute("ALTER TABLE ward_import_new ALTER geom SET STORAGE EXTERNAL")
        cursor.execute("ALTER TABLE ward_import_new ALTER area_geom SET STORAGE EXTERNAL")
        cursor.executemany(
            "INSERT INTO ward_import_new (code, geom, area_geom) "
            "SELECT code, geom, ST_Transform(geom, %s) "
            "FROM (SELECT %s AS code, ST_GeomFromWKB(%s, 4326) AS geom) AS read",
            [(AREA_SRID, f.code, bytes(f.geometry.wkb)) for f in layer.features],
        )
        cursor.execute("CREATE INDEX ON ward_import_new USING gist (geom)")
        cursor.execute("ANALYZE ward_import_new")


def measure(layer: WardLayer, minimum: float, *, tile_m: float | None = None) -> Measures:
    """Load the layer and measure it; call inside a transaction.

    tile_m: the side of the tiles in metres (by default from the number of vertices).
    """
    load_temp_table(layer)
    areas = {code: float(area) for code, area in _rows(
        "SELECT code, ST_Area(area_geom) FROM ward_import_new"
    )}  # fmt: skip
    side = tile_m or tiling.auto_tile_size()
    covered_twice = tiling.cover(side)
    gaps = [Gap(area, lat, lon) for area, lat, lon in tiling.gaps(minimum)]
    check_pairs = not (minimum > 0 and covered_twice < minimum / 2)
    overlaps = [Overlap(*pair) for pair in tiling.overlaps(minimum)] if check_pairs else []
    return Measures(areas, overlaps, gaps, covered_twice, check_pairs, side)
