"""`python -m bench today`: the inspector's day (issue 14 §3).

Targets:
- GET /api/field/today/?lat=&lon= for an inspector whose ward has 500 active
  sites ≤ 150 ms of server time: the median of whole requests over HTTP to
  the app (a WSGI server on loopback, device-token authentication, the
  access rules, both queries, the route and the JSON);
- the route through 50 stops (gis.route.plan_route) ≤ 100 ms.

The ward is seeded in its own database (ttxd_bench_today), anew on every run
(a few thousand rows, due dates relative to today): 500 active sites in the
inspector's ward with a third of them due or overdue (more than the day's
limit, so the list is cut and routed at its full size), 200 open cases of
which a part is due this week, and the same again in a neighbouring ward
that must stay out of the answer. Also measured: the same request in
process (no HTTP), its query count, and the route alone at 10 and 25 stops.
"""

from __future__ import annotations

import datetime
import http.client
import json
import random
import statistics
import threading
import time
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.city import ensure_database, use_database

DATABASE = "ttxd_bench_today"
SITES_PER_WARD = 500
CASES_PER_WARD = 200
ROUNDS = 30
TARGET_MS = 150.0
ROUTE_STOPS = 50
ROUTE_TARGET_MS = 100.0
RESULTS = Path(__file__).parent / "results" / "today.json"
WEST, SOUTH, SIZE = 106.68, 10.76, 0.02  # ward A; ward B east of it
SEED = 20260311


def _seed(say: Any) -> str:
    from django.contrib.gis.geos import MultiPolygon, Point, Polygon
    from django.core.management import call_command
    from django.utils import timezone

    from backend.accounts.models import Role, User, WardMembership
    from backend.accounts.services import device_token_issue
    from backend.cases.models import OPEN_STAGES, ViolationCase
    from backend.sites.models import ACTIVE_STATUSES, Site, SiteOrigin
    from backend.wards.models import Ward

    ensure_database(DATABASE)
    use_database(DATABASE)
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    today = timezone.localdate()
    rng = random.Random(SEED)
    Site.objects.all().delete()
    ViolationCase.objects.all().delete()
    wards = []
    for i in range(2):
        west = WEST + i * SIZE
        ward, _ = Ward.objects.update_or_create(
            code=f"T{i + 1:04d}",
            defaults={
                "slug": f"BENCHTODAY{i + 1}", "name": f"Phường Hôm Nay {i + 1}",
                "boundary": MultiPolygon(Polygon.from_bbox((west, SOUTH, west + SIZE, SOUTH + SIZE)), srid=4326),
                "valid_from": datetime.date(2025, 7, 1), "is_demo_geometry": True,
            },
        )  # fmt: skip
        wards.append(ward)
    inspector, _ = User.objects.get_or_create(
        username="bench_today_inspector", defaults={"role": Role.INSPECTOR}
    )
    WardMembership.objects.get_or_create(user=inspector, ward=wards[0])
    statuses = sorted(ACTIVE_STATUSES)
    stages = sorted(OPEN_STAGES)
    sites, cases = [], []
    for w, ward in enumerate(wards):
        west = WEST + w * SIZE
        for k in range(SITES_PER_WARD):
            # A third due or overdue (up to 20 days), the rest due within a month.
            offset = rng.randint(-20, 0) if k % 3 == 0 else rng.randint(1, 30)
            sites.append(
                Site(
                    ward=ward, origin=SiteOrigin.PATROL, address=f"Số {k + 1} Đường Thử {w + 1}",
                    location=Point(west + rng.random() * SIZE, SOUTH + rng.random() * SIZE, srid=4326),
                    status=statuses[k % len(statuses)], status_since=today - datetime.timedelta(days=90),
                    next_visit_due=today + datetime.timedelta(days=offset),
                )
            )  # fmt: skip
        for k in range(CASES_PER_WARD):
            cases.append(
                ViolationCase(
                    ward=ward, opened_in_ward=ward, year=2026, sequence=w * 10_000 + k + 1,
                    code=f"{ward.slug}-2026-{k + 1:04d}", opened_by=inspector,
                    location=Point(west + rng.random() * SIZE, SOUTH + rng.random() * SIZE, srid=4326),
                    address=f"Số {k + 1} Hẻm Thử", violation_type="art16_7",
                    stage=stages[k % len(stages)], detected_at=timezone.now(),
                    stage_deadline=today + datetime.timedelta(days=rng.randint(-10, 40)),
                )
            )  # fmt: skip
    Site.objects.bulk_create(sites, batch_size=1000)
    ViolationCase.objects.bulk_create(cases, batch_size=1000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE sites_site")
        cursor.execute("ANALYZE cases_violationcase")
    say(
        f"  seeded {len(sites)} sites and {len(cases)} cases in 2 wards "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return device_token_issue(user=inspector, device="bench").token


def _median_ms(call: Any, rounds: int = ROUNDS) -> tuple[float, float, Any]:
    times = []
    result = None
    for _ in range(rounds):
        started = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)], result


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        pass


def _serve() -> tuple[WSGIServer, int]:
    from django.core.wsgi import get_wsgi_application

    server = make_server("127.0.0.1", 0, get_wsgi_application(), handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


def _route_ms(stops: int) -> tuple[float, float]:
    from gis.route import LatLon, plan_route

    rng = random.Random(SEED + stops)
    sets = [
        [LatLon(SOUTH + rng.random() * SIZE, WEST + rng.random() * SIZE) for _ in range(stops)]
        for _ in range(ROUNDS)
    ]
    start = LatLon(SOUTH + SIZE / 2, WEST + SIZE / 2)
    times = []
    for points in sets:
        began = time.perf_counter()
        plan_route(start, points)
        times.append((time.perf_counter() - began) * 1000)
    times.sort()
    return statistics.median(times), times[-1]


def run() -> bool:
    from django.test import Client

    token = _seed(print)
    lat, lon = SOUTH + SIZE / 2, WEST + SIZE / 2
    path = f"/api/field/today/?lat={lat:.6f}&lon={lon:.6f}"
    server, port = _serve()
    try:

        def over_http() -> dict[str, Any]:
            link = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            link.request(
                "GET", path, headers={"Authorization": f"Token {token}", "Host": "127.0.0.1"}
            )
            response = link.getresponse()
            body = response.read()
            link.close()
            assert response.status == 200, body[:300]
            answer: dict[str, Any] = json.loads(body)
            return answer

        over_http()  # warm: connection, PROJ, the URL resolver
        median, p95, answer = _median_ms(over_http)
    finally:
        server.shutdown()
        server.server_close()
    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {token}")
    client.get(path)
    in_process, _p95, _ = _median_ms(lambda: client.get(path))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    stops = answer["stops"]
    wards = {stop["ward"] for stop in stops}
    assert len(stops) == answer["limit"] and answer["truncated"], (len(stops), answer["truncated"])
    assert wards == {"Phường Hôm Nay 1"}, wards
    route_median, route_worst = _route_ms(ROUTE_STOPS)
    smaller = {n: _route_ms(n)[0] for n in (10, 25)}

    print(
        f"  /api/field/today/ over HTTP ({len(stops)} stops of {SITES_PER_WARD} active sites): "
        f"median {median:.1f} ms, p95 {p95:.1f} ms (target ≤ {TARGET_MS:.0f} ms)"
    )
    print(f"  the same in process:  median {in_process:.1f} ms; {len(queries)} queries")
    print(
        f"  route through {ROUTE_STOPS} stops:  median {route_median:.1f} ms, worst "
        f"{route_worst:.1f} ms (target ≤ {ROUTE_TARGET_MS:.0f} ms); "
        + ", ".join(f"{n} stops {ms:.1f} ms" for n, ms in smaller.items())
    )
    met = median <= TARGET_MS and route_median <= ROUTE_TARGET_MS
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "active_sites": SITES_PER_WARD, "cases": CASES_PER_WARD, "rounds": ROUNDS,
                "stops": len(stops), "http_median_ms": median, "http_p95_ms": p95,
                "in_process_median_ms": in_process, "queries": len(queries),
                "target_ms": TARGET_MS, "route_stops": ROUTE_STOPS,
                "route_median_ms": route_median, "route_worst_ms": route_worst,
                "route_10_median_ms": smaller[10], "route_25_median_ms": smaller[25],
                "route_target_ms": ROUTE_TARGET_MS, "met": met,
            },
            indent=2,
        )
        + "\n"
    )  # fmt: skip
    return met
