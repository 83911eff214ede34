"""`python -m bench audit`: the audit chain and figures on 100,000 events.

In its own database (history is append-only: a benchmark never writes into
the development one), 10,000 cases with 10 hash-chained events each are loaded
with COPY, then measured in one run:

1. `verify_audit`'s walk over the 100k events: ≤ 10 s, with its ratio to a
   plain streamed read of the same rows (the reference: what parsing and
   hashing add) printed; Python memory (tracemalloc peak) ≤ 64 MB — it
   streams, it never loads the table;
2. appends through case_event_record (lock, head, hash, insert): median ≤ 10 ms;
3. the audit dashboard's figures for the whole city: median ≤ 2 s;
4. the events CSV export of every case, streamed: ≤ 15 s, memory peak ≤ 64 MB;
5. the XLSX and GeoPackage exports of every case and event, built in temporary
   files: ≤ 90 s and ≤ 30 s, inside the 120 s the web workers are given
   (gunicorn --timeout in the Dockerfile).
"""

from __future__ import annotations

import datetime
import io
import json
import platform
import random
import statistics
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from bench.city import ensure_database, use_database

DATABASE = "ttxd_bench_audit"
RESULTS = Path(__file__).parent / "results" / "audit.json"
CASES = 10_000
EVENTS_PER_CASE = 10
SEED = 6

VERIFY_MAX_S = 10.0
MEMORY_MAX_MB = 64.0
APPEND_MEDIAN_MS = 10.0
DASHBOARD_MEDIAN_S = 2.0
EXPORT_MAX_S = 15.0
XLSX_MAX_S = 90.0
GPKG_MAX_S = 30.0

STAGES = ["detected", "suspended", "halted", "self_demolition", "enforcement", "closed"]


def _load(say: Callable[[str], None]) -> tuple[Any, Any]:
    from django.contrib.gis.geos import MultiPolygon, Point, Polygon
    from django.core.management import call_command

    from backend.accounts.models import Role, User
    from backend.audit.chain import (
        GENESIS_HASH,
        content_canonical,
        event_hash,
        payload_canonical,
    )
    from backend.cases.models import ViolationCase
    from backend.wards.models import Ward

    ensure_database(DATABASE, fresh=True)
    use_database(DATABASE)
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    say(f"  schema migrated in {time.perf_counter() - started:.1f} s")
    rng = random.Random(SEED)
    wards = [
        Ward.objects.create(
            code=f"9{i:04d}",
            slug=f"BENCH{i}",
            name=f"Phường {i}",
            boundary=MultiPolygon(
                Polygon.from_bbox((106.6 + i * 0.02, 10.7, 106.62 + i * 0.02, 10.72)), srid=4326
            ),
            valid_from=datetime.date(2025, 7, 1),
        )
        for i in range(10)
    ]
    actor = User.objects.create(username="bench", role=Role.INSPECTOR)
    auditor = User.objects.create(username="bench_auditor", role=Role.CITY_AUDITOR)
    anchor = datetime.datetime(2026, 1, 1, 9, tzinfo=datetime.UTC)
    cases = ViolationCase.objects.bulk_create(
        [
            ViolationCase(
                code=f"BENCH-2026-{n:05d}",
                ward=wards[n % len(wards)],
                opened_in_ward=wards[n % len(wards)],
                year=2026,
                sequence=n,
                location=Point(106.61 + (n % 10) * 0.02, 10.71, srid=4326),
                violation_type="art16_7",
                stage=STAGES[n % len(STAGES)],
                stage_deadline=datetime.date(2026, 1, 1) + datetime.timedelta(days=n % 300),
                detected_at=anchor + datetime.timedelta(hours=n),
                opened_by=actor,
            )
            for n in range(1, CASES + 1)
        ],
        batch_size=2000,
    )
    say(f"  {len(cases)} cases in {time.perf_counter() - started:.1f} s")

    buffer = io.StringIO()
    prev = GENESIS_HASH
    seq = 0
    for case in cases:
        day = datetime.date(2026, 1, 1) + datetime.timedelta(days=case.sequence % 200)
        stage = "detected"
        for k in range(EVENTS_PER_CASE):
            seq += 1
            at = anchor + datetime.timedelta(seconds=seq)
            if k == 0:
                kind, before, after = "opened", "", "detected"
                payload: dict[str, Any] = {"occurred_on": day.isoformat(), "code": case.code}
            elif k % 3 == 1:
                nxt = STAGES[min(STAGES.index(stage) + 1, len(STAGES) - 1)]
                kind, before, after = "stage_changed", stage, nxt
                due = day + datetime.timedelta(days=rng.randint(1, 10))
                day = day + datetime.timedelta(days=rng.randint(1, 14))
                late = max(0, (day - due).days)
                payload = {
                    "action": "record_violation",
                    "action_label": "Make the violation record and order building to stop",
                    "occurred_on": day.isoformat(),
                    "document": {"type": "MBB01", "number": f"{seq}/BB-VPHC",
                                 "date": day.isoformat(), "signer": "Nguyễn Văn A"},
                    "deadline": {"due": due.isoformat(), "rule": "record", "basis": "NĐ 118/2021"},
                    "on_time": late == 0,
                    "days_late": late,
                    "next_deadline": None,
                    "note": "",
                    "data": {"fine_amount": 12_500_000},
                }  # fmt: skip
                stage = nxt
            else:
                kind, before, after = "photo_added", "", ""
                payload = {
                    "photo_id": seq,
                    "sha256": f"{seq:064x}",
                    "warnings": [],
                    "duplicate": False,
                }
            text = json.dumps(payload, ensure_ascii=False)
            canonical = content_canonical(
                seq=seq, case_id=case.pk, actor_id=actor.pk, kind=kind, at=at,
                stage_before=before, stage_after=after, payload=payload_canonical(text),
            )  # fmt: skip
            digest = event_hash(prev, canonical)
            text = text.replace("\\", "\\\\")  # COPY's text format escapes backslashes
            buffer.write(
                f"{case.pk}\t{kind}\t{actor.pk}\t{at.isoformat()}\t{before}\t{after}\t{text}\t"
                f"{seq}\t{prev}\t{digest}\n"
            )
            prev = digest
    buffer.seek(0)
    with connection.cursor() as cursor:
        # A history dated in the past, loaded as an owner loads an archive: the
        # insert trigger dates events by the clock (audit migration 0005).
        cursor.execute("ALTER TABLE audit_caseevent DISABLE TRIGGER audit_caseevent_chain_link")
        cursor.copy_expert(
            "COPY audit_caseevent (case_id, kind, actor_id, at, stage_before, stage_after, "
            "payload, seq, prev_hash, hash) FROM STDIN",
            buffer,
        )
        cursor.execute("ALTER TABLE audit_caseevent ENABLE TRIGGER audit_caseevent_chain_link")
        cursor.execute("ANALYZE")
    say(f"  {seq} chained events loaded in {time.perf_counter() - started:.1f} s")
    return actor, auditor


def _timed(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """Seconds of a plain run, and the Python memory peak of a second, traced run
    (tracing slows Python down several times, so it never times anything)."""
    started = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - started
    tracemalloc.start()
    fn()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, peak / 1e6, result


def _plain_read() -> int:
    n = 0
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        cursor.itersize = 5000
        cursor.execute(
            "SELECT id, seq, case_id, actor_id, kind, at, stage_before, stage_after, "
            "payload::text, prev_hash, hash FROM audit_caseevent ORDER BY seq"
        )
        for _row in cursor:
            n += 1
    return n


def run() -> bool:
    from django.test import Client

    from backend.audit.services import case_event_record
    from backend.audit.verification import chain_verify
    from backend.cases.models import ViolationCase
    from backend.cases.selectors.query import CaseQuery
    from backend.reports.dashboard import audit_dashboard

    print(f"Loading {CASES * EVENTS_PER_CASE} events into database {DATABASE}:")
    actor, auditor = _load(print)

    read_s, read_mb, rows = _timed(_plain_read)
    verify_s, verify_mb, report = _timed(chain_verify)
    assert report.intact and report.checked == rows == CASES * EVENTS_PER_CASE

    case = ViolationCase.objects.order_by("id").first()
    appends = []
    for i in range(200):
        started = time.perf_counter()
        with transaction.atomic():
            case_event_record(case=case, actor=actor, kind="note", payload={"i": i})
        appends.append((time.perf_counter() - started) * 1000)

    dashboards = []
    for _ in range(5):
        started = time.perf_counter()
        audit_dashboard(auditor, CaseQuery(), timezone.localdate())
        dashboards.append(time.perf_counter() - started)

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(auditor)

    def export() -> int:
        response = client.get("/audit/export/events.csv")
        assert response.status_code == 200, response.status_code
        return sum(len(chunk) for chunk in response.streaming_content)

    export_s, export_mb, export_bytes = _timed(export)

    def download_seconds(url: str) -> float:
        started = time.perf_counter()
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        b"".join(response.streaming_content)
        return time.perf_counter() - started

    xlsx_s = download_seconds("/audit/export/cases.xlsx")
    gpkg_s = download_seconds("/audit/export/cases.gpkg")

    checks = {
        "verify_seconds": (verify_s, verify_s <= VERIFY_MAX_S),
        "verify_memory_mb": (verify_mb, verify_mb <= MEMORY_MAX_MB),
        "append_median_ms": (statistics.median(appends), statistics.median(appends) <= APPEND_MEDIAN_MS),
        "dashboard_median_s": (
            statistics.median(dashboards),
            statistics.median(dashboards) <= DASHBOARD_MEDIAN_S,
        ),
        "export_events_csv_s": (export_s, export_s <= EXPORT_MAX_S),
        "export_memory_mb": (export_mb, export_mb <= MEMORY_MAX_MB),
        "export_xlsx_s": (xlsx_s, xlsx_s <= XLSX_MAX_S),
        "export_gpkg_s": (gpkg_s, gpkg_s <= GPKG_MAX_S),
    }  # fmt: skip
    print(f"\n{'measure':<24}{'value':>12}  target")
    print(f"{'plain read of events':<24}{read_s:>10.2f} s  (reference, {read_mb:.1f} MB)")
    for name, (value, ok) in checks.items():
        print(f"{name:<24}{value:>12.2f}  {'met' if ok else 'NOT MET'}")
    print(f"{'verify / plain read':<24}{verify_s / read_s:>11.1f}×")
    print(f"{'events/s verified':<24}{rows / verify_s:>12.0f}")
    print(f"{'export size (MB)':<24}{export_bytes / 1e6:>12.1f}")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "when": timezone.now().isoformat(),
                "machine": platform.platform(),
                "events": rows,
                "plain_read_s": read_s,
                "verify_vs_read": verify_s / read_s,
                "append_p95_ms": sorted(appends)[int(len(appends) * 0.95)],
                **{name: {"value": value, "met": ok} for name, (value, ok) in checks.items()},
            },
            indent=2,
        )
    )
    return all(ok for _value, ok in checks.values())
