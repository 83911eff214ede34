"""`python -m bench tiles`: the map endpoints on a city of 1M parcels and 100k cases.

Measured in one run, on the synthetic city of bench/city.py (its own
database, loaded once per seed):

1. every tile of a fixed set (zooms 10, 13, 16) through a real WSGI call by a
   logged-in city user (session cookie, the whole middleware stack), against
   the same tile's ST_AsMVT SQL sent straight through psycopg2, which must
   give the very same bytes: median ≤ 1.3×, p95 ≤ 1.5× of the SQL over all
   the tiles of a zoom; tiles at zoom ≥ 13 ≤ 50 ms median; no tile over
   500 kB. Each tile's own figures are printed too: what the endpoint adds
   to a tile is about constant, so a light tile's ratio is the highest;
2. the GeoJSON viewport endpoint against the stock djangorestframework-gis
   serializer on the same 5,000 cases: ≥ 5× faster;
3. a bounding-box query returning ≤ 1,000 of the parcels: ≤ 20 ms median,
   with a GiST index scan in its plan.
"""

from __future__ import annotations

import datetime
import json
import logging
import math
import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from wsgiref.util import setup_testing_defaults

from django.conf import settings
from django.db import connection
from django.db.backends.signals import connection_created
from django.utils import timezone

from backend.maps.tiles import CLUSTER_BUFFER, EXTENT, POINT_BUFFER, POLYGON_BUFFER, TileAddress
from bench.city import BENCH_DATABASE, CitySpec, prepare_city, use_database

RESULTS = Path(__file__).parent / "results" / "tiles.json"
ROUNDS = int(os.environ.get("TTXD_BENCH_ROUNDS", "25"))
TILE_MEDIAN_RATIO = 1.3
TILE_P95_RATIO = 1.5
TILE_MEDIAN_MS_FROM_Z13 = 50.0
TILE_MAX_BYTES = 500 * 1024
GEOJSON_SPEEDUP = 5.0
GEOJSON_FEATURES = 5000
BBOX_MAX_ROWS = 1000
BBOX_MEDIAN_MS = 20.0

# --- The raw SQL of each layer's tile (what the endpoint runs for a city user) ---
# Only numeric constants of the tile format are interpolated; values are parameters.

RAW_CASE_POINTS = f"""
SELECT ST_AsMVT(t, 'cases', {EXTENT}, 'geom', 'id') FROM (
  SELECT c.id,
         ST_AsMVTGeom(ST_Transform(c.location, 3857), ST_TileEnvelope(%(z)s, %(x)s, %(y)s),
                      {EXTENT}, {POINT_BUFFER}, true) AS geom,
         c.code, c.stage, c.violation_type,
         (c.stage = ANY(%(open)s) AND c.stage_deadline < %(today)s) IS TRUE AS overdue
  FROM cases_violationcase c
  WHERE c.location && ST_Transform(ST_TileEnvelope(%(z)s, %(x)s, %(y)s,
                                                   margin => {POINT_BUFFER / EXTENT}), 4326)
) AS t WHERE t.geom IS NOT NULL
"""  # noqa: S608

RAW_CASE_CLUSTERS = f"""
SELECT ST_AsMVT(t, 'cases', {EXTENT}, 'geom') FROM (
  SELECT ST_AsMVTGeom(ST_Transform(ST_SetSRID(ST_MakePoint(avg(s.lon), avg(s.lat)), 4326), 3857),
                      ST_TileEnvelope(%(z)s, %(x)s, %(y)s), {EXTENT}, {CLUSTER_BUFFER}, true) AS geom,
         count(*)::integer AS n,
         (count(*) FILTER (WHERE s.overdue))::integer AS overdue_n,
         mode() WITHIN GROUP (ORDER BY s.stage) AS stage,
         CASE WHEN count(*) = 1 THEN min(s.id) END AS case_id
  FROM (
    SELECT c.id, c.stage,
           (c.stage = ANY(%(open)s) AND c.stage_deadline < %(today)s) IS TRUE AS overdue,
           ST_X(c.location) AS lon, ST_Y(c.location) AS lat
    FROM cases_violationcase c
    WHERE c.location && ST_Transform(ST_TileEnvelope(%(z)s, %(x)s, %(y)s,
                                                     margin => {CLUSTER_BUFFER / EXTENT}), 4326)
  ) AS s
  GROUP BY floor((s.lon + 180.0) / 360.0 * %(cells)s),
           floor((1.0 - ln(tan(radians(s.lat)) + 1.0 / cos(radians(s.lat))) / pi()) / 2.0 * %(cells)s)
) AS t WHERE t.geom IS NOT NULL
"""  # noqa: S608

RAW_PERMITS = f"""
SELECT ST_AsMVT(t, 'permits', {EXTENT}, 'geom', 'id') FROM (
  SELECT p.id,
         ST_AsMVTGeom(ST_Transform(p.parcel, 3857), ST_TileEnvelope(%(z)s, %(x)s, %(y)s),
                      {EXTENT}, {POLYGON_BUFFER}, true) AS geom,
         p.number, p.status
  FROM permits_permit p
  WHERE p.parcel && ST_Transform(ST_TileEnvelope(%(z)s, %(x)s, %(y)s,
                                                 margin => {POLYGON_BUFFER / EXTENT}), 4326)
) AS t WHERE t.geom IS NOT NULL
"""  # noqa: S608

RAW_WARDS = f"""
SELECT ST_AsMVT(t, 'wards', {EXTENT}, 'geom', 'id') FROM (
  SELECT w.id,
         ST_AsMVTGeom(ST_SimplifyPreserveTopology(ST_Transform(w.boundary, 3857), %(tolerance)s),
                      ST_TileEnvelope(%(z)s, %(x)s, %(y)s), {EXTENT}, {POLYGON_BUFFER}, true) AS geom,
         w.code, w.name
  FROM wards_ward w
  WHERE w.valid_from <= %(today)s AND (w.valid_to IS NULL OR w.valid_to > %(today)s)
    AND w.boundary && ST_Transform(ST_TileEnvelope(%(z)s, %(x)s, %(y)s,
                                                   margin => {POLYGON_BUFFER / EXTENT}), 4326)
) AS t WHERE t.geom IS NOT NULL
"""  # noqa: S608


def raw_tile_sql(layer: str, tile: TileAddress) -> str:
    from backend.maps.tiles import CASE_POINT_MIN_ZOOM

    if layer == "cases":
        return RAW_CASE_POINTS if tile.z >= CASE_POINT_MIN_ZOOM else RAW_CASE_CLUSTERS
    return RAW_PERMITS if layer == "permits" else RAW_WARDS


# --- Measuring ---------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return math.nan
    k = (len(ordered) - 1) * q
    low, high = math.floor(k), math.ceil(k)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = call()
    return (time.perf_counter() - started) * 1000.0, result


class Wsgi:
    """Requests through Django's real WSGI handler, as a server would make them."""

    def __init__(self, cookie: str) -> None:
        from django.core.handlers.wsgi import WSGIHandler

        self.handler = WSGIHandler()
        self.cookie = cookie

    def get(
        self, path: str, query: str = "", headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        environ: dict[str, Any] = {}
        setup_testing_defaults(environ)
        environ.update(
            REQUEST_METHOD="GET", PATH_INFO=path, QUERY_STRING=query, HTTP_COOKIE=self.cookie
        )
        for name, value in (headers or {}).items():
            environ["HTTP_" + name.upper().replace("-", "_")] = value
        status: list[str] = []

        def start_response(code: str, _headers: list[Any], _exc: Any = None) -> None:
            status.append(code)

        result = self.handler(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close:
                close()
        return int(status[0].split()[0]), body


def session_cookie(username: str) -> str:
    from django.test import Client

    from backend.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def tile_of(lon: float, lat: float, z: int) -> TileAddress:
    n = 1 << z
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return TileAddress(z, x, y)


def fixed_tiles(spec: CitySpec) -> list[tuple[str, TileAddress]]:
    """The tile set: the centre, the three busiest hot spots and two quiet places."""
    spots = spec.hot_spot_centres()
    places = [
        (spec.west + spec.side / 2, spec.south + spec.side / 2),
        spots[0],
        spots[1],
        spots[2],
        (spec.west + spec.side * 0.3, spec.south + spec.side * 0.7),
        (spec.west + spec.side * 0.8, spec.south + spec.side * 0.25),
    ]
    tiles: list[tuple[str, TileAddress]] = []
    for z in (10, 13, 16):
        seen: list[TileAddress] = []
        for lon, lat in places:
            tile = tile_of(lon, lat, z)
            if tile not in seen:
                seen.append(tile)
        layers = ["cases", "wards"] + (["permits"] if z >= 15 else [])
        tiles += [(layer, tile) for layer in layers for tile in seen]
    return tiles


@dataclass
class Row:
    name: str
    endpoint_ms: list[float] = field(default_factory=list)
    reference_ms: list[float] = field(default_factory=list)
    max_bytes: int = 0
    tiles: int = 0
    notes: list[str] = field(default_factory=list)

    # For a zoom's tile set, where endpoint_ms and reference_ms hold the time
    # of each round's whole set: every single request of the set (pooled),
    # and each tile's (endpoint median, SQL median).
    pooled: tuple[list[float], list[float]] | None = None
    per_tile: list[tuple[float, float]] = field(default_factory=list)

    def stats(self) -> dict[str, Any]:
        med, ref_med = statistics.median(self.endpoint_ms), statistics.median(self.reference_ms)
        p95, ref_p95 = percentile(self.endpoint_ms, 0.95), percentile(self.reference_ms, 0.95)
        extra: dict[str, Any] = {}
        if self.pooled:
            ep, ref = self.pooled
            extra["pooled_median_ratio"] = round(statistics.median(ep) / statistics.median(ref), 3)
            extra["pooled_p95_ratio"] = round(percentile(ep, 0.95) / percentile(ref, 0.95), 3)
        if self.per_tile:
            ratios = sorted(ep / ref for ep, ref in self.per_tile)
            extra |= {
                # What the endpoint adds to each tile, whatever the tile costs.
                "per_tile_added_ms_median": round(
                    statistics.median(ep - ref for ep, ref in self.per_tile), 3
                ),
                "per_tile_ratio_median": round(statistics.median(ratios), 3),
                "per_tile_ratio_min": round(ratios[0], 3),
                "per_tile_ratio_max": round(ratios[-1], 3),
            }
        return {
            "name": self.name,
            "tiles": self.tiles,
            "samples": len(self.endpoint_ms),
            "median_ms": round(med, 3),
            "p95_ms": round(p95, 3),
            "reference_median_ms": round(ref_med, 3),
            "reference_p95_ms": round(ref_p95, 3),
            "median_ratio": round(med / ref_med, 3),
            "p95_ratio": round(p95 / ref_p95, 3),
            "max_kb": round(self.max_bytes / 1024, 1),
            "notes": self.notes,
            **extra,
        }


def measure_tiles(spec: CitySpec, wsgi: Wsgi, today: datetime.date) -> list[Row]:
    """Each round, per zoom: the tile set through the endpoint as one burst,
    and the same tiles' raw SQL as one burst, in alternating order.

    A map view asks for a burst of tiles, so that is how both sides run: one
    tile after another, each side's Python and database caches in the state a
    burst leaves them (interleaving every endpoint call with a raw query put
    the Python side cold for every tile, which is no request a browser makes).
    The raw SQL goes through the endpoint's own psycopg2 connection, so both
    sides use the same PostgreSQL session and server process, with the same
    settings; the only difference left is the endpoint's work.

    A zoom's figures are those of its whole set, round by round: what a map
    view of these tiles waits for. Pooling the single requests instead does
    not give a stable median here: at zoom 16 half the tiles take under 3 ms
    and half 7–18 ms, so the pooled median falls between the two groups and
    moved between 1.0× and 1.4× from one run to the next of the same code.
    Both are in the results, with each tile's own ratio.
    """
    from backend.cases.models import OPEN_STAGES

    rows: dict[str, Row] = {}
    open_stages = sorted(str(s) for s in OPEN_STAGES)
    plans: dict[int, list[tuple[Row, Callable[[], tuple[int, bytes]], Callable[[], bytes]]]] = {}
    for layer, tile in fixed_tiles(spec):
        row = rows.setdefault(f"{layer} z{tile.z}", Row(f"{layer} z{tile.z}"))
        row.tiles += 1
        path = f"/api/tiles/{layer}/{tile.z}/{tile.x}/{tile.y}.pbf"
        params = {
            "z": tile.z,
            "x": tile.x,
            "y": tile.y,
            "open": open_stages,
            "today": today,
            "cells": (1 << tile.z) * 8,
            "tolerance": tile.size_m / EXTENT * 4,
        }
        sql = raw_tile_sql(layer, tile)

        def endpoint(path: str = path) -> tuple[int, bytes]:
            return wsgi.get(path)

        def reference(sql: str = sql, params: dict[str, Any] = params) -> bytes:
            connection.ensure_connection()
            with connection.connection.cursor() as cursor:
                cursor.execute(sql, params)
                return bytes(cursor.fetchone()[0])

        status, body = endpoint()
        expected = reference()
        if status != 200:
            raise RuntimeError(f"{path} answered {status}: {body[:200]!r}")
        # The ratio only means something if both sides make the same tile.
        if body != expected:
            row.notes.append(f"{path}: endpoint {len(body)} B, SQL {len(expected)} B, not the same")
        row.max_bytes = max(row.max_bytes, len(body))
        plans.setdefault(tile.z, []).append((row, endpoint, reference))
    by_zoom: dict[int, Row] = {}
    for zoom, plan in plans.items():
        total = by_zoom[zoom] = Row(f"set of {len(plan)} z{zoom}")
        total.tiles = len(plan)
        total.pooled = ([], [])
        samples: list[tuple[list[float], list[float]]] = [([], []) for _ in plan]
        for round_number in range(ROUNDS):
            sides = (0, 1) if round_number % 2 == 0 else (1, 0)
            for side in sides:
                burst = 0.0
                for (row, endpoint, reference), per_tile in zip(plan, samples, strict=True):
                    ms, _ = timed(endpoint if side == 0 else reference)
                    burst += ms
                    (row.endpoint_ms if side == 0 else row.reference_ms).append(ms)
                    per_tile[side].append(ms)
                    total.pooled[side].append(ms)
                (total.endpoint_ms if side == 0 else total.reference_ms).append(burst)
        total.per_tile = [(statistics.median(ep), statistics.median(ref)) for ep, ref in samples]
    for row in rows.values():
        total = by_zoom[int(row.name.rsplit("z", 1)[1])]
        total.max_bytes = max(total.max_bytes, row.max_bytes)
    return list(rows.values()) + [by_zoom[z] for z in sorted(by_zoom)]


def measure_floor(wsgi: Wsgi) -> dict[str, Any]:
    """What a request on the ordinary path costs before a tile is built:
    Django's whole stack, the session and the user reads (a request refused
    with a 400 for its zoom, after authentication; the first tile of a
    session takes this path). Printed so the tile ratios can be read."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)  # no "Bad Request" line per call
    try:
        samples = [timed(lambda: wsgi.get("/api/tiles/cases/99/0/0.pbf"))[0] for _ in range(200)]
    finally:
        logger.setLevel(level)
    return {
        "name": "ordinary-path request floor",
        "median_ms": round(statistics.median(samples), 3),
        "p95_ms": round(percentile(samples, 0.95), 3),
    }


def measure_geojson(spec: CitySpec, wsgi: Wsgi, today: datetime.date) -> dict[str, Any]:
    from django.contrib.gis.geos import Polygon
    from rest_framework import serializers
    from rest_framework.renderers import JSONRenderer
    from rest_framework_gis.serializers import GeoFeatureModelSerializer

    from backend.accounts.models import User
    from backend.cases.models import ViolationCase
    from backend.cases.selectors import cases_visible_to
    from backend.cases.selectors import overdue_flag as overdue_annotation

    class StockCaseSerializer(GeoFeatureModelSerializer):
        overdue = serializers.BooleanField(read_only=True)
        ward_code = serializers.CharField(source="ward.code", read_only=True)

        class Meta:
            model = ViolationCase
            geo_field = "location"
            fields = [
                "id",
                "code",
                "stage",
                "violation_type",
                "stage_deadline",
                "overdue",
                "address",
                "ward_code",
                "detected_at",
            ]

    user = User.objects.get(username="bench_city")
    lon, lat = spec.hot_spot_centres()[0]
    half = 0.008
    while True:
        box = (lon - half, lat - half, lon + half, lat + half)
        polygon = Polygon.from_bbox(box)
        polygon.srid = 4326
        found = cases_visible_to(user).filter(location__bboverlaps=polygon).count()
        if found > GEOJSON_FEATURES or half > spec.side:
            break
        half *= 1.5
    query = "bbox=" + ",".join(f"{v:.6f}" for v in box)

    def endpoint() -> bytes:
        status, body = wsgi.get("/api/map/cases.geojson", query)
        assert status == 200, body[:200]
        return body

    def stock() -> bytes:
        qs = (
            cases_visible_to(user)
            .filter(location__bboverlaps=polygon)
            .annotate(overdue=overdue_annotation(today))
            .order_by("-detected_at", "-id")[:GEOJSON_FEATURES]
        )
        return JSONRenderer().render(StockCaseSerializer(qs, many=True).data)

    ours, theirs = json.loads(endpoint()), json.loads(stock())
    same = [f["id"] for f in ours["features"]] == [f["id"] for f in theirs["features"]]
    endpoint_ms: list[float] = []
    stock_ms: list[float] = []
    for _ in range(max(5, ROUNDS // 2)):
        endpoint_ms.append(timed(endpoint)[0])
        stock_ms.append(timed(stock)[0])
    med, stock_med = statistics.median(endpoint_ms), statistics.median(stock_ms)
    return {
        "name": "cases GeoJSON, 5,000 features",
        "features": len(ours["features"]),
        "same_cases": same,
        "median_ms": round(med, 2),
        "p95_ms": round(percentile(endpoint_ms, 0.95), 2),
        "stock_median_ms": round(stock_med, 2),
        "stock_p95_ms": round(percentile(stock_ms, 0.95), 2),
        "speedup": round(stock_med / med, 2),
        "bytes": len(json.dumps(ours)),
    }


def measure_bbox(spec: CitySpec) -> dict[str, Any]:
    from django.contrib.gis.geos import Polygon

    from backend.accounts.models import User
    from backend.permits.selectors import permits_visible_to

    user = User.objects.get(username="bench_city")
    lon, lat = spec.west + spec.side * 0.37, spec.south + spec.side * 0.61
    half = 0.003  # about 660 m across
    polygon = Polygon.from_bbox((lon - half, lat - half, lon + half, lat + half))
    polygon.srid = 4326
    qs = permits_visible_to(user).filter(parcel__bboverlaps=polygon).values_list("id", "number")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'permits_permit' "
            "AND indexdef ILIKE '%%USING gist%%'"
        )
        gist_indexes = [r[0] for r in cursor.fetchall()]
    plan = qs.explain()
    rows = len(list(qs))
    # qs.all(): a fresh query each time, never the first one's cached rows.
    samples = [timed(lambda: list(qs.all()))[0] for _ in range(ROUNDS * 2)]
    return {
        "name": "parcels in a bounding box",
        "rows": rows,
        "median_ms": round(statistics.median(samples), 3),
        "p95_ms": round(percentile(samples, 0.95), 3),
        "gist_index_scan": any(name in plan for name in gist_indexes) and "Index" in plan,
        "plan": plan.splitlines(),
    }


def run() -> bool:
    original = settings.DATABASES["default"]["NAME"]
    try:
        return _run()
    finally:
        # Benchmarks that run after this one in the same process use the
        # project's database again.
        use_database(original)


def _run() -> bool:
    # Smaller cities for a quick try: TTXD_BENCH_PARCELS / TTXD_BENCH_CASES.
    spec = CitySpec(
        parcels=int(os.environ.get("TTXD_BENCH_PARCELS", CitySpec.parcels)),
        cases=int(os.environ.get("TTXD_BENCH_CASES", CitySpec.cases)),
    )
    prepare_city(spec, say=lambda text: print(text, flush=True))
    today = timezone.localdate()
    wsgi = Wsgi(session_cookie("bench_city"))
    # The endpoint's connection persists across requests (CONN_MAX_AGE), as
    # under a production server; count how often it had to connect anew.
    connects: list[Any] = []

    def count_connect(sender: Any, connection: Any, **kwargs: Any) -> None:
        connects.append(connection.alias)

    connection_created.connect(count_connect)
    try:
        tile_rows = measure_tiles(spec, wsgi, today)
    finally:
        connection_created.disconnect(count_connect)
    floor = measure_floor(wsgi)
    geojson = measure_geojson(spec, wsgi, today)
    bbox = measure_bbox(spec)

    checks: list[tuple[str, bool]] = []
    print(
        f"\n{'tiles (endpoint vs raw SQL)':<22}{'n':>4}{'median':>9}{'p95':>9}{'SQL med':>9}"
        f"{'SQL p95':>9}{'×med':>7}{'×p95':>7}{'max kB':>8}"
    )
    stats = [row.stats() for row in tile_rows]
    for s in stats:
        print(
            f"{s['name']:<22}{s['tiles']:>4}{s['median_ms']:>9.2f}{s['p95_ms']:>9.2f}"
            f"{s['reference_median_ms']:>9.2f}{s['reference_p95_ms']:>9.2f}"
            f"{s['median_ratio']:>7.2f}{s['p95_ratio']:>7.2f}{s['max_kb']:>8.1f}"
        )
        for note in s["notes"]:
            print(f"    note: {note}")
    print(
        "\n(layer rows: every request of the layer's tiles; 'set of' rows: each round's"
        " whole set of a zoom, the checks below)"
    )
    print("each tile's median against its own SQL's, and every request pooled:")
    for s in stats:
        if "per_tile_ratio_median" in s:
            print(
                f"  {s['name']}: the endpoint adds a median {s['per_tile_added_ms_median']:.2f} ms "
                f"a tile; tile ratios {s['per_tile_ratio_min']:.2f}–{s['per_tile_ratio_max']:.2f}, "
                f"median {s['per_tile_ratio_median']:.2f}; pooled requests: median "
                f"{s['pooled_median_ratio']:.2f}×, p95 {s['pooled_p95_ratio']:.2f}×"
            )
    checks.append(
        (
            "every tile: the endpoint's bytes are the raw SQL's",
            not any(s["notes"] for s in stats),
        )
    )
    for s in stats:
        if s["name"].startswith("set of"):
            zoom = int(s["name"].rsplit("z", 1)[1])
            checks.append(
                (
                    f"{s['name']}: median ≤ {TILE_MEDIAN_RATIO}× SQL",
                    s["median_ratio"] <= TILE_MEDIAN_RATIO,
                )
            )
            checks.append(
                (f"{s['name']}: p95 ≤ {TILE_P95_RATIO}× SQL", s["p95_ratio"] <= TILE_P95_RATIO)
            )
        else:
            zoom = int(s["name"].rsplit("z", 1)[1])
            checks.append((f"{s['name']}: ≤ 500 kB", s["max_kb"] * 1024 <= TILE_MAX_BYTES))
            if zoom >= 13:
                # Per layer, so a cheap layer cannot hide a slow one.
                checks.append(
                    (
                        f"{s['name']}: median ≤ {TILE_MEDIAN_MS_FROM_Z13:.0f} ms",
                        s["median_ms"] <= TILE_MEDIAN_MS_FROM_Z13,
                    )
                )
    print(
        f"\nendpoint's database connections opened during the tile runs: {len(connects)} "
        f"(CONN_MAX_AGE {settings.DATABASES['default'].get('CONN_MAX_AGE')} s)"
    )
    print(
        f"{floor['name']} (whole stack, session and user reads, no tile): "
        f"median {floor['median_ms']} ms, "
        f"p95 {floor['p95_ms']} ms"
    )
    print(
        f"{geojson['name']}: endpoint median {geojson['median_ms']} ms (p95 {geojson['p95_ms']}), "
        f"stock serializer median {geojson['stock_median_ms']} ms (p95 {geojson['stock_p95_ms']}), "
        f"{geojson['speedup']}× faster; {geojson['features']} features, same cases: {geojson['same_cases']}"
    )
    checks.append(
        (
            f"GeoJSON ≥ {GEOJSON_SPEEDUP}× the stock serializer",
            geojson["speedup"] >= GEOJSON_SPEEDUP,
        )
    )
    checks.append(
        (
            "GeoJSON holds the same 5,000 cases",
            geojson["same_cases"] and geojson["features"] == GEOJSON_FEATURES,
        )
    )
    print(
        f"{bbox['name']}: {bbox['rows']} rows, median {bbox['median_ms']} ms "
        f"(p95 {bbox['p95_ms']}), GiST index scan: {bbox['gist_index_scan']}"
    )
    checks.append((f"bbox ≤ {BBOX_MAX_ROWS} rows", bbox["rows"] <= BBOX_MAX_ROWS))
    checks.append((f"bbox median ≤ {BBOX_MEDIAN_MS:.0f} ms", bbox["median_ms"] <= BBOX_MEDIAN_MS))
    checks.append(("bbox plan uses a GiST index", bbox["gist_index_scan"]))
    print()
    for name, ok in checks:
        print(f"  [{'met' if ok else 'NOT MET'}] {name}")

    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "bench": "tiles",
                "when": timezone.now().isoformat(timespec="seconds"),
                "database": BENCH_DATABASE,
                "city": spec.signature,
                "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
                "rounds": ROUNDS,
                "tiles": stats,
                "request_floor": floor,
                "endpoint_connections_opened": len(connects),
                "geojson": geojson,
                "bbox": bbox,
                "checks": [{"check": name, "met": ok} for name, ok in checks],
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(
        f"\nwrote {RESULTS.relative_to(Path.cwd()) if RESULTS.is_relative_to(Path.cwd()) else RESULTS}"
    )
    return all(ok for _, ok in checks)
