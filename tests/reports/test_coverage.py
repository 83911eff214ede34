"""Inspection coverage per ward this month (backend.reports.coverage), in the dashboard,
its API and its exports, for each role and ward.

Today is Monday 16/03/2026 (Asia/Ho_Chi_Minh). Sites, visits and cases are written
directly; every figure is also recomputed here, in Python, from the rows.

    ward A site  status       visits (local day, inspector)          next due   figures
    S1           structure    28/02 a; 05/03 a; 12/03 a2              20/03      due, on schedule
    S2           foundation   02/03 a                                 12/03      due, overdue
    S3           finishing    —                                       10/03      due, overdue, never
    S4           started      —                                       25/03      never (not due yet)
    S5           structure    20/02 a                                 10/04      (not due this month)
    S6           completed    03/03 a2                                —          not active
    S7 (patrol)  not started  10/03 a, violation → case CA1           —          not active
    S8 (patrol)  abandoned    —, linked to case CA2                   —          not active
    ward B
    T1           structure    04/03 b                                 18/03      due, on schedule
    T2           started      —                                       —          never
    T3           foundation   —                                       16/03      due today: due, never

    cases: CA1 10/03 (opened by S7's visit: patrol), CA2 01/03 00:30 (site found on
    patrol), CA3 28/02 23:30 (February: not counted), CA4 12/03 (other), CA5 14/03
    (linked to S1, a permitted site, not from a visit: other), CA6 01/04 00:10
    (April: not counted); CB1 05/03 (other).
"""

from __future__ import annotations

import csv
import datetime
import io
import random
from collections import Counter
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.contrib.gis.geos import Point
from django.test import Client
from django.urls import reverse

from backend.accounts.models import Role
from backend.audit.models import CaseEvent, EventKind
from backend.audit.services import case_event_record
from backend.cases.models import ViolationCase
from backend.reports.coverage import coverage_figures, month_of
from backend.sites.models import (
    ACTIVE_STATUSES,
    Site,
    SiteOrigin,
    SiteStatus,
    Visit,
    VisitOutcome,
)
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = datetime.date(2026, 3, 16)
NOW = datetime.datetime(2026, 3, 16, 9, 30, tzinfo=HCM)
D = datetime.date


def site(ward: Any, status: str, due: datetime.date | None, **kw: Any) -> Site:
    return Site.objects.create(
        ward=ward,
        origin=kw.pop("origin", SiteOrigin.NOTIFIED),
        address=kw.pop("address", f"{random.randint(1, 999)} Đường Thử"),
        location=Point(106.69, 10.77, srid=4326),
        status=status,
        status_since=D(2026, 1, 5),
        next_visit_due=due,
        **kw,
    )


def visit(
    on_site: Site, inspector: Any, day: datetime.date, outcome: str = "conforming", case: Any = None
) -> Visit:
    at = datetime.datetime.combine(day, datetime.time(8, 15), tzinfo=HCM)
    return Visit.objects.create(
        site=on_site,
        inspector=inspector,
        visited_at=at,
        visited_on=day,
        outcome=outcome,
        case=case,
    )


def case(ward: Any, actor: Any, when: datetime.datetime) -> ViolationCase:
    return CaseFactory(ward=ward, opened_by=actor, detected_at=when)  # type: ignore[no-any-return]


def local(y: int, m: int, d: int, h: int = 9, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(y, m, d, h, minute, tzinfo=HCM)


@dataclass
class Watched:
    s1: Site
    inspector_a2: Any


@pytest.fixture
def watched(ward_a: Any, ward_b: Any, inspector_a: Any, inspector_b: Any) -> Watched:
    a2 = UserFactory(
        username="inspector_a2", full_name="Lê Thị Hai", role=Role.INSPECTOR, wards=[ward_a]
    )
    s1 = site(ward_a, SiteStatus.STRUCTURE, D(2026, 3, 20))
    visit(s1, inspector_a, D(2026, 2, 28))
    visit(s1, inspector_a, D(2026, 3, 5))
    visit(s1, a2, D(2026, 3, 12))
    s2 = site(ward_a, SiteStatus.FOUNDATION, D(2026, 3, 12))
    visit(s2, inspector_a, D(2026, 3, 2))
    site(ward_a, SiteStatus.FINISHING, D(2026, 3, 10))
    site(ward_a, SiteStatus.STARTED, D(2026, 3, 25))
    s5 = site(ward_a, SiteStatus.STRUCTURE, D(2026, 4, 10))
    visit(s5, inspector_a, D(2026, 2, 20))
    s6 = site(ward_a, SiteStatus.COMPLETED, None)
    visit(s6, a2, D(2026, 3, 3))
    s7 = site(ward_a, SiteStatus.NOT_STARTED, None, origin=SiteOrigin.PATROL)
    ca1 = case(ward_a, inspector_a, local(2026, 3, 10, 10))
    visit(s7, inspector_a, D(2026, 3, 10), VisitOutcome.VIOLATION, ca1)
    s8 = site(ward_a, SiteStatus.ABANDONED, None, origin=SiteOrigin.PATROL)
    s8.cases.add(case(ward_a, inspector_a, local(2026, 3, 1, 0, 30)))
    case(ward_a, inspector_a, local(2026, 2, 28, 23, 30))
    case(ward_a, inspector_a, local(2026, 3, 12))
    s1.cases.add(case(ward_a, inspector_a, local(2026, 3, 14)))
    case(ward_a, inspector_a, local(2026, 4, 1, 0, 10))

    t1 = site(ward_b, SiteStatus.STRUCTURE, D(2026, 3, 18))
    visit(t1, inspector_b, D(2026, 3, 4))
    site(ward_b, SiteStatus.STARTED, None)
    site(ward_b, SiteStatus.FOUNDATION, TODAY)
    case(ward_b, inspector_b, local(2026, 3, 5))
    return Watched(s1=s1, inspector_a2=a2)


# --- The figures recomputed from the rows, independently of the SQL --------------------
def recompute(ward_codes: set[str], today: datetime.date) -> dict[str, dict[str, int]]:
    first, last = month_of(today)
    out: dict[str, dict[str, int]] = {}
    visits = list(Visit.objects.select_related("site__ward"))
    for code in sorted(ward_codes):
        sites = [s for s in Site.objects.select_related("ward") if s.ward.code == code]
        in_month = Counter(
            v.site_id for v in visits if v.site.ward.code == code and first <= v.visited_on <= last
        )
        ever = {v.site_id for v in visits}
        active = [s for s in sites if s.status in ACTIVE_STATUSES]
        due = [
            s
            for s in active
            if in_month[s.pk] or (s.next_visit_due is not None and s.next_visit_due <= today)
        ]
        on_schedule = [
            s
            for s in due
            if in_month[s.pk] and (s.next_visit_due is None or s.next_visit_due >= today)
        ]
        since = datetime.datetime.combine(first, datetime.time(0), tzinfo=HCM)
        until = datetime.datetime.combine(
            last + datetime.timedelta(days=1), datetime.time(0), tzinfo=HCM
        )
        from_tips = patrol = other = 0
        for c in ViolationCase.objects.filter(ward__code=code):
            if not since <= c.detected_at < until:
                continue
            from_visit = Visit.objects.filter(case=c).exists()
            from_patrol_site = c.sites.filter(origin=SiteOrigin.PATROL).exists()
            opened_from_tip = CaseEvent.objects.filter(
                case=c, kind=EventKind.TIP_LINKED, payload__how="opened"
            ).exists()
            if opened_from_tip:
                from_tips += 1
            elif from_visit or from_patrol_site:
                patrol += 1
            else:
                other += 1
        out[code] = {
            "active": len(active),
            "due": len(due),
            "on_schedule": len(on_schedule),
            "overdue": sum(
                1 for s in active if s.next_visit_due is not None and s.next_visit_due < today
            ),
            "never_visited": sum(1 for s in active if s.pk not in ever),
            "visits": sum(in_month[s.pk] for s in sites),
            "violations_tip": from_tips,
            "violations_patrol": patrol,
            "violations_other": other,
        }
    return out


FIELDS = (
    "active",
    "due",
    "on_schedule",
    "overdue",
    "never_visited",
    "visits",
    "violations_tip",
    "violations_patrol",
    "violations_other",
)


def as_dict(row: Any) -> dict[str, int]:
    return {key: getattr(row, key) for key in FIELDS}


WARDS = [("90001", "Phường A"), ("90002", "Phường B")]


def test_the_figures_of_each_ward_and_of_the_city(watched: Watched, auditor: Any) -> None:
    coverage = coverage_figures(auditor, WARDS, today=TODAY)
    rows = {w.code: w for w in coverage.wards}
    assert (coverage.first, coverage.last, coverage.month) == (
        D(2026, 3, 1),
        D(2026, 3, 31),
        "2026-03",
    )
    expected = {
        "90001": dict(zip(FIELDS, (5, 3, 1, 2, 2, 5, 0, 2, 2), strict=True)),
        "90002": dict(zip(FIELDS, (3, 2, 1, 0, 2, 1, 0, 0, 1), strict=True)),
    }
    assert {code: as_dict(row) for code, row in rows.items()} == expected
    assert expected == recompute({"90001", "90002"}, TODAY)
    assert as_dict(coverage.city) == dict(zip(FIELDS, (8, 5, 2, 2, 4, 6, 0, 2, 3), strict=True))
    assert rows["90001"].on_schedule_share == pytest.approx(1 / 3)
    assert coverage.city.on_schedule_share == 0.4
    by_inspector = {(i.name, i.visits, i.sites, i.violations) for i in rows["90001"].inspectors}
    assert by_inspector == {("inspector_a", 3, 3, 1), ("Lê Thị Hai", 2, 2, 0)}
    assert [(i.name, i.visits) for i in rows["90002"].inspectors] == [("inspector_b", 1)]
    assert [i.visits for i in coverage.city.inspectors] == [3, 2, 1]


def test_a_ward_with_no_site_has_its_row_of_zeros(ward_a: Any, auditor: Any) -> None:
    coverage = coverage_figures(auditor, WARDS[:1], today=TODAY)
    assert [w.code for w in coverage.wards] == ["90001"]
    assert as_dict(coverage.wards[0]) == dict.fromkeys(FIELDS, 0)
    assert coverage.wards[0].on_schedule_share is None


def test_the_month_turns_at_midnight_in_ho_chi_minh_city(watched: Watched, auditor: Any) -> None:
    # On 01/04 the month is April: March's visits and cases no longer count.
    april = coverage_figures(auditor, WARDS, today=D(2026, 4, 1))
    assert april.month == "2026-04"
    assert (april.city.visits, april.city.violations_patrol, april.city.violations_other) == (
        0,
        0,
        1,  # CA6, detected 01/04 00:10 local time (31/03 in UTC)
    )
    february = coverage_figures(auditor, WARDS, today=D(2026, 2, 28))
    # CA3 was detected 28/02 23:30 local time (16:30 UTC); CA2 at 00:30 on 01/03 is March's.
    assert february.city.violations_other == 1 and february.city.violations_patrol == 0
    assert february.city.visits == 2  # S1 on 28/02 and S5 on 20/02


def test_random_sites_match_the_figures_recomputed_in_python(
    ward_a: Any, ward_b: Any, inspector_a: Any, inspector_b: Any, auditor: Any
) -> None:
    rng = random.Random(14)
    statuses = list(SiteStatus)
    for _ in range(60):
        ward, who = rng.choice([(ward_a, inspector_a), (ward_b, inspector_b)])
        due = rng.choice([None, TODAY, TODAY + datetime.timedelta(days=rng.randint(-40, 40))])
        origin = rng.choice([SiteOrigin.NOTIFIED, SiteOrigin.PATROL])
        one = site(ward, rng.choice(statuses), due, origin=origin)
        for _visit in range(rng.randint(0, 3)):
            day = TODAY - datetime.timedelta(days=rng.randint(0, 45))
            found = rng.random() < 0.2
            opened = (
                case(ward, who, datetime.datetime.combine(day, datetime.time(10), tzinfo=HCM))
                if found
                else None
            )
            visit(one, who, day, VisitOutcome.VIOLATION if found else "conforming", opened)
        if rng.random() < 0.3:
            day = TODAY - datetime.timedelta(days=rng.randint(0, 30))
            one.cases.add(
                case(ward, who, datetime.datetime.combine(day, datetime.time(23, 50), tzinfo=HCM))
            )
    for _ in range(10):
        ward, who = rng.choice([(ward_a, inspector_a), (ward_b, inspector_b)])
        case(ward, who, NOW - datetime.timedelta(hours=rng.randint(0, 24 * 40)))
    # Cases a citizen's report led to: opened from it (counted as such, even when a
    # patrol site holds them), or an earlier case it was linked to (not counted).
    for _ in range(12):
        ward, who = rng.choice([(ward_a, inspector_a), (ward_b, inspector_b)])
        one = case(ward, who, NOW - datetime.timedelta(hours=rng.randint(0, 24 * 40)))
        how = rng.choice(["opened", "opened", "linked"])
        case_event_record(
            case=one, actor=who, kind=EventKind.TIP_LINKED, payload={"tip_code": "PA", "how": how}
        )
        if rng.random() < 0.3:
            site(ward, SiteStatus.STRUCTURE, None, origin=SiteOrigin.PATROL).cases.add(one)
    coverage = coverage_figures(auditor, WARDS, today=TODAY)
    expected = recompute({"90001", "90002"}, TODAY)
    # A draw where every figure has something to count.
    assert all(e[key] > 0 for e in expected.values() for key in FIELDS), expected
    assert {w.code: as_dict(w) for w in coverage.wards} == expected
    assert as_dict(coverage.city) == {k: sum(e[k] for e in expected.values()) for k in FIELDS}


def test_the_figures_take_a_fixed_number_of_queries(
    watched: Watched, auditor: Any, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(3):
        coverage_figures(auditor, WARDS, today=TODAY)


# --- Who sees what ------------------------------------------------------------------------
@pytest.fixture
def leader_b(ward_b: Any) -> Any:
    return UserFactory(username="leader_b", role=Role.WARD_LEADER, wards=[ward_b])


def _people(request: Any, name: str) -> Any:
    return request.getfixturevalue(name)


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("who", "wards"),
    [
        ("inspector_a", {"90001"}),
        ("leader_a", {"90001"}),
        ("inspector_b", {"90002"}),
        ("leader_b", {"90002"}),
        ("auditor", {"90001", "90002"}),
        ("admin_user", {"90001", "90002"}),
    ],
)
def test_each_role_sees_its_wards_in_the_page_the_api_and_the_exports(
    request: Any, watched: Watched, who: str, wards: set[str]
) -> None:
    user = _people(request, who)
    client = Client()
    client.force_login(user)
    expected = recompute(wards, TODAY)

    html = client.get(reverse("audit_dashboard")).content.decode()
    for code in ("90001", "90002"):
        assert (f'<tr data-ward="{code}">' in html.split('id="coverage-wards"')[1]) == (
            code in wards
        )

    data = client.get(reverse("api-audit-dashboard")).json()["coverage"]
    assert {w["code"] for w in data["wards"]} == wards
    for w in data["wards"]:
        assert w["active_sites"] == expected[w["code"]]["active"]
        assert w["visited_on_schedule"] == expected[w["code"]]["on_schedule"]
        assert w["violations_on_patrol"] == expected[w["code"]]["violations_patrol"]
    assert data["city"]["visits"] == sum(e["visits"] for e in expected.values())

    response = client.get(reverse("audit_export", args=["coverage", "csv"]))
    assert response.status_code == 200 and response.streaming
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    )
    by_code = {r["Mã phường"]: r for r in rows}
    assert set(by_code) == wards | {""}
    for code in wards:
        assert int(by_code[code]["Số công trình đang thi công"]) == expected[code]["active"]
        assert (
            int(by_code[code]["Số công trình chưa từng được kiểm tra"])
            == (expected[code]["never_visited"])
        )
    inspectors = client.get(reverse("audit_export", args=["coverage-inspectors", "csv"]))
    names = {
        r["Cán bộ kiểm tra"]
        for r in csv.DictReader(
            io.StringIO(b"".join(inspectors.streaming_content).decode("utf-8-sig"))
        )
    }
    assert ("inspector_b" in names) == ("90002" in wards)
    assert ("Lê Thị Hai" in names) == ("90001" in wards)


def test_anonymous_users_get_no_figures(watched: Watched) -> None:
    client = Client()
    for url in (
        reverse("audit_dashboard"),
        reverse("audit_export", args=["coverage", "csv"]),
        reverse("audit_export", args=["coverage", "xlsx"]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert client.get(reverse("api-audit-dashboard")).status_code in (401, 403)


@time_machine.travel(NOW, tick=False)
def test_the_dashboard_page_shows_the_coverage_of_the_month(
    watched: Watched, leader_a: Any
) -> None:
    client = Client()
    client.force_login(leader_a)
    html = client.get(reverse("audit_dashboard")).content.decode()
    section = html.split('id="coverage"')[1].split("</section>")[0]
    assert "03/2026" in section and "16/03/2026" in section
    row = section.split('<tr data-ward="90001">')[1].split("</tr>")[0]
    cells = [c.split(">", 1)[1].split("<")[0].strip() for c in row.split("<td")[1:]]
    assert cells[:4] == ["5", "3", "1", "33%"]
    assert 'data-inspector="' in section and "Lê Thị Hai" in section
    assert reverse("inspection_plan") in section


@time_machine.travel(NOW, tick=False)
def test_the_xlsx_has_the_same_figures_and_a_sheet_per_inspector(
    watched: Watched, auditor: Any
) -> None:
    client = Client()
    client.force_login(auditor)
    response = client.get(reverse("audit_export", args=["coverage", "xlsx"]), {"ward": "90001"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    wards, inspectors = book.worksheets
    header, *rows = [list(r) for r in wards.iter_rows(values_only=True)]
    assert header[1] == "Mã phường" and len(rows) == 2  # ward A, then all wards shown
    row = dict(zip(header, rows[0], strict=True))
    assert row["Tháng"] == "03/2026" and row["Phường"] == "Phường A"
    assert row["Số công trình đến hạn kiểm tra trong tháng"] == 3
    assert row["Tỷ lệ kiểm tra đúng lịch"] == pytest.approx(0.3333)
    assert row["Số liệu tính đến ngày"].date() == TODAY
    assert rows[1][2] == "Tất cả các phường được chọn"
    names = [r[3] for r in inspectors.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == ["Lê Thị Hai", "inspector_a"]


@time_machine.travel(NOW, tick=False)
def test_the_ward_filter_narrows_the_coverage_and_never_widens_it(
    watched: Watched, auditor: Any, leader_a: Any
) -> None:
    expected = recompute({"90001"}, TODAY)["90001"]
    client = Client()
    client.force_login(auditor)
    data = client.get(reverse("api-audit-dashboard"), {"ward": "90001"}).json()["coverage"]
    assert [w["code"] for w in data["wards"]] == ["90001"]
    assert data["city"]["active_sites"] == expected["active"]
    assert data["city"]["violations_other_means"] == expected["violations_other"]

    # A leader of ward A asking for ward B gets nothing of ward B.
    client.force_login(leader_a)
    response = client.get(reverse("audit_export", args=["coverage", "csv"]), {"ward": "90002"})
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    )
    assert [r["Mã phường"] for r in rows] == [""]
    assert (
        rows[0]["Số công trình đang thi công"] == "0"
        and rows[0]["Số lượt kiểm tra trong tháng"] == "0"
    )
    data = client.get(reverse("api-audit-dashboard"), {"ward": "90002"}).json()["coverage"]
    assert data["wards"] == [] and data["city"]["visits"] == 0 and data["city"]["inspectors"] == []
