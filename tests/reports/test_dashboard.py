"""The audit dashboard's figures on the constructed city (tests/reports/conftest.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from backend.cases.models import Stage
from backend.cases.selectors.query import CaseQuery
from backend.reports.dashboard import audit_dashboard, overdue_map_geojson
from tests.reports.conftest import NOW, TODAY, City

pytestmark = pytest.mark.django_db


def by_code(dashboard: Any) -> dict[str, Any]:
    return {w.code: w for w in dashboard.wards}


def test_open_cases_by_stage_and_overdue_share_per_ward(city: City, auditor: Any) -> None:
    dashboard = audit_dashboard(auditor, CaseQuery(), TODAY)
    wards = by_code(dashboard)
    a, b = wards["90001"], wards["90002"]
    assert a.open_by_stage == {Stage.DETECTED: 1, Stage.SUSPENDED: 1}
    assert (a.open, a.overdue, a.closed, a.total) == (2, 1, 1, 3)
    assert a.overdue_share == 0.5
    assert b.open_by_stage == {Stage.DETECTED: 1, Stage.SUSPENDED: 1}
    assert (b.open, b.overdue, b.closed, b.total) == (2, 1, 0, 2)
    assert (dashboard.city.open, dashboard.city.overdue, dashboard.city.total) == (4, 2, 5)


def test_median_days_in_each_stage_count_open_stages_to_today(city: City, auditor: Any) -> None:
    dashboard = audit_dashboard(auditor, CaseQuery(), TODAY)
    a, b = by_code(dashboard)["90001"], by_code(dashboard)["90002"]
    # Detected: A1 2 days, A2 2, A3 still there after 6 → median 2.
    assert a.median_days == {Stage.DETECTED: 2.0, Stage.SUSPENDED: 26.5, Stage.HALTED: 21.0}
    assert a.stage_spans == {Stage.DETECTED: 3, Stage.SUSPENDED: 2, Stage.HALTED: 1}
    assert b.median_days == {Stage.DETECTED: 12.5, Stage.SUSPENDED: 49.0}
    # The city's median is over every passage, not a median of the wards' medians.
    assert dashboard.city.median_days == {
        Stage.DETECTED: 6.0,
        Stage.SUSPENDED: 40.0,
        Stage.HALTED: 21.0,
    }


def test_share_of_steps_on_time(city: City, auditor: Any) -> None:
    dashboard = audit_dashboard(auditor, CaseQuery(), TODAY)
    a, b = by_code(dashboard)["90001"], by_code(dashboard)["90002"]
    assert (a.steps_on_time, a.steps_timed, a.on_time_share) == (3, 4, 0.75)
    assert (b.steps_on_time, b.steps_timed, b.on_time_share) == (0, 1, 0.0)
    assert dashboard.city.on_time_share == 0.6


def test_oldest_open_cases_and_cases_per_month(city: City, auditor: Any) -> None:
    dashboard = audit_dashboard(auditor, CaseQuery(), TODAY)
    a, b = by_code(dashboard)["90001"], by_code(dashboard)["90002"]
    assert [o["code"] for o in a.oldest] == [city.a2.code, city.a3.code]
    assert [o["days_open"] for o in a.oldest] == [42, 6]
    assert [o["overdue"] for o in a.oldest] == [True, False]
    assert [o["code"] for o in b.oldest] == [city.b2.code, city.b1.code]
    months = {m.month: (m.opened, m.closed) for m in dashboard.months}
    assert months == {"2026-01": (2, 0), "2026-02": (1, 1), "2026-03": (2, 0)}
    february = next(m for m in dashboard.months if m.month == "2026-02")
    assert february.by_ward == {"90001": (1, 1)}


def test_filters_by_violation_type_ward_and_period(city: City, auditor: Any) -> None:
    planning = audit_dashboard(auditor, CaseQuery({"violation_type": "art16_9"}), TODAY)
    assert (planning.city.total, planning.city.overdue) == (1, 1)
    only_a = audit_dashboard(auditor, CaseQuery({"ward": "90001"}), TODAY)
    assert [w.code for w in only_a.wards] == ["90001"] and only_a.city.total == 3
    recent = audit_dashboard(auditor, CaseQuery.from_params({"detected_from": "01/02/2026"}), TODAY)
    assert recent.city.total == 3  # A2, A3, B1
    assert recent.city.median_days[Stage.DETECTED] == 6.0  # 2, 6, 14


def test_a_ward_leader_sees_only_their_ward(city: City, leader_a: Any, inspector_b: Any) -> None:
    mine = audit_dashboard(leader_a, CaseQuery(), TODAY)
    assert [w.code for w in mine.wards] == ["90001"]
    assert mine.city.total == 3 and mine.chain is None
    # Asking for another ward gives nothing, not that ward.
    other = audit_dashboard(leader_a, CaseQuery({"ward": "90002"}), TODAY)
    assert other.wards == [] and other.city.total == 0
    assert [w.code for w in audit_dashboard(inspector_b, CaseQuery(), TODAY).wards] == ["90002"]


def test_the_auditor_sees_the_chain_head(city: City, auditor: Any) -> None:
    dashboard = audit_dashboard(auditor, CaseQuery(), TODAY)
    assert dashboard.chain is not None and dashboard.chain.count == 10


def test_the_map_colours_wards_by_overdue_share(city: City, auditor: Any, leader_a: Any) -> None:
    collection = json.loads(overdue_map_geojson(auditor, CaseQuery(), TODAY))
    features = {f["properties"]["code"]: f for f in collection["features"]}
    assert set(features) == {"90001", "90002"}
    assert features["90001"]["properties"] | {} == {
        "code": "90001",
        "name": "Phường A",
        "open": 2,
        "overdue": 1,
        "overdue_share": 0.5,
    }
    assert features["90001"]["geometry"]["type"] == "MultiPolygon"
    mine = json.loads(overdue_map_geojson(leader_a, CaseQuery(), TODAY))
    assert [f["properties"]["code"] for f in mine["features"]] == ["90001"]


def test_the_dashboard_runs_a_fixed_number_of_queries(
    city: City, auditor: Any, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(7):
        audit_dashboard(auditor, CaseQuery(), TODAY)


@time_machine.travel(NOW, tick=False)
def test_every_figure_links_to_the_cases_behind_it(city: City, auditor: Any) -> None:
    client = Client()
    client.force_login(auditor)
    page = client.get(reverse("audit_dashboard"))
    assert page.status_code == 200
    html = page.content.decode()

    def listed(query: str) -> set[str]:
        assert f"/cases/?{query}".replace("&", "&amp;") in html, query
        response = client.get(f"/cases/?{query}")
        assert response.status_code == 200
        body = response.content.decode()
        return {c.code for c in (city.a1, city.a2, city.a3, city.b1, city.b2) if c.code in body}

    assert listed("ward=90001&overdue=1") == {city.a2.code}
    assert listed("ward=90001&stage=suspended") == {city.a2.code}
    assert listed("ward=90002&late=1") == {city.b2.code}
    assert listed("ward=90001&timed=1") == {city.a1.code, city.a2.code}
    assert listed("ward=90001&visited_stage=halted") == {city.a1.code}
    assert listed("ward=90001&stage=closed") == {city.a1.code}
    assert listed("closed_month=2026-02") == {city.a1.code}
    assert listed("opened_month=2026-03") == {city.a3.code, city.b1.code}


@time_machine.travel(NOW, tick=False)
def test_the_dashboard_page_shows_the_figures(city: City, auditor: Any, leader_a: Any) -> None:
    client = Client()
    client.force_login(auditor)
    html = client.get(reverse("audit_dashboard"), {"violation_type": "art16_7"}).content.decode()
    assert 'data-ward="90001"' in html and 'data-ward="90002"' in html
    assert "75%" in html  # ward A's steps on time
    assert "History chain head" in html or "chain" in html
    client.force_login(leader_a)
    html = client.get(reverse("audit_dashboard")).content.decode()
    assert 'data-ward="90001"' in html and 'data-ward="90002"' not in html
    assert 'id="chain-head"' not in html


def test_bad_filters_get_a_clear_400(city: City, auditor: Any) -> None:
    client = Client()
    client.force_login(auditor)
    assert client.get(reverse("audit_dashboard"), {"violation_type": "nope"}).status_code == 400
    assert (
        client.get(reverse("audit_dashboard"), {"detected_from": "32/13/2026"}).status_code == 400
    )
    assert client.get("/cases/", {"closed_month": "2026-13"}).status_code == 400
    response = client.get(reverse("api-audit-dashboard"), {"detected_to": "yesterday"})
    assert response.status_code == 400 and "detected_to" in response.json()


@time_machine.travel(NOW, tick=False)
def test_the_dashboard_api_gives_the_same_figures(city: City, auditor: Any, api: Any) -> None:
    data = api(auditor).get(reverse("api-audit-dashboard")).json()
    wards = {w["code"]: w for w in data["wards"]}
    assert wards["90001"]["overdue_share"] == 0.5
    assert wards["90002"]["median_days_in_stage"] == {"detected": 12.5, "suspended": 49.0}
    assert data["city"]["on_time_share"] == 0.6
    assert data["chain_head"]["count"] == 10


@time_machine.travel(NOW, tick=False)
def test_the_home_page_sends_city_auditors_to_the_audit(auditor: Any) -> None:
    client = Client()
    client.force_login(auditor)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == reverse("audit_dashboard")
    assert f'href="{reverse("audit_dashboard")}"' in client.get("/audit/").content.decode()
