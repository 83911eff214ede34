"""The load of bench/bench_load.py, run by locust in a process of its own.

`python -m bench.load_runner PLAN.json RESULT.json`: locust (as a library,
gevent inside) must not patch the bench process that holds Django and the
database connection, so bench_load writes the plan (base URL, credentials,
cases, tiles, the photo to upload) and reads the result back.

Three kinds of users, as in the issue: inspectors open a case (page, API
detail, timeline, photos) and now and then upload a photo; leaders pan the
map of their ward (a view of 4 × 3 tiles of cases and of permits at zoom 16,
then the next view beside it); auditors export a ward's cases (CSV or
GeoJSON, read to the end).
"""

from __future__ import annotations

import json
import random
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import gevent
from locust import FastHttpUser, between, events, task
from locust.env import Environment
from locust.stats import StatsEntry

PLAN: dict[str, Any] = {}


def _pick(key: str, index: int) -> Any:
    items = PLAN[key]
    return items[index % len(items)]


class _Numbered:
    counters: dict[str, int] = {}

    def number(self, kind: str) -> int:
        n = self.counters.get(kind, 0)
        self.counters[kind] = n + 1
        return n


class Inspector(FastHttpUser, _Numbered):  # type: ignore[misc]
    weight = 0
    fixed_count = 0
    wait_time = between(5, 15)

    def on_start(self) -> None:
        me = _pick("inspectors", self.number("inspector"))
        self.headers = {"Authorization": f"Token {me['token']}"}
        self.cookie = {"Cookie": me["cookie"]}
        self.cases = me["cases"]
        self.rng = random.Random(me["token"])
        self.uploads = 0

    @task(5)
    def open_case(self) -> None:
        case = self.rng.choice(self.cases)
        self.client.get(f"/cases/{case}/", headers=self.cookie, name="inspector: case page")
        self.client.get(f"/api/cases/{case}/", headers=self.headers, name="inspector: API case")
        self.client.get(
            f"/api/cases/{case}/timeline/", headers=self.headers, name="inspector: API timeline"
        )
        self.client.get(
            f"/api/cases/{case}/photos/", headers=self.headers, name="inspector: API photos"
        )

    @task(1)
    def upload_photo(self) -> None:
        case = self.rng.choice(self.cases)
        self.uploads += 1
        # A different image each time (its last bytes differ): a new photo, not a retry.
        body = PLAN["photo_bytes"] + f"{time.time_ns()}-{self.rng.random()}".encode()
        boundary = "ttxdbench" + str(self.rng.getrandbits(40))
        payload = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                f'filename="IMG_{self.uploads}.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'
            ).encode()
            + body
            + f"\r\n--{boundary}--\r\n".encode()
        )
        with self.client.post(
            f"/api/cases/{case}/photos/",
            data=payload,
            headers={
                **self.headers,
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                # The field app sends a new key per photo (its offline queue retries with it).
                "Idempotency-Key": str(uuid.UUID(int=self.rng.getrandbits(128), version=4)),
            },
            name="inspector: upload photo",
            catch_response=True,
        ) as response:
            if response.status_code not in (200, 201):
                response.failure(f"HTTP {response.status_code}: {response.text[:200]}")


class Leader(FastHttpUser, _Numbered):  # type: ignore[misc]
    weight = 0
    fixed_count = 0
    # Looking at the map between moves.
    wait_time = between(5, 15)

    def on_start(self) -> None:
        me = _pick("leaders", self.number("leader"))
        self.cookie = {"Cookie": me["cookie"]}
        self.x, self.y = me["tile"]
        self.rng = random.Random(me["cookie"])

    @task
    def pan(self) -> None:
        # A view of 4 × 3 tiles, then a step of one or two tiles in some direction.
        self.x += self.rng.choice((-2, -1, 1, 2))
        self.y += self.rng.choice((-1, 0, 1))
        greenlets = []
        for layer in ("cases", "permits"):
            for dx in range(4):
                for dy in range(3):
                    path = f"/api/tiles/{layer}/16/{self.x + dx}/{self.y + dy}.pbf"
                    greenlets.append(
                        gevent.spawn(
                            self.client.get, path, headers=self.cookie, name=f"leader: {layer} tile"
                        )
                    )
        gevent.joinall(greenlets)


class Auditor(FastHttpUser, _Numbered):  # type: ignore[misc]
    weight = 0
    fixed_count = 0
    wait_time = between(10, 20)

    def on_start(self) -> None:
        me = _pick("auditors", self.number("auditor"))
        self.cookie = {"Cookie": me["cookie"]}
        self.rng = random.Random(me["cookie"])

    @task
    def export(self) -> None:
        ward = self.rng.choice(PLAN["export_wards"])
        fmt = self.rng.choice(("csv", "geojson"))
        self.client.get(
            f"/audit/export/cases.{fmt}?ward={ward}",
            headers=self.cookie,
            name=f"auditor: export cases {fmt} (a ward)",
        )


def _entry(entry: StatsEntry) -> dict[str, Any]:
    return {
        "name": entry.name,
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        "median_ms": entry.get_response_time_percentile(0.5),
        "p95_ms": entry.get_response_time_percentile(0.95),
        "p99_ms": entry.get_response_time_percentile(0.99),
        "max_ms": entry.max_response_time,
        "rps": entry.total_rps,
    }


def main(plan_path: str, result_path: str) -> None:
    PLAN.update(json.loads(Path(plan_path).read_text(encoding="utf-8")))
    PLAN["photo_bytes"] = Path(PLAN["photo"]).read_bytes()
    counts = PLAN["users"]
    Inspector.fixed_count = counts["inspector"]
    Leader.fixed_count = counts["leader"]
    Auditor.fixed_count = counts["auditor"]
    env = Environment(user_classes=[Inspector, Leader, Auditor], host=PLAN["base"], events=events)
    runner = env.create_local_runner()
    total = sum(counts.values())
    runner.start(total, spawn_rate=total / PLAN["ramp_s"])
    gevent.sleep(PLAN["ramp_s"])
    # Measure the steady state only: the ramp's requests are dropped.
    env.stats.reset_all()
    started = time.time()
    gevent.sleep(PLAN["duration_s"])
    elapsed = time.time() - started
    runner.quit()
    errors = [
        {"name": e.name, "method": e.method, "error": str(e.error)[:300], "count": e.occurrences}
        for e in env.stats.errors.values()
    ]
    result = {
        "elapsed_s": elapsed,
        "entries": [_entry(e) for e in env.stats.entries.values()],
        "total": _entry(env.stats.total),
        "errors": errors,
    }
    Path(result_path).write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
