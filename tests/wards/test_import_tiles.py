"""Overlaps and gaps that cross the tiles the union is taken in.

The import unions the wards tile by tile (backend/wards/importing/tiling.py).
These tests put overlaps and gaps across tile edges and corners, with tiles
far smaller than the wards, and compare what it reports with the whole-city
union and every pair's intersection on the geography.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from backend.wards.importing import tiling
from backend.wards.importing.measuring import measure
from backend.wards.importing.reading import ImportOptions, read_ward_file
from tests.wards import files
from tests.wards.test_import_measures import M_LAT, M_LON, on_the_geography, ring

pytestmark = pytest.mark.django_db
X, Y, S = files.LON, files.LAT, files.STEP
TILE_M = 300.0


def rows(sql: str, params: Any = None) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def tile_corner(lon: float, lat: float, side: float = TILE_M) -> tuple[float, float]:
    """The corner of the tile grid (EPSG:6933, tiles of `side`) nearest a point, in degrees."""
    ((x, y),) = rows(
        "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint("
        "round(ST_X(q) / %(s)s) * %(s)s, round(ST_Y(q) / %(s)s) * %(s)s), 6933), 4326) AS p "
        "FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(%(x)s, %(y)s), 4326), 6933) AS q) AS a"
        ") AS b",
        {"s": side, "x": lon, "y": lat},
    )
    return float(x), float(y)


def measured(tmp_path: Path, wards: list[files.Ward], tile_m: float | None = TILE_M) -> Any:
    path = files.write(tmp_path / "wards.geojson", wards, driver="GeoJSON")
    return measure(read_ward_file(path, ImportOptions()), 1.0, tile_m=tile_m)


def ward(code: str, *rings: list[tuple[float, float]]) -> files.Ward:
    return files.Ward(code, f"Phường {code}", [list(rings)])


def box(minx: float, miny: float, maxx: float, maxy: float) -> list[tuple[float, float]]:
    return ring(minx, miny, maxx, maxy)[0]


def tiles_touched(minx: float, miny: float, maxx: float, maxy: float) -> int:
    ((count,),) = rows(
        "SELECT count(*) FROM ward_import_tile WHERE ST_Intersects(geom, ST_Transform("
        "ST_MakeEnvelope(%s, %s, %s, %s, 4326), 6933))",
        [minx, miny, maxx, maxy],
    )
    return int(count)


def test_an_overlap_across_a_tile_corner_is_one_pair_with_its_whole_area(tmp_path: Path) -> None:
    cx, cy = tile_corner(X + S, Y + S)
    dx, dy = 5 * M_LON, 2 * M_LAT  # a 10 m x 4 m overlap centred on the corner
    wards = [
        ward("A", box(cx + dx - S, cy + dy - S, cx + dx, cy + dy)),
        ward("B", box(cx - dx, cy - dy, cx - dx + S, cy - dy + S)),
    ]
    measures = measured(tmp_path, wards)
    assert tiles_touched(cx - dx, cy - dy, cx + dx, cy + dy) == 4
    pairs, holes, _ = on_the_geography()
    (overlap,) = measures.overlaps
    assert (overlap.code_a, overlap.code_b) == ("A", "B")
    assert overlap.area_m2 == pytest.approx(40, rel=0.01)
    assert overlap.area_m2 == pytest.approx(pairs[("A", "B")], rel=1e-6)
    assert measures.covered_twice_m2 == pytest.approx(pairs[("A", "B")], rel=1e-6)
    assert holes == [] and measures.gaps == []


def test_a_sliver_of_overlap_along_many_tiles_is_one_pair(tmp_path: Path) -> None:
    """B moved 10 cm into A: a 1.1 km sliver across four tiles or more."""
    shift = 0.1 * M_LON
    wards = [ward("A", box(X, Y, X + S, Y + S)), ward("B", box(X + S - shift, Y, X + 2 * S, Y + S))]
    measures = measured(tmp_path, wards)
    assert tiles_touched(X + S - shift, Y, X + S, Y + S) >= 4
    pairs, _, _ = on_the_geography()
    (overlap,) = measures.overlaps
    assert overlap.area_m2 == pytest.approx(pairs[("A", "B")], rel=1e-6)
    assert overlap.area_m2 == pytest.approx(0.1 * 1_106, rel=0.02)
    assert measures.gaps == []


def test_a_gap_across_a_tile_corner_is_one_gap(tmp_path: Path) -> None:
    """Four wards around a 6 m x 6 m gap whose centre is a corner of four tiles."""
    cx, cy = tile_corner(X + S, Y + S)
    h, v = 3 * M_LON, 3 * M_LAT
    shapes = {
        "SW": [(cx - S, cy - S), (cx, cy - S), (cx, cy - v), (cx - h, cy - v), (cx - h, cy),
               (cx - S, cy)],
        "SE": [(cx, cy - S), (cx + S, cy - S), (cx + S, cy), (cx + h, cy), (cx + h, cy - v),
               (cx, cy - v)],
        "NE": [(cx, cy + v), (cx + h, cy + v), (cx + h, cy), (cx + S, cy), (cx + S, cy + S),
               (cx, cy + S)],
        "NW": [(cx - S, cy), (cx - h, cy), (cx - h, cy + v), (cx, cy + v), (cx, cy + S),
               (cx - S, cy + S)],
    }  # fmt: skip
    measures = measured(tmp_path, [ward(code, [*p, p[0]]) for code, p in shapes.items()])
    assert tiles_touched(cx - h, cy - v, cx + h, cy + v) == 4
    _, holes, _ = on_the_geography()
    (hole,) = holes
    (gap,) = measures.gaps
    assert gap.area_m2 == pytest.approx(hole, rel=1e-6)
    assert gap.area_m2 == pytest.approx(36, rel=0.01)
    assert (gap.lon, gap.lat) == pytest.approx((cx, cy), abs=3 * M_LON)
    assert measures.overlaps == [] and not measures.pairs_checked


def long_gap(closed: bool) -> list[files.Ward]:
    """A and B 20 cm apart over 1.1 km; C below closes the strip, D above only when `closed`."""
    apart = 0.2 * M_LON
    wards = [
        ward("A", box(X, Y, X + S, Y + S)),
        ward("B", box(X + S + apart, Y, X + 2 * S, Y + S)),
        ward("C", box(X, Y - S, X + 2 * S, Y)),
    ]
    if closed:
        wards.append(ward("D", box(X, Y + S, X + 2 * S, Y + 2 * S)))
    return wards


def test_a_gap_along_many_tiles_is_one_gap_with_its_whole_area(tmp_path: Path) -> None:
    measures = measured(tmp_path, long_gap(closed=True))
    assert tiles_touched(X + S, Y, X + S + 0.2 * M_LON, Y + S) >= 4
    _, holes, _ = on_the_geography()
    (hole,) = holes
    (gap,) = measures.gaps
    assert gap.area_m2 == pytest.approx(hole, rel=1e-6)
    assert gap.area_m2 == pytest.approx(0.2 * 1_106, rel=0.02)
    assert X + S < gap.lon < X + S + 0.2 * M_LON and Y < gap.lat < Y + S


def test_a_strip_open_to_the_outside_is_no_gap(tmp_path: Path) -> None:
    measures = measured(tmp_path, long_gap(closed=False))
    _, holes, _ = on_the_geography()
    assert holes == [] and measures.gaps == []


def test_a_ward_inside_a_gap_is_not_counted_as_gap(tmp_path: Path) -> None:
    """A ring-shaped ward around a hole of 100 m x 100 m; ward B, 60 m x 60 m, inside it.

    The whole union's hole would be the 10,000 m²; what no ward covers is 6,400 m².
    """
    ox, oy = X + S / 2, Y + S / 2
    hx, hy, ix, iy = 50 * M_LON, 50 * M_LAT, 30 * M_LON, 30 * M_LAT
    hole = box(ox - hx, oy - hy, ox + hx, oy + hy)[::-1]
    wards = [
        ward("A", box(X, Y, X + S, Y + S), hole),
        ward("B", box(ox - ix, oy - iy, ox + ix, oy + iy)),
    ]
    measures = measured(tmp_path, wards, tile_m=40.0)
    _, holes, areas = on_the_geography()
    (gap,) = measures.gaps
    assert gap.area_m2 == pytest.approx(holes[0] - areas["B"], rel=1e-6)
    assert gap.area_m2 == pytest.approx(10_000 - 3_600, rel=0.01)


@pytest.mark.parametrize("tile_m", [137.0, None])
def test_wards_sharing_edges_across_tile_edges_leave_no_gap_and_no_overlap(
    tmp_path: Path, tile_m: float | None
) -> None:
    """Three rows of four wards, tiles cutting their shared edges everywhere: no seams."""
    wards = [
        files.Ward(f"W{row}{col}", f"Phường {row}{col}", [files.square(col, row)])
        for row in range(3)
        for col in range(4)
    ]
    measures = measured(tmp_path, wards, tile_m=tile_m)
    assert measures.gaps == [] and measures.overlaps == []
    assert abs(measures.covered_twice_m2) < 1e-3


def test_the_tile_size_follows_the_vertices() -> None:
    # The bench city: 3.2 million vertices over 813 km², tiles of about 2 km.
    assert tiling.tile_size(3_166_338, 813e6) == pytest.approx(1_960, rel=0.01)
    # Few vertices: one tile for the whole extent.
    assert tiling.tile_size(500, 10e6) > 3_163
    # Never more than MAX_TILES tiles, never smaller than MIN_TILE_M.
    assert tiling.tile_size(10**9, 1e9) ** 2 * tiling.MAX_TILES >= 1e9 * 0.999
    assert tiling.tile_size(10**9, 1e4) == tiling.MIN_TILE_M
