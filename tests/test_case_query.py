"""One case query: the same parameters select the same cases on every endpoint.

The API list, the map (GeoJSON, tiles, counts, search), the case list page,
the exports and the audit dashboard all read the case query
(backend/cases/selectors/query.py). Each query below is sent to each of them
and must select exactly the cases a plain Python reading of the parameters
selects; the old names (in_bbox, type, from, to) select what the new ones do.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import mapbox_vector_tile
import pytest
from django.contrib.gis.geos import Point
from django.test import Client
from django.utils import timezone

from backend.cases.models import OPEN_STAGES, Stage, ViolationType
from tests.factories import CaseFactory
from tests.maps.conftest import tile_url

CITY_BBOX = "106.6,10.7,106.8,10.9"
WEST_STRIP = (106.680, 10.760, 106.6855, 10.780)  # only the case at 106.681


@dataclass(frozen=True)
class Row:
    code: str
    ward: str
    stage: str
    violation_type: str
    detected: datetime.date
    deadline: datetime.date | None
    lonlat: tuple[float, float]


@pytest.fixture
def cases(ward_a: Any, ward_b: Any) -> list[Row]:
    today = timezone.localdate()
    specs = [
        (ward_a, Stage.DETECTED, ViolationType.CLAUSE_7, 40, None, (106.690, 10.770)),
        (ward_a, Stage.HALTED, ViolationType.CLAUSE_10, 10, -1, (106.692, 10.772)),
        (ward_b, Stage.HALTED, ViolationType.CLAUSE_7, 5, 1, (106.710, 10.770)),
        (ward_b, Stage.CLOSED, ViolationType.CLAUSE_9, 100, None, (106.712, 10.768)),
        (ward_a, Stage.DETECTED, ViolationType.CLAUSE_9, 2, None, (106.681, 10.765)),
    ]
    rows = []
    for ward, stage, kind, age, due, lonlat in specs:
        detected = timezone.now() - datetime.timedelta(days=age)
        deadline = today + datetime.timedelta(days=due) if due is not None else None
        case = CaseFactory(
            ward=ward,
            stage=stage,
            violation_type=kind,
            detected_at=detected,
            stage_deadline=deadline,
            location=Point(*lonlat, srid=4326),
        )
        rows.append(
            Row(
                case.code,
                ward.code,
                stage,
                kind,
                timezone.localdate(detected),
                deadline,
                lonlat,
            )
        )
    return rows


def _days(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def _in_strip(r: Row) -> bool:
    return WEST_STRIP[0] <= r.lonlat[0] <= WEST_STRIP[2]


def _overdue(r: Row) -> bool:
    return r.stage in OPEN_STAGES and r.deadline is not None and r.deadline < timezone.localdate()


STRIP = ",".join(str(v) for v in WEST_STRIP)
# (query string, what it selects, whether the dashboard's scope holds all of it)
QUERIES: list[tuple[Callable[[], str], Callable[[Row], bool], bool]] = [
    (lambda: "", lambda r: True, True),
    (lambda: "stage=halted", lambda r: r.stage == "halted", False),
    (lambda: "stage=halted,closed", lambda r: r.stage in ("halted", "closed"), False),
    (lambda: "stage=closed&stage=detected", lambda r: r.stage in ("closed", "detected"), False),
    (lambda: "violation_type=art16_7", lambda r: r.violation_type == "art16_7", True),
    (lambda: "type=art16_7", lambda r: r.violation_type == "art16_7", True),
    (lambda: "ward=90002", lambda r: r.ward == "90002", True),
    (lambda: "overdue=1", _overdue, False),
    (lambda: f"detected_from={_days(20).isoformat()}", lambda r: r.detected >= _days(20), True),
    (lambda: f"from={_days(20):%d/%m/%Y}", lambda r: r.detected >= _days(20), True),
    (lambda: f"detected_to={_days(20):%d/%m/%Y}", lambda r: r.detected <= _days(20), True),
    (lambda: f"to={_days(20).isoformat()}", lambda r: r.detected <= _days(20), True),
    (lambda: f"bbox={STRIP}", _in_strip, False),
    (lambda: f"in_bbox={STRIP}", _in_strip, False),
    (
        lambda: f"ward=90001&stage=detected,halted&detected_from={_days(20).isoformat()}",
        lambda r: r.ward == "90001" and r.stage != "closed" and r.detected >= _days(20),
        False,
    ),
]


def _signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _json(client: Client, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    return json.loads(
        b"".join(response.streaming_content) if response.streaming else response.content
    )


def _join(url: str, query: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{query}" if query else url


def selected_by_every_endpoint(client: Client, query: str, cases: list[Row]) -> dict[str, set[str]]:
    """The codes each endpoint answers for `query`."""
    found: dict[str, set[str]] = {}
    api = _json(client, _join("/api/cases/?page_size=100", query))
    found["/api/cases/"] = {f["properties"]["code"] for f in api["features"]}
    geo_query = query if "bbox" in query else "&".join(filter(None, [f"bbox={CITY_BBOX}", query]))
    geojson = _json(client, _join("/api/map/cases.geojson", geo_query))
    found["map GeoJSON"] = {f["properties"]["code"] for f in geojson["features"]}
    search = _json(client, _join("/api/map/search/?q=-2026-", query))
    found["map search"] = {r["label"] for r in search["results"] if r["kind"] == "case"}
    ids: set[int] = set()
    for url in {tile_url("cases", *r.lonlat, 14, query) for r in cases}:
        response = client.get(url)
        assert response.status_code == 200, (url, response.content[:300])
        layer = mapbox_vector_tile.decode(response.content).get("cases", {"features": []})
        ids |= {f["id"] for f in layer["features"]}
    by_id = dict(CaseFactory._meta.model.objects.values_list("id", "code"))
    found["map tiles"] = {by_id[i] for i in ids}
    page = client.get(_join("/cases/", query))
    assert page.status_code == 200, (query, page.content[:300])
    html = page.content.decode()
    found["case list page"] = {r.code for r in cases if r.code in html}
    export = client.get(_join("/audit/export/cases.csv", query))
    assert export.status_code == 200, (query, export.content[:300])
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    code_column = table[0].index("Mã hồ sơ")
    found["CSV export"] = {row[code_column] for row in table[1:] if row}
    exported = _json(client, _join("/audit/export/cases.geojson", query))
    found["GeoJSON export"] = {f["properties"]["code"] for f in exported["features"]}
    return found


@pytest.mark.parametrize("query_index", range(len(QUERIES)))
def test_the_same_parameters_select_the_same_cases_everywhere(
    auditor: Any, cases: list[Row], query_index: int
) -> None:
    make_query, selects, dashboard_scope = QUERIES[query_index]
    query = make_query()
    expected = {r.code for r in cases if selects(r)}
    assert expected != {r.code for r in cases} or query == "", (
        "a query that selects all proves little"
    )
    client = _signed_in(auditor)
    for endpoint, codes in selected_by_every_endpoint(client, query, cases).items():
        assert codes == expected, (endpoint, query)
    counts = _json(client, _join("/api/map/counts/", query))
    assert counts["total"] == len(expected), query
    if dashboard_scope:
        dashboard = _json(client, _join("/api/audit/dashboard/", query))
        assert sum(w["total"] for w in dashboard["wards"]) == len(expected), query


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("stage=approved", "stage"),
        ("type=art16_99", "type"),
        ("violation_type=art16_99", "violation_type"),
        ("overdue=maybe", "overdue"),
        ("from=2026-13-01", "from"),
        ("detected_to=31/02/2026", "detected_to"),
        ("in_bbox=1,2,3", "in_bbox"),
        ("bbox=1,2,3", "bbox"),
        ("ward=%3Cscript%3E", "ward"),
    ],
)
def test_a_bad_parameter_is_refused_alike_everywhere_naming_it_as_written(
    auditor: Any, cases: list[Row], query: str, field: str
) -> None:
    client = _signed_in(auditor)
    answers = {
        url: client.get(_join(url, query), HTTP_ACCEPT_LANGUAGE="en")
        for url in (
            "/api/cases/",
            f"/api/map/cases.geojson?bbox={CITY_BBOX}"
            if "bbox" not in query
            else "/api/map/cases.geojson",
            "/api/map/counts/",
            "/api/map/search/?q=-2026-",
            tile_url("cases", *cases[0].lonlat, 14),
            "/audit/export/cases.csv",
        )
    }
    messages = set()
    for url, response in answers.items():
        assert response.status_code == 400, (url, query)
        body = response.json()
        # The API names the parameter as the key; the downloads' JSON 400 says it in words.
        message = body[field][0] if field in body else body["detail"]
        assert field in body or re.search(rf"\b{field}\b", message), (url, body)
        messages.add(message)
    assert len(messages) == 1, messages  # one set of messages
    page = client.get(_join("/cases/", query), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 400
