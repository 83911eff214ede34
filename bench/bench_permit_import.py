"""`python -m bench permit_import`: a 100,000-row permit register, XLSX, end to end.

In its own database, a ward and a 100,000-row register (merged header rows,
dates as text and as serials, Vietnamese decimals, VN-2000 coordinates, a
tenth of the rows with X and Y swapped) are generated, then
`manage.py import_permits` runs in a child process: its wall time must stay
≤ 60 s and its peak resident memory (the child's ru_maxrss, everything it
held: Python, openpyxl, the database driver) ≤ 300 MB. The reference,
measured in the same run and printed as a ratio, is a bare read of the same
sheet with openpyxl in read-only mode (what streaming costs by itself).
A second import of the same file (everything unchanged) is timed too.
"""

from __future__ import annotations

import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

from bench.city import ensure_database, use_database

DATABASE = "ttxd_bench_permits"
RESULTS = Path(__file__).parent / "results" / "permit_import.json"
ROOT = Path(__file__).resolve().parent.parent
ROWS = 100_000
SEED = 13
MAX_S = 60.0
MAX_RSS_MB = 300.0
WARD_CODE = "99001"

READ_ONLY_REFERENCE = """
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True, data_only=True)
n = sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True))
print(n)
"""


def _database_url() -> str:
    url = urlparse(os.environ["DATABASE_URL"])
    return urlunparse(url._replace(path=f"/{DATABASE}"))


def _write_register(path: Path) -> None:
    from django.contrib.gis.geos import Point
    from openpyxl import Workbook

    rng = random.Random(SEED)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Sổ cấp phép")
    sheet.append(["SỔ THEO DÕI CẤP GIẤY PHÉP XÂY DỰNG"])
    sheet.append([])
    sheet.append(
        [
            "STT",
            "Số giấy phép",
            "Ngày cấp",
            "Chủ đầu tư",
            "Địa chỉ công trình",
            "Số tờ",
            "Số thửa",
            "Diện tích xây dựng (m²)",
            "Tổng diện tích sàn (m²)",
            "Số tầng",
            "Chiều cao (m)",
            "Tọa độ (VN-2000)",
            None,
        ]
    )
    sheet.append([None] * 11 + ["X", "Y"])
    family = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Võ", "Đặng", "Bùi"]
    given = ["Văn An", "Thị Bình", "Minh Châu", "Quốc Dũng", "Thị Hạnh", "Hữu Lộc", "Thanh Tâm"]
    origin = Point(106.60, 10.70, srid=4326).transform(9210, clone=True)
    assert origin is not None
    for i in range(1, ROWS + 1):
        northing = origin.y + rng.uniform(200, 9800)
        easting = origin.x + rng.uniform(200, 9800)
        x, y = (easting, northing) if i % 10 == 0 else (northing, easting)
        day, month = rng.randint(1, 28), rng.randint(1, 12)
        issued: Any = f"{day:02d}/{month:02d}/{rng.randint(2015, 2025)}"
        if i % 3 == 0:
            issued = 42000 + rng.randint(0, 3600)  # an Excel serial
        sheet.append(
            [
                i,
                f"{i}/GPXD-{2015 + i % 11}",
                issued,
                f"{rng.choice(family)} {rng.choice(given)}",
                f"{rng.randint(1, 999)} Đường số {rng.randint(1, 80)}, Khu phố {rng.randint(1, 9)}",
                str(rng.randint(1, 60)),
                str(i),
                f"{rng.uniform(40, 300):.1f}".replace(".", ","),
                f"{rng.uniform(100, 2500):,.1f}".replace(",", "_")
                .replace(".", ",")
                .replace("_", "."),
                rng.randint(1, 8),
                round(rng.uniform(4, 30), 2),
                round(x, 2),
                round(y, 2),
            ]
        )
    workbook.save(path)


def _child(args: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MB) and output of one child process.

    The peak is that child's own (os.wait4 returns its rusage), not the
    largest of every child this process ever waited for.
    """
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "backend.settings",
    }
    with tempfile.TemporaryFile("w+") as out:
        started = time.perf_counter()
        child = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603 (our own interpreter and arguments)
        _pid, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        output = out.read()
    if child.returncode:
        raise RuntimeError(f"{args} failed: {output}")
    return elapsed, usage.ru_maxrss / 1024, output


def run() -> bool:
    from django.contrib.gis.geos import MultiPolygon, Polygon
    from django.core.management import call_command

    from backend.wards.models import Ward

    ensure_database(DATABASE, fresh=True)
    use_database(DATABASE)
    call_command("migrate", verbosity=0, interactive=False)
    Ward.objects.create(
        code=WARD_CODE,
        slug="BENCHP",
        name="Phường Thử Nhập",
        boundary=MultiPolygon(Polygon.from_bbox((106.59, 10.69, 106.70, 10.80)), srid=4326),
        valid_from="2025-07-01",
    )
    path = Path(tempfile.gettempdir()) / f"ttxd-bench-permits-{ROWS}.xlsx"
    started = time.perf_counter()
    _write_register(path)
    print(
        f"  register of {ROWS:,} rows written in {time.perf_counter() - started:.1f} s "
        f"({path.stat().st_size / 1048576:.1f} MB)"
    )
    reference_s, reference_mb, _out = _child([sys.executable, "-c", READ_ONLY_REFERENCE, str(path)])
    command = [sys.executable, "manage.py", "import_permits", str(path), "--ward", WARD_CODE]
    import_s, import_mb, output = _child(command)
    print("\n".join(line for line in output.strip().splitlines() if not line.startswith("  !")))
    again_s, _again_mb, again = _child(command)
    print(again.strip().splitlines()[-1])
    met = import_s <= MAX_S and import_mb <= MAX_RSS_MB
    print(f"  {'':30} {'seconds':>9} {'peak RSS MB':>12}")
    print(f"  {'openpyxl read-only (reference)':30} {reference_s:9.1f} {reference_mb:12.0f}")
    print(
        f"  {'import_permits (first)':30} {import_s:9.1f} {import_mb:12.0f}"
        f"   ≤ {MAX_S:.0f} s, ≤ {MAX_RSS_MB:.0f} MB: {'met' if met else 'NOT MET'}"
    )
    print(f"  {'import_permits (unchanged)':30} {again_s:9.1f}")
    print(f"  ratio import / bare read: {import_s / reference_s:.1f}×")
    # Other work on the machine slows both alike; the ratio is what this code adds.
    load = os.getloadavg()
    print(f"  load average {load[0]:.1f} on {os.cpu_count()} CPUs")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "rows": ROWS,
                "import_s": round(import_s, 2),
                "import_peak_rss_mb": round(import_mb, 1),
                "reimport_s": round(again_s, 2),
                "reference_read_s": round(reference_s, 2),
                "reference_peak_rss_mb": round(reference_mb, 1),
                "max_s": MAX_S,
                "max_rss_mb": MAX_RSS_MB,
                "met": met,
                "python": platform.python_version(),
            },
            indent=2,
        )
    )
    path.unlink()
    return met
