"""`python -m bench ogc`: OGC API – Features at 100,000 cases.

Target (issue 13): `/ogc/collections/cases/items?limit=1000` in ≤ 100 ms of
server time (the median of a whole Django request, in process: token
authentication, the access rules, the count and the page built in SQL) at
100,000 cases, as a city auditor (who sees them all).

Also measured, in the same run: the same page's statement sent straight
through the database connection (the reference; the endpoint's cost over it
is the ratio), a deep page (`after` near the end: keyset paging stays one
index range), a bounding box (the GiST index) and the plans of both.

The cases are seeded in its own database (ttxd_bench_ogc) by one
INSERT … SELECT over generate_series: deterministic, a few seconds.
"""

from __future__ import annotations

import datetime
import json
import statistics
import time
from pathlib import Path
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.city import _column_defaults, ensure_database, use_database

DATABASE = "ttxd_bench_ogc"
CASES = 100_000
ROUNDS = 30
TARGET_MS = 100.0
RESULTS = Path(__file__).parent / "results" / "ogc.json"
WEST, SOUTH, SIZE = 106.60, 10.70, 0.20  # the city's square, 2 × 2 wards
STAGES = ["detected", "suspended", "halted", "legalising", "self_demolition", "closed"]
TYPES = ["art16_7", "art16_6", "art16_4", "art16_8", "art16_10"]


def _seed(say: Any) -> str:
    from django.contrib.gis.geos import MultiPolygon, Polygon
    from django.core.management import call_command

    from backend.accounts.models import Role, User
    from backend.accounts.services import device_token_issue
    from backend.cases.models import ViolationCase
    from backend.wards.models import Ward

    ensure_database(DATABASE)
    use_database(DATABASE)
    call_command("migrate", verbosity=0, interactive=False)
    auditor = User.objects.filter(username="bench_ogc_auditor").first()
    if ViolationCase.objects.count() != CASES or auditor is None:
        say(f"Seeding {CASES:,} cases into database {DATABASE}:")
        ensure_database(DATABASE, fresh=True)
        use_database(DATABASE)
        call_command("migrate", verbosity=0, interactive=False)
        started = time.perf_counter()
        half = SIZE / 2
        wards = []
        for i in range(4):
            west, south = WEST + (i % 2) * half, SOUTH + (i // 2) * half
            wards.append(
                Ward.objects.create(
                    code=f"B{i + 1:04d}", slug=f"BENCHOGC{i + 1}", name=f"Phường Thử {i + 1}",
                    boundary=MultiPolygon(Polygon.from_bbox((west, south, west + half, south + half)), srid=4326),
                    valid_from=datetime.date(2025, 7, 1), is_demo_geometry=True,
                )
            )  # fmt: skip
        auditor = User.objects.create(username="bench_ogc_auditor", role=Role.CITY_AUDITOR)
        given = [
            "code", "year", "sequence", "location", "address", "violation_type", "stage",
            "stage_deadline", "detected_at", "opened_at", "updated_at", "opened_by_id", "ward_id",
        ]  # fmt: skip
        defaults = _column_defaults(ViolationCase, given)
        extra_columns = "".join(f', "{c}"' for c in defaults)
        extra_values = ", %s" * len(defaults)
        # Positions from a fixed scramble of g (no random()): the same rows every time.
        sql = f"""
            INSERT INTO cases_violationcase ({", ".join(given)}{extra_columns})
            SELECT 'BENCH-2026-' || g, 2026, g, p.geom, 'Số ' || g || ' Đường Thử',
                   (%s::text[])[1 + g %% %s], (%s::text[])[1 + g %% %s],
                   DATE '2026-06-30' + (g %% 60 - 30), t.at, t.at, t.at, %s,
                   (%s::bigint[])[1 + (p.x >= %s)::int + 2 * (p.y >= %s)::int]
                   {extra_values}
            FROM generate_series(1, %s) AS g,
                 LATERAL (SELECT %s + ((g::bigint * 7919) %% 100003) / 100003.0 * %s AS x,
                                 %s + ((g::bigint * 104729) %% 99991) / 99991.0 * %s AS y) AS p0,
                 LATERAL (SELECT p0.x, p0.y, ST_SetSRID(ST_MakePoint(p0.x, p0.y), 4326) AS geom) AS p,
                 LATERAL (SELECT TIMESTAMPTZ '2026-06-30 09:00+07' - (g %% 8760) * INTERVAL '1 hour' AS at) AS t
        """  # noqa: S608 - column names from the model; values are parameters
        params = [
            TYPES, len(TYPES), STAGES, len(STAGES), auditor.pk,
            [w.pk for w in wards], WEST + half, SOUTH + half,
            *defaults.values(), CASES, WEST, SIZE, SOUTH, SIZE,
        ]  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.execute("ANALYZE cases_violationcase")
        say(f"  {CASES:,} cases in {time.perf_counter() - started:.1f} s")
    else:
        say(f"Reusing the {CASES:,} cases in database {DATABASE}.")
    return device_token_issue(user=auditor, device="bench").token


def _median_ms(call: Any, rounds: int = ROUNDS) -> tuple[float, float, Any]:
    times = []
    result = None
    for _ in range(rounds):
        started = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], result


def _statement_of(client: Any, url: str) -> str:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return next(q["sql"] for q in queries.captured_queries if "json_agg" in q["sql"])


def _plan(sql: str) -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
        return dict(cursor.fetchone()[0][0])


def _nodes(plan: dict[str, Any]) -> list[dict[str, Any]]:
    out = [plan]
    for child in plan.get("Plans", []):
        out += _nodes(child)
    return out


def _uses_index(plan: dict[str, Any], kind: str) -> bool:
    return any(
        kind in n.get("Node Type", "") or kind in n.get("Index Name", "")
        for n in _nodes(plan["Plan"])
    )


def run() -> bool:
    from django.test import Client

    token = _seed(print)
    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {token}")
    url = "/ogc/collections/cases/items?limit=1000"
    client.get(url)  # warm: connection, PROJ, plan caches

    def fetch(address: str) -> Any:
        response = client.get(address)
        assert response.status_code == 200, response.content[:300]
        return response

    median, p95, response = _median_ms(lambda: fetch(url))
    body = json.loads(response.content)
    assert body["numberReturned"] == 1000 and body["numberMatched"] == CASES, body["numberMatched"]
    statement = _statement_of(client, url)

    def raw() -> None:
        with connection.cursor() as cursor:
            cursor.execute(statement)
            cursor.fetchone()

    raw_median, _raw_p95, _ = _median_ms(raw)
    deep = f"{url}&after={CASES - 5000}"
    deep_median, _deep_p95, _ = _median_ms(lambda: fetch(deep))
    bbox = f"{url}&bbox={WEST + 0.02},{SOUTH + 0.02},{WEST + 0.05},{SOUTH + 0.05}"
    bbox_median, _bbox_p95, bbox_response = _median_ms(lambda: fetch(bbox))
    crs_median, _crs_p95, _ = _median_ms(lambda: fetch(f"{url}&crs=EPSG:9210"))
    page_plan = _plan(statement)
    bbox_plan = _plan(_statement_of(client, bbox))
    keyset_indexed = _uses_index(page_plan, "pkey")
    bbox_gist = _uses_index(bbox_plan, "location")
    bbox_matched = json.loads(bbox_response.content)["numberMatched"]

    print(
        f"  items?limit=1000 ({len(response.content) / 1e6:.2f} MB):  median {median:.1f} ms, p95 {p95:.1f} ms (target ≤ {TARGET_MS:.0f} ms)"
    )
    print(
        f"  its page statement alone:            median {raw_median:.1f} ms → endpoint / SQL {median / raw_median:.2f}×"
    )
    print(f"  a deep page (after={CASES - 5000}):         median {deep_median:.1f} ms")
    print(
        f"  a bbox ({bbox_matched:,} matched):            median {bbox_median:.1f} ms; GiST index in plan: {bbox_gist}"
    )
    print(f"  crs=EPSG:9210 (VN-2000):              median {crs_median:.1f} ms")
    print(f"  page plan uses the primary key index: {keyset_indexed}")  # fmt: skip
    met = median <= TARGET_MS and keyset_indexed and bbox_gist
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "cases": CASES, "rounds": ROUNDS, "median_ms": median, "p95_ms": p95,
                "sql_median_ms": raw_median, "deep_page_median_ms": deep_median,
                "bbox_median_ms": bbox_median, "bbox_matched": bbox_matched,
                "crs_9210_median_ms": crs_median, "page_plan_primary_key": keyset_indexed,
                "bbox_plan_gist": bbox_gist, "target_ms": TARGET_MS, "met": met,
            },
            indent=2,
        )
        + "\n"
    )  # fmt: skip
    return met
