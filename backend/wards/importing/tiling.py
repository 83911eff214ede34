"""The union of the new wards, tile by tile: what is covered twice, the gaps, the overlaps.

Works on the temporary table ward_import_new (see measuring.py), in its
equal-area coordinates (EPSG:6933), with three more temporary tables:

- ward_import_tile: a square grid over the wards' extent (ST_SquareGrid),
  each tile with a copy widened by TILE_MARGIN_M;
- ward_import_piece: each ward cut to each widened tile it reaches;
- ward_import_cover: per tile, the union of its pieces and the sum of their
  areas;

and ward_import_left: per tile, the parts of the (exact) tile that no ward
covers, each with whether it reaches the tile's edge.

The pieces are cut to the widened tile so that the union has no seams inside
the tile: two neighbours sharing an edge are cut where that edge leaves the
widened tile, and rounding there could leave a sliver one bit wide between
them; the sliver lies in the margin, outside the tile the union is then
measured in.
"""

from __future__ import annotations

import math
from typing import Any

from django.db import connection

# Each tile should hold about this many vertices of the boundaries: a union of a
# few thousand vertices stays quick even where GEOS falls back to its slower,
# robust overlay on nearly collinear edges.
TILE_VERTICES = 15_000
MAX_TILES = 20_000
MIN_TILE_M = 50.0
# Pieces reach this far past their tile (metres of EPSG:6933).
TILE_MARGIN_M = 1.0
# Uncovered parts of neighbouring tiles closer than this are one gap (they
# meet on the tile edge, up to the rounding of the overlay).
STITCH_M = 1e-6
# A tile whose pieces add up to no more than this over their union holds no
# overlap worth measuring pair by pair.
TILE_DUPLICATE_M2 = 1e-6


def _rows(sql: str, params: Any = None) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def tile_size(vertices: int, extent_m2: float) -> float:
    """The side of the tiles: about TILE_VERTICES vertices each, at most MAX_TILES."""
    if vertices <= 0 or extent_m2 <= 0:
        return MIN_TILE_M
    side = math.sqrt(extent_m2 * TILE_VERTICES / vertices)
    return max(side, math.sqrt(extent_m2 / MAX_TILES), MIN_TILE_M)


def auto_tile_size() -> float:
    ((vertices, extent_m2),) = _rows(
        "SELECT sum(ST_NPoints(area_geom)), ST_Area(ST_SetSRID(ST_Extent(area_geom), 6933)) "
        "FROM ward_import_new"
    )
    return tile_size(int(vertices or 0), float(extent_m2 or 0))


def cover(side_m: float) -> float:
    """Build the tiles, pieces, cover and leftovers; return the area covered twice or more."""
    with connection.cursor() as cursor:
        # A second plan in the same transaction starts afresh.
        cursor.execute(
            "DROP TABLE IF EXISTS ward_import_tile, ward_import_piece, ward_import_cover, "
            "ward_import_left"
        )
        cursor.execute(
            "CREATE TEMP TABLE ward_import_tile ON COMMIT DROP AS "
            "SELECT i, j, geom, ST_Expand(geom, %s) AS wide FROM ST_SquareGrid(%s, "
            "(SELECT ST_SetSRID(ST_Extent(area_geom), 6933) FROM ward_import_new))",
            [TILE_MARGIN_M, side_m],
        )
        cursor.execute("CREATE INDEX ON ward_import_tile USING gist (wide)")
        cursor.execute("ANALYZE ward_import_tile")
        cursor.execute(
            "CREATE TEMP TABLE ward_import_piece ON COMMIT DROP AS "
            "SELECT * FROM (SELECT t.i, t.j, n.code, "
            "ST_CollectionExtract(ST_Intersection(n.area_geom, t.wide), 3) AS geom "
            "FROM ward_import_new n JOIN ward_import_tile t ON n.area_geom && t.wide) AS cut "
            "WHERE NOT ST_IsEmpty(geom)"
        )
        cursor.execute(
            "CREATE TEMP TABLE ward_import_cover ON COMMIT DROP AS "
            "SELECT i, j, ST_Union(geom) AS geom, sum(ST_Area(geom)) AS pieces_m2 "
            "FROM ward_import_piece GROUP BY i, j"
        )
        cursor.execute(
            """
            CREATE TEMP TABLE ward_import_left ON COMMIT DROP AS
            SELECT i, j, tile, geom, ST_Area(geom) AS area,
                   ST_XMin(geom) <= ST_XMin(tile) OR ST_YMin(geom) <= ST_YMin(tile)
                   OR ST_XMax(geom) >= ST_XMax(tile) OR ST_YMax(geom) >= ST_YMax(tile) AS on_edge
            FROM (
                SELECT t.i, t.j, t.geom AS tile,
                       (ST_Dump(COALESCE(ST_Difference(t.geom, c.geom), t.geom))).geom
                FROM ward_import_tile t LEFT JOIN ward_import_cover c USING (i, j)
            ) AS parts
            WHERE ST_Dimension(geom) = 2
            """
        )
    # What the tiles hold, less what of them is left uncovered, is the union's area.
    ((covered_twice,),) = _rows(
        "SELECT (SELECT sum(ST_Area(area_geom)) FROM ward_import_new) "
        "- (SELECT sum(ST_Area(geom)) FROM ward_import_tile) "
        "+ (SELECT coalesce(sum(area), 0) FROM ward_import_left)"
    )
    return float(covered_twice)


def gaps(minimum: float) -> list[tuple[float, float, float]]:
    """(area, lat, lon) of each enclosed gap over `minimum`, largest first.

    An uncovered part inside its tile is a gap whole. Parts reaching their
    tile's edge are joined to their neighbours across it by where they meet
    the edge (small lines, cheap to compare); a group that reaches the grid's
    outer edge is outside the city, any other is a gap.
    """
    return [
        (float(area), float(lat), float(lon))
        for area, lat, lon in _rows(
            """
            WITH edged AS (
                SELECT geom, area, ST_Intersection(geom, ST_ExteriorRing(tile)) AS contact
                FROM ward_import_left WHERE on_edge
            ),
            grouped AS (
                SELECT geom, area, contact, ST_ClusterDBSCAN(contact, %(stitch)s, 1) OVER () AS grp
                FROM edged WHERE NOT ST_IsEmpty(contact)
            ),
            grid AS (SELECT ST_SetSRID(ST_Extent(geom), 6933) AS box FROM ward_import_tile),
            enclosed AS (
                SELECT grp FROM grouped, grid GROUP BY grp
                HAVING min(ST_XMin(contact)) > min(ST_XMin(box)) + %(stitch)s
                   AND min(ST_YMin(contact)) > min(ST_YMin(box)) + %(stitch)s
                   AND max(ST_XMax(contact)) < max(ST_XMax(box)) - %(stitch)s
                   AND max(ST_YMax(contact)) < max(ST_YMax(box)) - %(stitch)s
                   AND sum(area) > %(minimum)s
            ),
            found AS (
                SELECT area, geom FROM ward_import_left WHERE NOT on_edge AND area > %(minimum)s
                UNION ALL
                SELECT area, geom FROM edged WHERE ST_IsEmpty(contact) AND area > %(minimum)s
                UNION ALL
                SELECT sum(area), ST_Union(geom) FROM grouped JOIN enclosed USING (grp)
                GROUP BY grp
            ),
            placed AS (SELECT area, ST_PointOnSurface(ST_Transform(geom, 4326)) AS at FROM found)
            SELECT area, ST_Y(at), ST_X(at) FROM placed ORDER BY area DESC
            """,
            {"stitch": STITCH_M, "minimum": minimum},
        )
    ]


def overlaps(minimum: float) -> list[tuple[str, str, float]]:
    """(code, code, area) of each pair of wards overlapping by more than `minimum`.

    Measured piece by piece inside each tile whose pieces add up to more than
    their union, and summed over the tiles: a pair overlapping across a tile
    edge is one pair with its whole area.
    """
    return [
        (str(a), str(b), float(area))
        for a, b, area in _rows(
            """
            SELECT * FROM (
                SELECT a.code, b.code,
                       sum(ST_Area(ST_Intersection(ST_Intersection(a.geom, b.geom), t.geom))) AS area
                FROM ward_import_cover c
                JOIN ward_import_tile t USING (i, j)
                JOIN ward_import_piece a USING (i, j)
                JOIN ward_import_piece b ON b.i = a.i AND b.j = a.j AND a.code < b.code
                     AND a.geom && b.geom
                WHERE c.pieces_m2 - ST_Area(c.geom) > %s
                GROUP BY a.code, b.code
            ) AS pairs
            WHERE area > %s ORDER BY area DESC, 1, 2
            """,
            [TILE_DUPLICATE_M2, minimum],
        )
    ]
