"""Areas, overlaps and gaps of an import at the 1 m² threshold, against the geography.

The import measures in an equal-area projection and skips the pairwise
overlap checks when the union shows less than half the threshold covered
twice: these tests build overlaps and gaps just over and just under 1 m² and
compare what it reports with the straightforward measure on the geography
(every pair intersected, every hole of the union), run in the same
transaction over the same temporary table.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import translation

from backend.wards.importing.measuring import measure
from backend.wards.importing.reading import ImportOptions, read_ward_file
from tests.wards import files

pytestmark = pytest.mark.django_db
X, Y, S = files.LON, files.LAT, files.STEP
# Degrees of one metre at Y: 1 m of longitude and of latitude.
M_LON, M_LAT = 1 / 109_380, 1 / 110_640


def ring(minx: float, miny: float, maxx: float, maxy: float) -> list[list[tuple[float, float]]]:
    return [[(minx, miny), (maxx, miny), (maxx, maxy), (minx, maxy), (minx, miny)]]


def overlapping_pair(col: int, side_m: float) -> list[files.Ward]:
    """Two squares whose corners overlap by a square of about side_m × side_m metres."""
    x = X + 3 * col * S
    dx, dy = side_m * M_LON, side_m * M_LAT
    return [
        files.Ward(f"A{col}", f"Phường A{col}", [ring(x, Y, x + S, Y + S)]),
        files.Ward(f"B{col}", f"Phường B{col}", [ring(x + S - dx, Y + S - dy, x + 2 * S, Y + 2 * S)]),
    ]  # fmt: skip


def around_a_gap(side_m: float) -> list[files.Ward]:
    """Four wards meeting at (X + S, Y + S), each missing the corner there: a gap of side_m²."""
    h, v = side_m / 2 * M_LON, side_m / 2 * M_LAT
    cx, cy = X + S, Y + S
    shapes = {
        "SW": [(X, Y), (cx, Y), (cx, cy - v), (cx - h, cy - v), (cx - h, cy), (X, cy)],
        "SE": [(cx, Y), (cx + S, Y), (cx + S, cy), (cx + h, cy), (cx + h, cy - v), (cx, cy - v)],
        "NE": [(cx, cy + v), (cx + h, cy + v), (cx + h, cy), (cx + S, cy), (cx + S, cy + S),
               (cx, cy + S)],
        "NW": [(X, cy), (cx - h, cy), (cx - h, cy + v), (cx, cy + v), (cx, cy + S), (X, cy + S)],
    }  # fmt: skip
    return [
        files.Ward(code, f"Phường {code}", [[[*points, points[0]]]])
        for code, points in shapes.items()
    ]


def rows(sql: str) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return list(cursor.fetchall())


def measured(tmp_path: Path, wards: list[files.Ward]) -> Any:
    path = files.write(tmp_path / "wards.geojson", wards, driver="GeoJSON")
    return measure(read_ward_file(path, ImportOptions()), 1.0)


def on_the_geography() -> tuple[dict[tuple[str, str], float], list[float], dict[str, float]]:
    """Every pair's overlap and every hole of the union, on the geography."""
    pairs = {
        (a, b): area
        for a, b, area in rows(
            "SELECT a.code, b.code, ST_Area(ST_Intersection(a.geom, b.geom)::geography) "
            "FROM ward_import_new a JOIN ward_import_new b ON a.code < b.code"
        )
    }
    holes = [
        area
        for (area,) in rows(
            "WITH parts AS (SELECT (ST_Dump(ST_Union(geom))).geom AS part FROM ward_import_new) "
            "SELECT ST_Area(ST_MakePolygon(ST_InteriorRingN(part, n))::geography) "
            "FROM parts, generate_series(1, ST_NumInteriorRings(part)) AS n"
        )
    ]
    areas = dict(rows("SELECT code, ST_Area(geom::geography) FROM ward_import_new"))
    return pairs, holes, areas


@pytest.mark.parametrize(
    ("sides_m", "reported", "pairs_checked"),
    [
        ((1.1,), {"A0"}, True),  # 1.21 m²: reported
        ((0.95,), set(), True),  # 0.90 m²: measured pair by pair, under the threshold
        ((0.6,), set(), False),  # 0.36 m²: under half the threshold, no pair measured
        ((1.1, 0.95, 0.6), {"A0"}, True),  # all three: only the one over 1 m²
    ],
)
def test_overlaps_at_the_threshold_are_those_the_geography_finds(
    tmp_path: Path, sides_m: tuple[float, ...], reported: set[str], pairs_checked: bool
) -> None:
    wards = [w for col, side in enumerate(sides_m) for w in overlapping_pair(col, side)]
    measures = measured(tmp_path, wards)
    pairs, _, areas = on_the_geography()
    assert measures.pairs_checked is pairs_checked
    assert {o.code_a for o in measures.overlaps} == reported
    expected = {pair: area for pair, area in pairs.items() if area > 1.0}
    assert {(o.code_a, o.code_b) for o in measures.overlaps} == set(expected)
    for overlap in measures.overlaps:
        assert overlap.area_m2 == pytest.approx(expected[(overlap.code_a, overlap.code_b)], 1e-6)
    # What two wards cover bounds every pair's overlap.
    assert measures.covered_twice_m2 == pytest.approx(sum(pairs.values()), abs=1e-3)
    # Kilometre-long straight edges: 2e-9 apart (geodesic edges on the geography).
    assert measures.areas == pytest.approx(areas, rel=1e-8)


@pytest.mark.parametrize(("side_m", "reported"), [(1.1, True), (0.95, False)])
def test_gaps_at_the_threshold_are_those_the_geography_finds(
    tmp_path: Path, side_m: float, reported: bool
) -> None:
    measures = measured(tmp_path, around_a_gap(side_m))
    _, holes, _ = on_the_geography()
    assert len(holes) == 1
    assert measures.overlaps == [] and not measures.pairs_checked
    if reported:
        (gap,) = measures.gaps
        assert gap.area_m2 == pytest.approx(holes[0], rel=1e-6)
        assert (gap.lon, gap.lat) == pytest.approx((X + S, Y + S), abs=2 * M_LON)
    else:
        assert holes[0] < 1.0 and measures.gaps == []


def test_codes_and_names_too_long_for_a_ward_are_refused_when_read(tmp_path: Path) -> None:
    from backend.wards.importing.reading import WardFileRefused
    from tests.wards import files

    wards = [files.Ward("12345678901234", "Phường Dài", [files.square(0)])]
    path = tmp_path / "dai.geojson"
    path.write_text(files.geojson(wards), "utf-8")
    with translation.override("vi"), pytest.raises(WardFileRefused) as refused:
        read_ward_file(path, ImportOptions())
    assert refused.value.code == "too_long"
    assert any("12345678901234" in line for line in refused.value.details)
