"""GET /api/field/today/: the inspector's stops of the day, in route order."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.contrib.gis.geos import Point
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.accounts.models import Role
from backend.cases.models import Stage
from backend.field.today import STOP_LIMIT
from backend.sites.models import Site, SiteOrigin, SiteStatus
from gis.route import LatLon, plan_route
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date
# A Wednesday: the week runs to Sunday 15/03/2026.
TODAY = D(2026, 3, 11)
URL = "/api/field/today/"
HERE = {"lat": "10.7700", "lon": "106.6900"}


@pytest.fixture(autouse=True)
def _on_a_wednesday() -> Any:
    with time_machine.travel(datetime.datetime(2026, 3, 11, 8, 0, tzinfo=datetime.UTC), tick=False):
        yield


def site_at(ward: Any, lat: float, lon: float, due: D | None, **extra: Any) -> Site:
    fields = {
        "origin": SiteOrigin.PATROL,
        "address": f"{lat:.4f} {lon:.4f} Đường Thử",
        "status": SiteStatus.STRUCTURE,
        "status_since": D(2026, 1, 5),
        **extra,
    }
    return Site.objects.create(
        ward=ward, location=Point(lon, lat, srid=4326), next_visit_due=due, **fields
    )


def case_at(ward: Any, lat: float, lon: float, deadline: D | None, **extra: Any) -> Any:
    case = CaseFactory(ward=ward, location=Point(lon, lat, srid=4326), **extra)
    type(case).objects.filter(pk=case.pk).update(stage_deadline=deadline)
    case.refresh_from_db()
    return case


@pytest.fixture
def day(ward_a: Any, ward_b: Any) -> dict[str, Any]:
    """Ward A's due stops, and everything that must stay off the list."""
    return {
        "overdue_site": site_at(ward_a, 10.7740, 106.6950, D(2026, 3, 2)),
        "due_site": site_at(ward_a, 10.7705, 106.6905, TODAY),
        "far_site": site_at(ward_a, 10.7790, 106.6990, D(2026, 3, 10), address=""),
        "case_this_week": case_at(ward_a, 10.7720, 106.6920, D(2026, 3, 13), address="5 Lê Lợi"),
        "overdue_case": case_at(ward_a, 10.7630, 106.6850, D(2026, 2, 20)),
        # Off the list:
        "site_tomorrow": site_at(ward_a, 10.7701, 106.6901, D(2026, 3, 12)),
        "completed_site": site_at(
            ward_a, 10.7702, 106.6902, D(2026, 3, 1), status=SiteStatus.COMPLETED
        ),
        "unscheduled_site": site_at(ward_a, 10.7703, 106.6903, None),
        "case_next_week": case_at(ward_a, 10.7704, 106.6904, D(2026, 3, 16)),
        "closed_case": case_at(
            ward_a, 10.7706, 106.6906, D(2026, 3, 1), stage=Stage.CLOSED, outcome="cancelled"
        ),
        "case_without_deadline": case_at(ward_a, 10.7707, 106.6907, None),
        "other_ward_site": site_at(ward_b, 10.7700, 106.7100, D(2026, 3, 1)),
        "other_ward_case": case_at(ward_b, 10.7700, 106.7110, D(2026, 3, 12)),
    }


def _keys(body: dict[str, Any]) -> list[tuple[str, int]]:
    return [(stop["kind"], stop["id"]) for stop in body["stops"]]


def test_stops_are_the_due_sites_and_this_weeks_cases_in_route_order_from_the_phone(
    api: Any, inspector_a: Any, day: dict[str, Any]
) -> None:
    response = api(inspector_a).get(URL, HERE)
    assert response.status_code == 200, response.content
    body = response.json()
    wanted = ["overdue_site", "due_site", "far_site", "case_this_week", "overdue_case"]
    rows = [day[name] for name in wanted]
    expected_set = {("site" if isinstance(row, Site) else "case", row.pk) for row in rows}
    assert set(_keys(body)) == expected_set
    # The order is the route from the phone through exactly these points.
    points = [LatLon(row.location.y, row.location.x) for row in rows]
    route = plan_route(LatLon(10.77, 106.69), points)
    expected = [("site" if isinstance(rows[i], Site) else "case", rows[i].pk) for i in route.order]
    assert _keys(body) == expected
    assert [stop["order"] for stop in body["stops"]] == [1, 2, 3, 4, 5]
    assert body["ordered_by"] == "route_from_position"
    assert body["origin"] == {"lat": 10.77, "lon": 106.69}
    # The nearest stop (≈ 78 m away) comes first; legs add up to the route.
    first = body["stops"][0]
    assert (first["kind"], first["id"]) == ("site", day["due_site"].pk)
    assert first["distance_m"] == pytest.approx(77.5, abs=1) == first["leg_m"]
    assert body["route_m"] == pytest.approx(route.length_m, abs=0.5)
    assert sum(stop["leg_m"] for stop in body["stops"]) == pytest.approx(body["route_m"], abs=1)
    assert body["today_display"] == "11/03/2026" and body["week_end_display"] == "15/03/2026"
    assert body["counts"] == {"sites": 3, "cases": 2, "overdue": 3}
    assert body["truncated"] is False


def test_each_stop_says_what_it_is_when_it_is_due_and_where_it_links(
    api: Any, inspector_a: Any, day: dict[str, Any]
) -> None:
    stops = {(s["kind"], s["id"]): s for s in api(inspector_a).get(URL, HERE).json()["stops"]}
    overdue = stops[("site", day["overdue_site"].pk)]
    assert overdue["due"] == "2026-03-02" and overdue["due_display"] == "02/03/2026"
    assert overdue["overdue"] is True and overdue["link"] == f"#/visit/{day['overdue_site'].pk}"
    assert overdue["detail"] == str(SiteStatus.STRUCTURE.label)
    assert overdue["label"] == day["overdue_site"].address and overdue["ward"] == "Phường A"
    due_today = stops[("site", day["due_site"].pk)]
    assert due_today["overdue"] is False and due_today["due_display"] == "11/03/2026"
    # A site without an address is still labelled.
    assert stops[("site", day["far_site"].pk)]["label"] == f"#{day['far_site'].pk}"
    case = stops[("case", day["case_this_week"].pk)]
    assert case["label"] == day["case_this_week"].code and case["address"] == "5 Lê Lợi"
    assert case["overdue"] is False and case["due_display"] == "13/03/2026"
    assert case["link"] == f"#/case/{day['case_this_week'].pk}"
    # The field app's case card, so the case view opens from Today offline.
    assert case["case"]["code"] == day["case_this_week"].code
    assert case["case"]["deadline_display"] == "13/03/2026"
    assert stops[("case", day["overdue_case"].pk)]["overdue"] is True


def test_without_a_position_the_most_urgent_stop_comes_first(
    api: Any, inspector_a: Any, day: dict[str, Any]
) -> None:
    body = api(inspector_a).get(URL).json()
    assert body["ordered_by"] == "route_from_most_urgent" and body["origin"] is None
    first = body["stops"][0]
    assert (first["kind"], first["id"]) == ("case", day["overdue_case"].pk)
    assert first["leg_m"] is None and first["distance_m"] is None
    rest = [day[n] for n in ["overdue_site", "due_site", "far_site", "case_this_week"]]
    here = day["overdue_case"].location
    route = plan_route(LatLon(here.y, here.x), [LatLon(r.location.y, r.location.x) for r in rest])
    expected = [("site" if isinstance(rest[i], Site) else "case", rest[i].pk) for i in route.order]
    assert _keys(body)[1:] == expected
    assert all(stop["leg_m"] > 0 for stop in body["stops"][1:])


def test_ward_leaders_see_their_wards_day_and_nobody_sees_another_ward(
    api: Any, inspector_a: Any, leader_a: Any, inspector_b: Any, day: dict[str, Any]
) -> None:
    own = _keys(api(inspector_a).get(URL, HERE).json())
    assert _keys(api(leader_a).get(URL, HERE).json()) == own
    other = set(_keys(api(inspector_b).get(URL, HERE).json()))
    assert other == {("site", day["other_ward_site"].pk), ("case", day["other_ward_case"].pk)}
    assert not other & set(own)


@pytest.mark.parametrize("role", [Role.CITY_AUDITOR, Role.ADMIN])
def test_city_roles_are_refused_like_the_field_app(
    api: Any, role: str, day: dict[str, Any]
) -> None:
    user = UserFactory(role=role)
    response = api(user).get(URL, HERE)
    assert response.status_code == 403
    assert "cán bộ thanh tra và lãnh đạo phường" in response.json()["detail"]


def test_a_ward_user_of_no_ward_has_an_empty_day_and_anonymous_is_refused(
    api: Any, client: Any, day: dict[str, Any]
) -> None:
    lonely = UserFactory(role=Role.INSPECTOR)
    body = api(lonely).get(URL, HERE).json()
    assert body["stops"] == [] and body["route_m"] == 0
    assert client.get(URL).status_code in (401, 403)


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"lat": "106.69", "lon": "10.77"}, "lat", "đảo ngược"),
        ({"lat": "nan", "lon": "106.69"}, "lat", "phải là số"),
        ({"lat": "10.77", "lon": "inf"}, "lat", "phải là số"),
        ({"lat": "abc", "lon": "106.69"}, "lat", "phải là số"),
        ({"lat": "95", "lon": "200"}, "lat", "không phải là"),
        ({"lat": "48.85", "lon": "2.35"}, "lat", "ngoài lãnh thổ Việt Nam"),
        ({"lat": "10.77"}, "lon", "cả vĩ độ"),
        ({"lon": "106.69"}, "lat", "cả vĩ độ"),
    ],
)
def test_a_bad_position_is_refused_in_vietnamese(
    api: Any, inspector_a: Any, params: dict[str, str], field: str, words: str
) -> None:
    response = api(inspector_a).get(URL, params)
    assert response.status_code == 400, response.content
    text = response.content.decode()
    assert words in text, text
    assert field in response.json()


def test_the_day_is_bounded_and_its_queries_do_not_grow_with_it(
    api: Any, inspector_a: Any, ward_a: Any
) -> None:
    client = api(inspector_a)
    site_at(ward_a, 10.771, 106.691, TODAY)
    case_at(ward_a, 10.772, 106.692, TODAY)
    client.get(URL, HERE)
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(URL, HERE).json()["stops"]) == 2
    for k in range(STOP_LIMIT + 10):
        site_at(
            ward_a,
            10.765 + k * 0.0002,
            106.685 + (k % 7) * 0.001,
            D(2026, 3, 1) + datetime.timedelta(days=k % 10),
        )
    for k in range(12):
        case_at(ward_a, 10.775 - k * 0.0003, 106.695, D(2026, 3, 2) + datetime.timedelta(days=k))
    with CaptureQueriesContext(connection) as many:
        body = client.get(URL, HERE).json()
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(body["stops"]) == STOP_LIMIT and body["truncated"] is True
    # The most urgent are kept: nothing left out is due before anything kept.
    kept_latest = max(stop["due"] for stop in body["stops"])
    assert kept_latest <= "2026-03-11"
