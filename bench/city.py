"""A synthetic city for benchmarks: wards, permit parcels and cases from a seed.

The same seed always gives the same city, row for row. It is loaded with
COPY into its own database (never the development one), so a benchmark can
reuse a city that is already there and only loads again when the seed or the
sizes change.

Layout: a square of `wards_per_side`² wards whose shared borders wobble (the
wobble depends only on the position along the border, so neighbours agree
exactly); a lattice of small rectangular parcels covering the whole square;
cases gathered around hot spots (as unpermitted building gathers in real
wards) plus a uniform background.
"""

from __future__ import annotations

import datetime
import io
import math
import random
import struct
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import psycopg2
from django.conf import settings
from django.db import connection, connections

BENCH_DATABASE = "ttxd_bench"
# Bump when the generator's output changes, so an old city is reloaded.
GENERATOR_VERSION = "1"
SRID = 4326
POINT_TYPE = 0x20000001  # EWKB Point with an SRID
MULTIPOLYGON_TYPE = 0x20000006
POLYGON_TYPE = 3

# Stage mix of a working city (open stages dominate; see DOMAIN.md).
STAGE_WEIGHTS = {
    "detected": 25,
    "suspended": 20,
    "halted": 15,
    "legalising": 8,
    "conformity_check": 4,
    "self_demolition": 6,
    "enforcement": 4,
    "transferred": 3,
    "closed": 15,
}
TYPE_WEIGHTS = {
    "art16_7": 40,
    "art16_6": 15,
    "art16_4": 8,
    "art16_8": 7,
    "art16_9": 8,
    "art16_10": 12,
    "art16_12": 5,
    "art16_13": 2,
    "art16_1": 1,
    "art16_2": 1,
    "art16_3": 0.5,
    "art16_5": 0.5,
}


@dataclass(frozen=True)
class CitySpec:
    seed: int = 20250701
    parcels: int = 1_000_000
    cases: int = 100_000
    wards_per_side: int = 10
    # Rows of wards, south to north, when the city is not square (0: as many as columns).
    wards_north: int = 0
    west: float = 106.60
    south: float = 10.70
    ward_size: float = 0.02  # degrees (≈ 2.2 km)
    hot_spots: int = 150
    # Deadlines and detection times are spread around this day, not "today",
    # so the same seed gives the same rows whenever it is loaded.
    anchor: datetime.date = datetime.date(2026, 6, 30)

    @property
    def rows(self) -> int:
        return self.wards_north or self.wards_per_side

    @property
    def side(self) -> float:
        """The width, west to east (the whole side of a square city)."""
        return self.wards_per_side * self.ward_size

    @property
    def height(self) -> float:
        return self.rows * self.ward_size

    @property
    def east(self) -> float:
        return self.west + self.side

    @property
    def north(self) -> float:
        return self.south + self.height

    @property
    def signature(self) -> str:
        return (
            f"v{GENERATOR_VERSION}:seed={self.seed}:parcels={self.parcels}:cases={self.cases}"
            f":wards={self.wards_per_side}:box={self.west},{self.south},{self.ward_size}"
            f":anchor={self.anchor.isoformat()}"
            + (f":rows={self.wards_north}" if self.wards_north else "")
        )

    def ward_cell(self, lon: float, lat: float) -> tuple[int, int]:
        col = min(self.wards_per_side - 1, max(0, int((lon - self.west) / self.ward_size)))
        row = min(self.rows - 1, max(0, int((lat - self.south) / self.ward_size)))
        return col, row

    def hot_spot_centres(self) -> list[tuple[float, float]]:
        rng = random.Random(self.seed * 7 + 1)
        margin = self.ward_size / 4
        return [
            (
                rng.uniform(self.west + margin, self.east - margin),
                rng.uniform(self.south + margin, self.north - margin),
            )
            for _ in range(self.hot_spots)
        ]


# --- Geometry as hex EWKB (what PostGIS reads fastest from COPY) -----------------


def point_hex(lon: float, lat: float) -> str:
    return struct.pack("<BIIdd", 1, POINT_TYPE, SRID, lon, lat).hex()


_RECT = struct.Struct("<BIIIBIII10d")


def rectangle_hex(west: float, south: float, east: float, north: float) -> str:
    """A one-part MultiPolygon rectangle, counter-clockwise, as hex EWKB."""
    return _RECT.pack(
        1,
        MULTIPOLYGON_TYPE,
        SRID,
        1,
        1,
        POLYGON_TYPE,
        1,
        5,
        west,
        south,
        east,
        south,
        east,
        north,
        west,
        north,
        west,
        south,
    ).hex()


def _wobble(t: float, ward_size: float) -> float:
    # Zero at every ward corner (t integral): borders meet exactly.
    return ward_size * 0.04 * math.sin(math.pi * t * 3) * math.sin(math.pi * t * 7 + 1.0)


def ward_ring(
    spec: CitySpec, col: int, row: int, points_per_edge: int = 40
) -> list[tuple[float, float]]:
    """A ward's boundary: its grid square with borders that wobble, 160 vertices."""
    size = spec.ward_size
    x0, y0 = spec.west + col * size, spec.south + row * size
    ring: list[tuple[float, float]] = []

    def horizontal(y_index: int, x_from: float, x_to: float) -> None:
        for k in range(points_per_edge):
            t = x_from + (x_to - x_from) * k / points_per_edge
            ring.append((spec.west + t * size, spec.south + y_index * size + _wobble(t, size)))

    def vertical(x_index: int, y_from: float, y_to: float) -> None:
        for k in range(points_per_edge):
            t = y_from + (y_to - y_from) * k / points_per_edge
            ring.append((spec.west + x_index * size + _wobble(t, size), spec.south + t * size))

    horizontal(row, col, col + 1)  # south edge, west to east
    vertical(col + 1, row, row + 1)  # east edge, south to north
    horizontal(row + 1, col + 1, col)  # north edge, east to west
    vertical(col, row + 1, row)  # west edge, north to south
    ring.append(ring[0])
    assert abs(ring[0][0] - x0) < 1e-12 and abs(ring[0][1] - y0) < 1e-12
    return ring


# --- Rows --------------------------------------------------------------------------


def permit_rows(spec: CitySpec, ward_ids: dict[tuple[int, int], int]) -> Iterator[dict[str, Any]]:
    """One parcel per lattice cell, row-major from the south-west corner."""
    rng = random.Random(spec.seed)
    per_side = math.ceil(math.sqrt(spec.parcels * spec.side / spec.height))
    cell = spec.side / per_side
    per_column = per_side if spec.rows == spec.wards_per_side else math.ceil(spec.height / cell)
    statuses = ["valid"] * 90 + ["expired"] * 8 + ["revoked"] * 2
    first_issue = datetime.date(2012, 1, 1).toordinal()
    last_issue = spec.anchor.toordinal()
    count = 0
    for j in range(per_column):
        south = spec.south + j * cell
        for i in range(per_side):
            if count == spec.parcels:
                return
            west = spec.west + i * cell
            w = west + cell * rng.uniform(0.04, 0.12)
            s = south + cell * rng.uniform(0.04, 0.12)
            e = west + cell * rng.uniform(0.82, 0.96)
            n = south + cell * rng.uniform(0.82, 0.96)
            col, row = spec.ward_cell((w + e) / 2, (s + n) / 2)
            count += 1
            yield {
                "number": f"{count:07d}/GPXD",
                "issuing_authority": f"UBND Phường BENCH{col:02d}{row:02d}",
                "issued_on": datetime.date.fromordinal(rng.randint(first_issue, last_issue)),
                "holder_name": f"Chủ hộ {count}",
                "address": f"{count % 400 + 1} Đường số {count // 400 % 90 + 1}",
                "map_sheet": str(j // 20 + 1),
                "parcel_number": str(count),
                "parcel": rectangle_hex(w, s, e, n),
                "permitted_storeys": rng.randint(1, 6),
                "status": statuses[rng.randrange(len(statuses))],
                "ward_id": ward_ids[(col, row)],
                "created_at": datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
            }


def _weighted(
    rng: random.Random, weights: dict[str, float], allowed: Iterable[str]
) -> Callable[[], str]:
    allowed_set = set(allowed)
    names = [name for name in weights if name in allowed_set] or sorted(allowed_set)
    cumulative: list[float] = []
    total = 0.0
    for name in names:
        total += weights.get(name, 1.0)
        cumulative.append(total)

    def pick() -> str:
        r = rng.random() * total
        lo, hi = 0, len(cumulative) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if cumulative[mid] < r:
                lo = mid + 1
            else:
                hi = mid
        return names[lo]

    return pick


def case_rows(
    spec: CitySpec,
    ward_ids: dict[tuple[int, int], int],
    ward_slugs: dict[int, str],
    *,
    stages: Iterable[str],
    open_stages: Iterable[str],
    violation_types: Iterable[str],
    opened_by_id: int,
    inspector_ids: dict[int, int],
) -> Iterator[dict[str, Any]]:
    rng = random.Random(spec.seed + 1)
    centres = spec.hot_spot_centres()
    # A few hot spots are much busier than the rest (Zipf-like weights).
    spot_weights = [1.0 / (k + 1) ** 0.8 for k in range(len(centres))]
    spot_total = sum(spot_weights)
    spot_cumulative = []
    acc = 0.0
    for weight in spot_weights:
        acc += weight / spot_total
        spot_cumulative.append(acc)
    pick_stage = _weighted(rng, STAGE_WEIGHTS, stages)
    pick_type = _weighted(rng, TYPE_WEIGHTS, violation_types)
    open_set = set(open_stages)
    counters: dict[tuple[int, int], int] = {}
    tz = datetime.timezone(datetime.timedelta(hours=7))
    anchor = datetime.datetime.combine(spec.anchor, datetime.time(12), tzinfo=tz)
    for _ in range(spec.cases):
        while True:
            if rng.random() < 0.7:
                r = rng.random()
                k = next((i for i, c in enumerate(spot_cumulative) if c >= r), len(centres) - 1)
                cx, cy = centres[k]
                lon, lat = rng.gauss(cx, 0.003), rng.gauss(cy, 0.003)
            else:
                lon, lat = rng.uniform(spec.west, spec.east), rng.uniform(spec.south, spec.north)
            if spec.west < lon < spec.east and spec.south < lat < spec.north:
                break
        ward_id = ward_ids[spec.ward_cell(lon, lat)]
        detected = anchor - datetime.timedelta(seconds=rng.randint(0, 3 * 365 * 86400))
        year = detected.year
        sequence = counters.get((ward_id, year), 0) + 1
        counters[(ward_id, year)] = sequence
        stage = pick_stage()
        deadline = (
            spec.anchor + datetime.timedelta(days=rng.randint(-90, 240))
            if stage in open_set
            else None
        )
        yield {
            "code": f"{ward_slugs[ward_id]}-{year}-{sequence:05d}",
            "ward_id": ward_id,
            "opened_in_ward_id": ward_id,
            "year": year,
            "sequence": sequence,
            "location": point_hex(lon, lat),
            "address": f"{rng.randint(1, 400)} Đường số {rng.randint(1, 90)}",
            "permit_match": "none",
            "violation_type": pick_type(),
            "description": "",
            "stage": stage,
            "stage_deadline": deadline,
            "detected_at": detected,
            "assigned_inspector_id": inspector_ids.get(ward_id) if rng.random() < 0.8 else None,
            "opened_by_id": opened_by_id,
            "opened_at": detected,
            "updated_at": detected,
        }


# --- COPY ---------------------------------------------------------------------------


def _copy_text(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    text = str(value)
    if any(c in text for c in "\\\t\n\r"):
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


class _Lines(io.RawIOBase):
    """A read-only file over generated COPY lines, for cursor.copy_expert."""

    def __init__(self, lines: Iterator[str]) -> None:
        self._lines = lines
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        chunks = [self._buffer]
        have = len(self._buffer)
        while size < 0 or have < size:
            try:
                line = next(self._lines).encode()
            except StopIteration:
                break
            chunks.append(line)
            have += len(line)
        data = b"".join(chunks)
        if size < 0:
            self._buffer = b""
            return data
        self._buffer = data[size:]
        return data[:size]


def _column_defaults(model: Any, given: Iterable[str]) -> dict[str, Any]:
    """Values for NOT NULL columns the generator does not set (fields that
    other parts of the project add over time), from each field's default."""
    given_set = set(given)
    out: dict[str, Any] = {}
    for field in model._meta.concrete_fields:
        if field.column in given_set or field.primary_key or field.null:
            continue
        value = field.get_default()
        if value is None:
            raise RuntimeError(
                f"The synthetic city does not know how to fill {model.__name__}.{field.name}."
            )
        prepared = field.get_db_prep_save(value, connection)
        if isinstance(value, dict | list):
            import json

            prepared = json.dumps(value)
        out[field.column] = prepared
    return out


def copy_rows(cursor: Any, model: Any, rows: Iterator[dict[str, Any]]) -> int:
    """COPY generated rows into the model's table; returns the row count."""
    first = next(rows, None)
    if first is None:
        return 0
    columns = list(first)
    defaults = _column_defaults(model, columns)
    all_columns = columns + list(defaults)
    constant_tail = "".join("\t" + _copy_text(v) for v in defaults.values())
    count = 0

    def lines() -> Iterator[str]:
        nonlocal count
        for row in _chain(first, rows):
            count += 1
            yield "\t".join(_copy_text(row[c]) for c in columns) + constant_tail + "\n"

    table = model._meta.db_table
    column_list = ", ".join(f'"{c}"' for c in all_columns)
    cursor.copy_expert(f'COPY "{table}" ({column_list}) FROM STDIN', _Lines(lines()), size=1 << 20)
    return count


def _chain(first: dict[str, Any], rest: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    yield first
    yield from rest


def _secondary_indexes(cursor: Any, table: str) -> list[tuple[str, str]]:
    """Indexes not backing a constraint: dropped before a bulk load, rebuilt after."""
    cursor.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.tablename = %s AND i.schemaname = current_schema()
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        """,
        [table],
    )
    return list(cursor.fetchall())


# --- The bench database ----------------------------------------------------------------


def _maintenance(statements: list[tuple[str, list[Any]]]) -> list[Any]:
    """Run statements on the cluster's `postgres` database (outside any transaction)."""
    params = dict(connections["default"].get_connection_params())
    params["dbname"] = "postgres"
    conn = psycopg2.connect(**params)
    results = []
    try:
        conn.autocommit = True
        with conn.cursor() as cursor:
            for sql, args in statements:
                cursor.execute(sql, args)
                results.append(cursor.fetchall() if cursor.description else None)
    finally:
        conn.close()
    return results


def ensure_database(name: str = BENCH_DATABASE, *, fresh: bool = False) -> None:
    """Create the benchmark database on the project's cluster if it is missing
    (or anew when `fresh`: a city is replaced whole, never edited in place)."""
    connections["default"].close()
    ((found,),) = _maintenance([("SELECT count(*) FROM pg_database WHERE datname = %s", [name])])
    statements: list[tuple[str, list[Any]]] = []
    if found[0] and fresh:
        statements.append((f'DROP DATABASE "{name}" WITH (FORCE)', []))
    if fresh or not found[0]:
        statements.append((f'CREATE DATABASE "{name}"', []))
    if statements:
        _maintenance(statements)


def use_database(name: str = BENCH_DATABASE) -> None:
    """Point Django's default connection at `name` for the rest of the process."""
    connections["default"].close()
    settings.DATABASES["default"]["NAME"] = name
    connections["default"].settings_dict["NAME"] = name


def loaded_signature() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_city (signature text NOT NULL, loaded_at timestamptz NOT NULL)"
        )
        cursor.execute("SELECT signature FROM bench_city")
        row = cursor.fetchone()
    return row[0] if row else None


def load_city(
    spec: CitySpec,
    say: Callable[[str], None] = print,
    *,
    signature: str | None = None,
    extra: Callable[[CitySpec, Callable[[str], None]], None] | None = None,
) -> None:
    """Load `spec`'s city into the (new, migrated) bench database."""
    from django.contrib.gis.geos import MultiPolygon, Polygon

    from backend.accounts.models import Role, User, WardMembership
    from backend.cases.models import OPEN_STAGES, Stage, ViolationCase, ViolationType
    from backend.permits.models import Permit
    from backend.wards.models import Ward

    started = time.perf_counter()

    wards = []
    for row in range(spec.rows):
        for col in range(spec.wards_per_side):
            number = row * spec.wards_per_side + col + 1
            wards.append(
                Ward(
                    code=f"B{number:04d}",
                    slug=f"BENCH{number:03d}",
                    name=f"Phường Thử nghiệm {number}",
                    boundary=MultiPolygon(Polygon(ward_ring(spec, col, row)), srid=SRID),
                    valid_from=datetime.date(2025, 7, 1),
                    is_demo_geometry=True,
                )
            )
    Ward.objects.bulk_create(wards)
    ward_ids: dict[tuple[int, int], int] = {}
    ward_slugs: dict[int, str] = {}
    for ward in Ward.objects.order_by("id"):
        number = int(ward.code[1:]) - 1
        ward_ids[(number % spec.wards_per_side, number // spec.wards_per_side)] = ward.pk
        ward_slugs[ward.pk] = ward.slug
    User.objects.create_user("bench_city", role=Role.CITY_AUDITOR)
    opener = User.objects.create_user("bench_opener", role=Role.INSPECTOR)
    inspectors: dict[int, int] = {}
    for ward_id in sorted(ward_slugs):
        user = User.objects.create_user(f"bench_inspector_{ward_id}", role=Role.INSPECTOR)
        WardMembership.objects.create(user=user, ward_id=ward_id)
        inspectors[ward_id] = user.pk
    say(f"  wards and users: {time.perf_counter() - started:.1f} s")

    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for model, make_rows in (
            (Permit, lambda: permit_rows(spec, ward_ids)),
            (
                ViolationCase,
                lambda: case_rows(
                    spec,
                    ward_ids,
                    ward_slugs,
                    stages=Stage.values,
                    open_stages=[str(s) for s in OPEN_STAGES],
                    violation_types=ViolationType.values,
                    opened_by_id=opener.pk,
                    inspector_ids=inspectors,
                ),
            ),
        ):
            step = time.perf_counter()
            table = model._meta.db_table
            indexes = _secondary_indexes(cursor, table)
            for name, _definition in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
            # The generator's keys are consistent by construction: skip the
            # per-row foreign-key triggers during the load.
            cursor.execute("SET session_replication_role = replica")
            count = copy_rows(cursor, model, make_rows())
            cursor.execute("SET session_replication_role = DEFAULT")
            copied = time.perf_counter()
            for _name, definition in indexes:
                cursor.execute(definition)
            cursor.execute(f'ANALYZE "{table}"')
            say(
                f"  {table}: {count:,} rows copied in {copied - step:.1f} s, "
                f"indexed and analysed in {time.perf_counter() - copied:.1f} s"
            )
        # The triggers were skipped: move the map layers' versions by hand.
        cursor.execute("UPDATE maps_layerversion SET version = nextval('maps_layerversion_seq')")
        cursor.execute("ANALYZE wards_ward")
    if extra is not None:
        extra(spec, say)
    with connection.cursor() as cursor:
        loaded_signature()  # creates the table
        cursor.execute(
            "INSERT INTO bench_city (signature, loaded_at) VALUES (%s, now())",
            [signature or spec.signature],
        )
    say(f"  city loaded in {time.perf_counter() - started:.1f} s")


def prepare_city(
    spec: CitySpec,
    say: Callable[[str], None] = print,
    database: str = BENCH_DATABASE,
    *,
    extra: tuple[str, Callable[[CitySpec, Callable[[str], None]], None]] | None = None,
) -> None:
    """Create, migrate and load the bench database unless it already holds `spec`
    (a bench with a city of other sizes names a database of its own).

    `extra` is (a tag, a loader) for rows a bench adds to the city (users,
    events, photos): the tag joins the signature, the loader runs after the
    city is loaded."""
    from django.core.management import call_command

    signature = spec.signature + (f":{extra[0]}" if extra else "")
    ensure_database(database)
    use_database(database)
    if loaded_signature() == signature:
        call_command("migrate", verbosity=0, interactive=False)
        say(f"Reusing the synthetic city in database {database} ({signature}).")
        return
    say(f"Loading a synthetic city into a new database {database} ({signature}):")
    ensure_database(database, fresh=True)
    use_database(database)
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    say(f"  schema migrated in {time.perf_counter() - started:.1f} s")
    load_city(spec, say, signature=signature, extra=extra[1] if extra else None)
