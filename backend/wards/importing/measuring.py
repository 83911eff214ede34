"""Measuring a set of new boundaries in PostGIS: areas, overlaps, enclosed gaps.

The boundaries go once into a temporary table (dropped at the end of the
transaction), in WGS 84 and, for areas, in EPSG:6933: an equal-area
projection of the WGS 84 ellipsoid, so a planar area there is the area on the
ellipsoid. It differs from PostGIS's geography only in drawing each edge as
a straight line of the projection instead of a geodesic: 2e-9 of the area
for a square ward with kilometre-long edges (3 mm² of its 1.2 km²), 1e-15
for boundaries with a vertex every few metres; at a quarter of the time. Geometries are stored
uncompressed (STORAGE EXTERNAL): every query reads them whole.

One union gives the enclosed gaps (holes in it) and a bound on every overlap:
the sum of the wards' areas minus the union's area is the area covered twice
or more, and two wards cannot overlap by more than that. When it is below
half the reporting threshold no pair can reach the threshold and the pairwise
checks (the costliest step on a city of neighbours sharing thousands of
vertices) are skipped; otherwise every pair is measured as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection

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


def _union_and_gaps(minimum: float) -> tuple[float, list[Gap]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE ward_import_union ON COMMIT DROP AS "
            "SELECT ST_Union(area_geom) AS geom, sum(ST_Area(area_geom)) AS total "
            "FROM ward_import_new"
        )
    ((covered_twice,),) = _rows("SELECT total - ST_Area(geom) FROM ward_import_union")
    gaps = [
        Gap(float(area), float(lat), float(lon))
        for area, lat, lon in _rows(
            """
            WITH parts AS (SELECT (ST_Dump(geom)).geom AS part FROM ward_import_union),
            holes AS (
                SELECT ST_MakePolygon(ST_InteriorRingN(part, n)) AS hole
                FROM parts, generate_series(1, ST_NumInteriorRings(part)) AS n
            ),
            measured AS (
                SELECT ST_Area(hole) AS area, ST_PointOnSurface(ST_Transform(hole, 4326)) AS at
                FROM holes WHERE ST_Area(hole) > %s
            )
            SELECT area, ST_Y(at), ST_X(at) FROM measured ORDER BY area DESC
            """,
            [minimum],
        )
    ]
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE ward_import_union")
    return float(covered_twice), gaps


def _overlaps(minimum: float) -> list[Overlap]:
    return [
        Overlap(a, b, float(area))
        for a, b, area in _rows(
            """
            SELECT a.code, b.code, ST_Area(ST_Intersection(a.area_geom, b.area_geom)) AS area
            FROM ward_import_new a
            JOIN ward_import_new b ON a.code < b.code AND ST_Intersects(a.geom, b.geom)
            WHERE NOT ST_Touches(a.geom, b.geom)
            ORDER BY area DESC
            """
        )
        if area > minimum
    ]


def measure(layer: WardLayer, minimum: float) -> Measures:
    """Load the layer and measure it; call inside a transaction."""
    load_temp_table(layer)
    areas = {code: float(area) for code, area in _rows(
        "SELECT code, ST_Area(area_geom) FROM ward_import_new"
    )}  # fmt: skip
    covered_twice, gaps = _union_and_gaps(minimum)
    check_pairs = not (minimum > 0 and covered_twice < minimum / 2)
    overlaps = _overlaps(minimum) if check_pairs else []
    return Measures(areas, overlaps, gaps, covered_twice, check_pairs)
