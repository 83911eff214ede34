"""Importing a city's ward boundaries: 168 wards from a ~50 MB shapefile.

Target (issue "A real ward moves in on Monday"): the whole import — reading
the shapefile in VN-2000 (EPSG:9210), reprojecting, validating, measuring
overlaps and gaps in PostGIS, writing the wards — in <= 30 s.

The wards are the cells of a 14 x 12 grid over Ho Chi Minh City, each edge
cut into many vertices that its neighbour shares, so that the union and the
overlap checks see a real topology. The same city is imported a second time
with a few wards moved 11 cm into their neighbours and their vertices a
millimetre off (as resurveyed boundaries are): overlaps and gaps to report,
and nearly collinear edges on which GEOS falls back to its robust overlay.
Both have the same target. The reference is the time ogr2ogr takes
to read the same shapefile (`ogrinfo -al -so` would not read the shapes).

Run: `.venv/bin/python -m bench ward_import` (or `make bench`).
"""

from __future__ import annotations

import io
import json
import random
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.city import ensure_database, use_database

DATABASE = "ttxd_bench_wards"
RESULTS = Path(__file__).parent / "results" / "ward_import.json"
COLUMNS, ROWS = 14, 12
CELL = 0.02  # degrees, about 2.2 km
VERTICES_PER_EDGE = 4_700  # 4 edges x 4,700 x 16 bytes x 168 wards ~ 50 MB of .shp
IMPORT_MAX_S = 30.0
# Surveyed data is not a perfect tiling: these wards (by number) are moved by
# (east, north) millionths of a degree (11 cm) into their neighbours, leaving
# slivers of overlap on one side and of gap on the other (enclosed, except south
# of ward 6 on the city's edge), and 2.2 km of nearly collinear edges overlapping
# where they slide along their other neighbours.
SHIFTED = {76: (1, 0), 46: (1, 0), 92: (0, 1), 123: (-1, 0), 68: (1, 1), 6: (0, 1)}
SHIFT = 1e-6  # degrees
JITTER = 1e-8  # degrees, about a millimetre
# Where the import's time goes: SQL statements by what they do (first match), the
# rest is Python (reading the shapefile, planning, the report).
STEPS = [
    ("load into the temporary table", "INSERT INTO ward_import_new"),
    ("overlaps pair by pair, tile by tile", "JOIN ward_import_piece b"),
    ("gaps: stitching across tile edges", "ST_ClusterDBSCAN"),
    ("tiles: cutting the wards", "CREATE TEMP TABLE ward_import_piece"),
    ("tiles: union", "CREATE TEMP TABLE ward_import_cover"),
    ("tiles: uncovered parts", "CREATE TEMP TABLE ward_import_left"),
    ("areas", "ST_Area(area_geom) FROM ward_import_new"),
    ("writing the wards", "wards_ward"),
]


class _StepTimer:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            step = next((name for name, mark in STEPS if mark in sql), "other SQL")
            self.seconds[step] = self.seconds.get(step, 0.0) + time.perf_counter() - started


def _edge(start: tuple[float, float], end: tuple[float, float]) -> list[tuple[float, float]]:
    steps = VERTICES_PER_EDGE
    return [
        (start[0] + (end[0] - start[0]) * i / steps, start[1] + (end[1] - start[1]) * i / steps)
        for i in range(steps)
    ]


def _write_city(folder: Path, shifted: dict[int, tuple[int, int]] | None = None) -> Path:
    """The city as a shapefile; `shifted` moves wards (by number) by (east, north) x SHIFT."""
    features = []
    for row in range(ROWS):
        for col in range(COLUMNS):
            number = row * COLUMNS + col + 1
            east, north = (shifted or {}).get(number, (0, 0))
            x, y = 106.55 + col * CELL + east * SHIFT, 10.65 + row * CELL + north * SHIFT
            corners = [(x, y), (x + CELL, y), (x + CELL, y + CELL), (x, y + CELL)]
            ring = [p for i in range(4) for p in _edge(corners[i], corners[(i + 1) % 4])]
            if (east, north) != (0, 0):  # resurveyed: each vertex within a millimetre
                wobble = random.Random(number)
                ring = [(px + wobble.uniform(-JITTER, JITTER), py + wobble.uniform(-JITTER, JITTER))
                        for px, py in ring]  # fmt: skip
            ring.append(ring[0])
            features.append(
                {
                    "type": "Feature",
                    "properties": {"ma_xa": f"{27000 + number}", "ten_xa": f"Phường Số {number}"},
                    "geometry": {"type": "Polygon", "coordinates": [ring]},
                }
            )
    source = folder / "city.geojson"
    source.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    target = folder / "ranh_gioi.shp"
    subprocess.run(  # noqa: S603 - our own arguments
        ["ogr2ogr",  # noqa: S607 - GDAL's tool from the PATH, as the tests use it "-f", "ESRI Shapefile", "-s_srs", "EPSG:4326", "-t_srs", "EPSG:9210",
         "-lco", "ENCODING=UTF-8", str(target), str(source)],
        check=True,
    )  # fmt: skip
    source.unlink()
    return target


def _import_city(name: str, shifted: dict[int, tuple[int, int]] | None) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection

    from backend.wards.models import Ward

    ensure_database(DATABASE, fresh=True)
    use_database(DATABASE)
    call_command("migrate", verbosity=0, interactive=False)
    with tempfile.TemporaryDirectory(prefix="ttxd-bench-wards-") as folder:
        shp = _write_city(Path(folder), shifted)
        size_mb = sum(p.stat().st_size for p in Path(folder).iterdir()) / 1024**2
        started = time.perf_counter()
        subprocess.run(["ogr2ogr", "-f", "GeoJSON", "/vsistdout/", str(shp)], check=True,  # noqa: S603, S607
                       stdout=subprocess.DEVNULL)  # fmt: skip
        ogr_s = time.perf_counter() - started
        timer = _StepTimer()
        out = io.StringIO()
        started = time.perf_counter()
        with connection.execute_wrapper(timer):
            call_command("import_wards", str(shp), "--valid-from", "2025-07-01", stdout=out)
        import_s = time.perf_counter() - started
    wards = Ward.objects.filter(valid_from="2025-07-01").count()
    # The report's lines (in Vietnamese): "... chồng lấn N m²", "Khoảng hở N m² ...".
    report = out.getvalue().splitlines()
    overlaps = sum("chồng lấn" in line for line in report)
    gaps = sum(line.lstrip(" -").startswith("Khoảng hở") for line in report)
    ok = wards == COLUMNS * ROWS and import_s <= IMPORT_MAX_S
    print(f"  {name}: {size_mb:.1f} MB shapefile, {wards} wards imported, "
          f"{overlaps} overlaps and {gaps} gaps reported")  # fmt: skip
    print(f"    import_wards: {import_s:.1f} s (target <= {IMPORT_MAX_S:.0f} s)")
    print(f"    reference, ogr2ogr reading it to GeoJSON: {ogr_s:.1f} s ({import_s / ogr_s:.1f}x)")
    steps = {**timer.seconds, "Python (read, plan, report)": import_s - sum(timer.seconds.values())}
    for step, seconds in steps.items():
        print(f"      {step}: {seconds:.1f} s")
    return {
        "shapefile_mb": round(size_mb, 1),
        "wards": wards,
        "overlaps_reported": overlaps,
        "gaps_reported": gaps,
        "import_s": round(import_s, 2),
        "ogr2ogr_read_s": round(ogr_s, 2),
        "steps_s": {step: round(seconds, 2) for step, seconds in steps.items()},
        "met": ok,
    }


def run() -> bool:
    cities = {
        "clean city (wards tile perfectly)": _import_city("clean city", None),
        "shifted city (wards moved 11 cm: overlaps and gaps)": _import_city(
            "shifted city", SHIFTED
        ),
    }
    ok = all(city["met"] for city in cities.values())
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(
        json.dumps({"target_s": IMPORT_MAX_S, "cities": cities, "met": ok}, indent=2)
    )
    return ok
