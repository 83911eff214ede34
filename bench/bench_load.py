"""`python -m bench load`: the city under load (issue 16 §3).

On the city-scale database (bench/cityscale.py), gunicorn as deployed
(deploy/gunicorn.conf.py: 3 workers × 4 threads, DEBUG off) on loopback, and
locust (bench/load_runner.py, a process of its own) with the issue's mix:

- 100 inspectors (device tokens, as the field app) opening cases — the case
  page, the API case, its timeline and photos — and uploading photos
  (a 1600 × 1200 JPEG, ~0.4 MB; derivatives made in the request, as deployed);
- 50 ward leaders panning the map of their ward: views of 4 × 3 vector tiles
  of cases and of permits at zoom 16, fetched at once as a browser does;
- 5 city auditors exporting a ward's cases (CSV or GeoJSON, read to the end).

A 10 s ramp, then 60 s measured. Reported per kind of request: throughput,
median, p95, failures; and where the time went: the CPU used by gunicorn, by
the bench database's PostgreSQL backends and by locust itself, against the
machine's cores, with the load average (other work on the machine counts).
Target: p95 ≤ 500 ms for every kind of request and no errors.

GUNICORN_WORKERS and GUNICORN_THREADS (deploy/gunicorn.conf.py) pass through:
`GUNICORN_WORKERS=6 GUNICORN_THREADS=2 python -m bench load` measures the same
load against more processes with fewer threads each.

Uploaded photos stay in the bench database (its history is append-only):
a few hundred more photo rows than the 500,000 after each run.
"""

from __future__ import annotations

import io
import json
import math
import os
import platform
import subprocess  # noqa: S404 (our own runner, fixed arguments)
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.cityscale import (
    DATABASE,
    SPEC,
    gunicorn_serving,
    load_average,
    prepare,
    session_cookie,
)

RESULTS = Path(__file__).parent / "results" / "load.json"
USERS = {"inspector": 100, "leader": 50, "auditor": 5}
RAMP_S = 10
DURATION_S = 60
P95_TARGET_MS = 500.0
ZOOM = 16


def _tile(lon: float, lat: float, zoom: int = ZOOM) -> tuple[int, int]:
    n = 2**zoom
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def _photo(folder: Path) -> Path:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1600, 1200), (180, 170, 150))
    draw = ImageDraw.Draw(image)
    for k in range(0, 1600, 40):  # some texture, so the JPEG is of a phone photo's size
        draw.line([(k, 0), (1600 - k, 1200)], fill=(k % 255, 90, 200 - k % 200), width=7)
        draw.rectangle([k, (k * 7) % 1100, k + 30, (k * 7) % 1100 + 80], fill=(40, k % 255, 60))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92)
    path = folder / "bench_load_photo.jpg"
    path.write_bytes(out.getvalue())
    return path


def _plan(folder: Path) -> dict[str, Any]:
    from django.db import connection

    from backend.accounts.models import User
    from backend.accounts.services import device_token_issue
    from backend.cases.models import OPEN_STAGES

    open_stages = sorted(str(s) for s in OPEN_STAGES)
    with connection.cursor() as cursor:
        # Wards by their number of cases: the inspectors' 100 span busy and quiet ones.
        cursor.execute(
            """SELECT w.id, w.code, ST_X(ST_Centroid(w.boundary)), ST_Y(ST_Centroid(w.boundary)),
                      count(c.id)
               FROM wards_ward w LEFT JOIN cases_violationcase c ON c.ward_id = w.id
               GROUP BY w.id ORDER BY w.id"""
        )
        wards = cursor.fetchall()
    inspectors = []
    for ward_id, _code, _lon, _lat, _n in wards[: USERS["inspector"]]:
        user = User.objects.get(username=f"bench_inspector_{ward_id}")
        with connection.cursor() as cursor:
            cursor.execute(
                """SELECT id FROM cases_violationcase WHERE ward_id = %s AND stage = ANY(%s)
                   ORDER BY id LIMIT 20""",
                [ward_id, open_stages],
            )
            cases = [row[0] for row in cursor.fetchall()]
        if not cases:
            continue
        inspectors.append(
            {
                "token": device_token_issue(user=user, device="bench load").token,
                "cookie": session_cookie(user),
                "cases": cases,
            }
        )
    leaders = []
    for ward_id, _code, lon, lat, _n in wards[: USERS["leader"]]:
        user = User.objects.get(username=f"bench_leader_{ward_id}")
        leaders.append({"cookie": session_cookie(user), "tile": _tile(lon, lat)})
    auditors = [
        {"cookie": session_cookie(user)}
        for user in User.objects.filter(username__startswith="bench_auditor_").order_by("id")[
            : USERS["auditor"]
        ]
    ]
    # Exports of wards of ordinary size (the median third of wards by cases).
    by_size = sorted(wards, key=lambda w: w[4])
    third = len(by_size) // 3
    return {
        "inspectors": inspectors,
        "leaders": leaders,
        "auditors": auditors,
        "export_wards": [w[1] for w in by_size[third : 2 * third]],
        "photo": str(_photo(folder)),
        "users": USERS,
        "ramp_s": RAMP_S,
        "duration_s": DURATION_S,
    }


def _processes() -> dict[str, list[Any]]:
    """gunicorn's master and workers, and this database's PostgreSQL backends."""
    import psutil

    found: dict[str, list[Any]] = {"gunicorn": [], "postgres": []}
    for process in psutil.process_iter(["cmdline"]):
        cmdline = " ".join(process.info["cmdline"] or [])
        if "gunicorn" in cmdline and "backend.wsgi" in cmdline:
            found["gunicorn"].append(process)
        elif cmdline.startswith("postgres:") and f" {DATABASE} " in cmdline:
            found["postgres"].append(process)
    return found


def _cpu_seconds(processes: list[Any], *, reaped: bool = False) -> dict[int, float]:
    """CPU seconds per process; with `reaped`, a parent's also counts the children it
    reaped (gunicorn recycles workers after max_requests: the master reaps them)."""
    out: dict[int, float] = {}
    for process in processes:
        try:
            times = process.cpu_times()
            seconds = times.user + times.system
            if reaped:
                seconds += times.children_user + times.children_system
            out[process.pid] = seconds
        except Exception:  # noqa: BLE001, S112 (a process gone in the meantime)
            continue
    return out


def _cpu_sample(locust: Any) -> dict[str, dict[int, float]]:
    procs = _processes()
    gunicorn = procs["gunicorn"]
    pids = {p.pid for p in gunicorn}
    masters = [p for p in gunicorn if p.ppid() not in pids]
    workers = [p for p in gunicorn if p.ppid() in pids]
    return {
        "gunicorn": {**_cpu_seconds(masters, reaped=True), **_cpu_seconds(workers)},
        "postgres": _cpu_seconds(procs["postgres"]),
        "locust": _cpu_seconds([locust]),
    }


def _busy(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds between two samples: processes started between them count from zero;
    a worker that ended between them is in its master's reaped time."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def run() -> bool:
    import psutil

    prepare(print)
    media = Path(tempfile.mkdtemp(prefix="ttxd-bench-load-"))
    plan = _plan(media)
    print(
        f"  {len(plan['inspectors'])} inspectors, {len(plan['leaders'])} leaders, "
        f"{len(plan['auditors'])} auditors; ramp {RAMP_S} s, then {DURATION_S} s measured"
    )
    plan_path, result_path = media / "plan.json", media / "result.json"
    load_before = load_average()
    with gunicorn_serving(
        "bench_load", {"TTXD_MEDIA_ROOT": str(media / "media"), "TTXD_STORAGE": "local"}
    ) as base:
        plan["base"] = base
        plan_path.write_text(json.dumps(plan), encoding="utf-8")
        runner = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "bench.load_runner", str(plan_path), str(result_path)],
            cwd=Path(__file__).resolve().parent.parent,
        )
        locust = psutil.Process(runner.pid)
        time.sleep(RAMP_S)
        cpu_before = _cpu_sample(locust)
        wall = time.perf_counter()
        machine_before = psutil.cpu_times()
        time.sleep(DURATION_S - 1)
        cpu_after = _cpu_sample(locust)
        machine_after = psutil.cpu_times()
        wall = time.perf_counter() - wall
        runner.wait(DURATION_S + 120)
    load_after = load_average()
    result = json.loads(result_path.read_text(encoding="utf-8"))
    cores = os.cpu_count() or 1
    busy = {k: max(0.0, _busy(cpu_before[k], cpu_after[k])) / wall for k in cpu_before}
    idle = (machine_after.idle - machine_before.idle) / wall

    workers = os.environ.get("GUNICORN_WORKERS", "3")
    threads = os.environ.get("GUNICORN_THREADS", "4")
    print(
        f"\n  gunicorn {workers} workers × {threads} threads; load average before "
        f"{load_before[0]:.2f}, after {load_after[0]:.2f}; {cores} cores"
    )
    print(f"  {'request':40} {'req/s':>7} {'median':>8} {'p95':>8} {'fail':>5}  target")
    met = not result["errors"]
    for entry in sorted(result["entries"], key=lambda e: e["name"]):
        ok = entry["p95_ms"] <= P95_TARGET_MS and entry["failures"] == 0
        met &= ok
        entry["met"] = ok
        print(
            f"  {entry['name']:40} {entry['rps']:7.1f} {entry['median_ms']:6.0f}ms "
            f"{entry['p95_ms']:6.0f}ms {entry['failures']:5}  p95≤{P95_TARGET_MS:.0f}ms "
            f"{'met' if ok else 'NOT MET'}"
        )
    total = result["total"]
    print(
        f"  {'all':40} {total['rps']:7.1f} {total['median_ms']:6.0f}ms {total['p95_ms']:6.0f}ms "
        f"{total['failures']:5}"
    )
    for error in result["errors"][:10]:
        print(f"    error ×{error['count']}: {error['name']}: {error['error'][:160]}")
    # Backends that ended within the minute (a connection per request) and other work
    # on the machine are not in the processes sampled: the rest of the busy time.
    busy["rest"] = max(0.0, cores - idle - sum(busy.values()))
    print(
        "  CPU during the measured minute (cores busy): "
        + ", ".join(f"{k} {v:.2f}" for k, v in busy.items())
        + f" (rest: PostgreSQL backends that ended, other work); machine idle {idle:.2f} of {cores}"
    )
    limit = max(("gunicorn", "postgres", "locust"), key=lambda k: busy[k])
    if idle < 0.15 * cores:
        where = f"CPU-bound: the machine is saturated, {limit} uses the most"
    else:
        where = "not CPU-bound (waiting: locks, I/O or the thread pool)"
    print(f"  limit: {where}")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "database": DATABASE, "signature": SPEC.signature, "users": USERS,
                "ramp_s": RAMP_S, "duration_s": DURATION_S, **result,
                "gunicorn_workers": int(workers), "gunicorn_threads": int(threads),
                "cpu_cores_busy": busy, "machine_idle_cores": idle, "cores": cores,
                "limit": where, "load_average_before": load_before,
                "load_average_after": load_after, "host": platform.node(),
                "p95_target_ms": P95_TARGET_MS, "met": met,
            },
            indent=2, ensure_ascii=False,
        )
        + "\n"
    )  # fmt: skip
    return met
