"""Periodic reports (issue 16 §1): periods, every indicator recomputed from the
rows in plain Python, access, marking sent, late reports, generation, files.

The constructed dataset (ward A 90001, ward B 90002) sits around the period
2026-11 (15/10/2026–14/11/2026), the one before (2026-10: 15/09–14/10/2026)
and the same month a year earlier (2025-11: 15/10–14/11/2025), with rows on
each boundary.
"""

from __future__ import annotations

import datetime
import io
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook
from rest_framework.test import APIClient

from backend.accounts.models import Role
from backend.audit.models import CaseEvent
from backend.audit.services import case_event_record
from backend.cases.fine_payment import decision_fine_total
from backend.cases.models import OPEN_STAGES, CaseStep, Stage, ViolationCase, ViolationType
from backend.cases.selectors.query import CaseQuery
from backend.core.errors import Conflict, InvalidInput, NotAllowed
from backend.permits.models import Permit
from backend.reports.models import PeriodicReport, PeriodicReportEvent, ReportingRule
from backend.reports.periodic.figures import periodic_figures
from backend.reports.periodic.indicators import PERIODS, compute, indicators
from backend.reports.periodic.periods import period_of, period_of_label, periods_ending
from backend.reports.periodic.selectors import late_reports
from backend.reports.periodic.services import (
    periodic_report_mark_sent,
    periodic_reports_generate,
)
from backend.sites.models import (
    ACTIVE_STATUSES,
    Site,
    SiteEvent,
    SiteEventKind,
    SiteOrigin,
    SiteStatus,
    Visit,
)
from tests.factories import CaseFactory, PermitFactory, UserFactory
from tests.sites.helpers import IN_B, make_site, make_visit

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
D = datetime.date


def at(day: str, hour: int = 9, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(D.fromisoformat(day), datetime.time(hour, minute), HCM)


# --- 1. periods --------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "label", "start", "end"),
    [
        ("month", "2026-11", D(2026, 10, 15), D(2026, 11, 14)),
        ("month", "2026-01", D(2025, 12, 15), D(2026, 1, 14)),
        ("month", "2026-12", D(2026, 11, 15), D(2026, 12, 14)),
        ("quarter", "2026-Q4", D(2026, 9, 15), D(2026, 12, 14)),
        ("quarter", "2026-Q1", D(2025, 12, 15), D(2026, 3, 14)),
        ("half_year", "2026-H1", D(2025, 12, 15), D(2026, 6, 14)),
        ("half_year", "2026-H2", D(2026, 6, 15), D(2026, 12, 14)),
        ("year", "2026", D(2025, 12, 15), D(2026, 12, 14)),
    ],
)
def test_period_arithmetic(kind: str, label: str, start: D, end: D) -> None:
    period = period_of(kind, label)
    assert (period.start, period.end) == (start, end)
    assert period.due_on == end + datetime.timedelta(days=5)  # the configurable default
    assert period_of_label(label) == period
    assert "09/2019/NĐ-CP" in period.rule.basis


@pytest.mark.django_db
def test_previous_and_last_year_periods_chain_without_gaps() -> None:
    for label in ("2026-01", "2026-Q1", "2026-H1", "2026", "2026-07"):
        period = period_of_label(label)
        before = period.previous()
        assert before.end + datetime.timedelta(days=1) == period.start
        assert period.last_year().start.year == period.start.year - 1
    assert period_of_label("2026-01").previous().label == "2025-12"
    assert period_of_label("2026-Q1").previous().label == "2025-Q4"
    assert period_of_label("2026-H1").previous().label == "2025-H2"


@pytest.mark.django_db
def test_a_later_rule_version_moves_the_cut_off_and_due_date() -> None:
    ReportingRule.objects.create(
        kind="month",
        cutoff_day=20,
        due_days=10,
        basis="Quyết định của UBND tỉnh (thử)",
        effective_from=D(2027, 1, 1),
    )
    assert period_of_label("2026-11").end == D(2026, 11, 14)  # the earlier version
    later = period_of_label("2027-03")
    assert (later.start, later.end, later.due_on) == (
        D(2027, 2, 20),
        D(2027, 3, 19),
        D(2027, 3, 29),
    )
    assert later.rule.basis == "Quyết định của UBND tỉnh (thử)"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "label", ["2026-13", "2026-00", "2026-Q5", "2026-H3", "26-11", "abc", "", "1999"]
)
def test_invalid_labels_are_refused(label: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        period_of_label(label)
    assert refused.value.field == "period"


@pytest.mark.django_db
def test_the_periods_ending_on_14_december_are_the_month_quarter_half_and_year() -> None:
    labels = sorted(p.label for p in periods_ending(D(2026, 12, 14)))
    assert labels == ["2026", "2026-12", "2026-H2", "2026-Q4"]
    assert [p.label for p in periods_ending(D(2026, 11, 14))] == ["2026-11"]
    assert periods_ending(D(2026, 11, 13)) == []


# --- 2. the constructed dataset ------------------------------------------------


def case(ward: Any, detected: datetime.datetime, **kw: Any) -> ViolationCase:
    c = CaseFactory(ward=ward, detected_at=detected, **kw)
    return c


def step(c: Any, action: str, day: str, before: str, after: str, **kw: Any) -> CaseStep:
    return CaseStep.objects.create(
        case=c,
        ward=c.ward,
        action=action,
        stage_before=before,
        stage_after=after,
        occurred_on=D.fromisoformat(day),
        actor=c.opened_by,
        **kw,
    )


@pytest.fixture
def dataset(ward_a: Any, ward_b: Any, inspector_a: Any) -> dict[str, Any]:
    # Permits: two in the period in A (its first and last day), one the day after,
    # one in the period before; one in B a year earlier.
    for day, ward in (
        ("2026-10-15", ward_a),
        ("2026-11-14", ward_a),
        ("2026-11-15", ward_a),
        ("2026-10-14", ward_a),
        ("2025-11-01", ward_b),
    ):
        PermitFactory(ward=ward, issued_on=D.fromisoformat(day))
    # Sites: s1 active throughout; s2 completed on 01/11/2026 (active only before);
    # s3 in B, active with no events since 2026-01; s4 starts after the period.
    s1 = make_site(ward_a, status=SiteStatus.STRUCTURE, status_since=D(2025, 9, 1))
    SiteEvent.objects.create(
        site=s1,
        kind=SiteEventKind.CREATED,
        on=D(2025, 9, 1),
        to_status="structure",
        actor=inspector_a,
    )
    s2 = make_site(ward_a, status=SiteStatus.COMPLETED, status_since=D(2026, 11, 1))
    SiteEvent.objects.create(
        site=s2,
        kind=SiteEventKind.CREATED,
        on=D(2026, 9, 1),
        to_status="started",
        actor=inspector_a,
    )
    SiteEvent.objects.create(
        site=s2,
        kind=SiteEventKind.STATUS_CHANGED,
        on=D(2026, 11, 1),
        from_status="started",
        to_status="completed",
        actor=inspector_a,
    )
    make_site(ward_b, IN_B, status=SiteStatus.FINISHING, status_since=D(2026, 1, 5))
    make_site(ward_a, status=SiteStatus.STARTED, status_since=D(2026, 11, 20))
    make_visit(s1, inspector_a, D(2026, 10, 20))
    make_visit(s1, inspector_a, D(2026, 11, 14))
    make_visit(s2, inspector_a, D(2026, 10, 1))
    # Cases, detected at the boundaries in local time.
    a1 = case(ward_a, at("2026-10-15", 0, 5), violation_type=ViolationType.CLAUSE_7)
    a2 = case(ward_a, at("2026-11-14", 23, 30), violation_type=ViolationType.CLAUSE_6)
    a3 = case(ward_a, at("2026-11-15", 0, 10), violation_type=ViolationType.CLAUSE_7)  # after
    a4 = case(ward_a, at("2026-10-01"), violation_type=ViolationType.CLAUSE_1)  # before
    a5 = case(
        ward_a,
        at("2026-11-02"),
        violation_type=ViolationType.CLAUSE_7,
        stage=Stage.SUSPENDED,
        stage_deadline=D(2026, 11, 10),
    )
    a6 = case(
        ward_a,
        at("2026-11-03"),
        violation_type=ViolationType.CLAUSE_9,
        stage=Stage.SUSPENDED,
        stage_deadline=D(2026, 11, 15),
    )
    b1 = case(ward_b, at("2025-10-20"), violation_type=ViolationType.CLAUSE_10)  # a year before
    b2 = case(ward_b, at("2026-10-30"), violation_type=ViolationType.CLAUSE_7, stage=Stage.HALTED)
    # a1 was opened from a site visit; a5 belongs to a site found on patrol; a6 was
    # opened from a citizen's report (and a visit later found it: still citizen);
    # a2's tip was only linked to it (not opened from it): not a citizen's report.
    make_visit(s1, inspector_a, D(2026, 10, 15), outcome="violation", case=a1)
    patrol_site = make_site(
        ward_a, origin=SiteOrigin.PATROL, status=SiteStatus.COMPLETED, status_since=D(2026, 11, 2)
    )
    patrol_site.cases.add(a5)
    permit_site = make_site(
        ward_a, origin=SiteOrigin.NOTIFIED, status=SiteStatus.COMPLETED, status_since=D(2026, 11, 2)
    )
    permit_site.cases.add(a2)
    case_event_record(case=a6, actor=inspector_a, kind="tip_linked", payload={"how": "opened"})
    make_visit(s1, inspector_a, D(2026, 11, 4), outcome="violation", case=a6)
    case_event_record(case=a2, actor=inspector_a, kind="tip_linked", payload={"how": "linked"})
    # Steps.
    step(
        a1, "record_violation", "2026-10-16", "detected", "suspended", deadline_due=D(2026, 10, 17)
    )
    step(
        a1,
        "issue_sanction_decision",
        "2026-10-25",
        "suspended",
        "halted",
        data={"fine_amount": 30_000_000},
    )
    step(a1, "record_fine_payment", "2026-11-05", "halted", "halted", data={"amount": 10_000_000})
    step(a1, "record_fine_payment", "2026-11-20", "halted", "halted", data={"amount": 20_000_000})
    step(a1, "decide_enforcement", "2026-11-10", "halted", "enforcement")
    step(a1, "record_enforcement", "2026-11-14", "enforcement", "closed")
    step(a5, "record_violation", "2026-11-03", "detected", "suspended")
    step(
        b2,
        "issue_sanction_decision",
        "2026-11-01",
        "suspended",
        "halted",
        data={"fines": [{"amount": 5_000_000}, {"amount": 7_500_000}], "fine_total": ""},
    )
    step(b2, "transfer", "2026-11-02", "halted", "transferred")
    step(b1, "confirm_conformity", "2025-11-03", "conformity_check", "closed")
    step(a4, "verify_self_demolition", "2026-10-10", "self_demolition", "closed")
    # Overdue at 14/11/2026: a5 (suspended, due 10/11, nothing since); a4? closed.
    # a2: its record, due 12/11, came on 20/11: overdue on 14/11 in "detected".
    step(
        a2, "record_violation", "2026-11-20", "detected", "suspended", deadline_due=D(2026, 11, 12)
    )
    # a6: due 15/11: not overdue on 14/11.
    # b2: a step after the end answering a deadline of 16/11: not overdue then.
    step(
        b2, "close_transferred", "2026-11-25", "transferred", "closed", deadline_due=D(2026, 11, 16)
    )
    return {"a": [a1, a2, a3, a4, a5, a6], "b": [b1, b2]}


# --- the independent recomputation (plain ORM reads, Python logic) -------------

STEP_SETS = {
    "records": {"record_violation"},
    "decisions": {"issue_sanction_decision", "receive_decision", "issue_remedy_decision"},
    "enforcement_decisions": {"decide_enforcement"},
    "executions": {"record_enforcement"},
    "transfers": {"transfer"},
    "remedy_legalised": {"confirm_conformity"},
    "remedy_self_demolished": {"verify_self_demolition"},
    "remedy_enforced": {"record_enforcement"},
}


def expected(period: Any, ward_code: str | None) -> dict[str, int]:
    start, end = period.start, period.end

    def inside(day: D) -> bool:
        return start <= day <= end

    def ours(code: str) -> bool:
        return ward_code is None or code == ward_code

    cases = [c for c in ViolationCase.objects.select_related("ward") if ours(c.ward.code)]
    steps = [s for s in CaseStep.objects.select_related("case__ward") if ours(s.case.ward.code)]
    visits = list(Visit.objects.select_related("site__ward"))
    out: dict[str, int] = {}
    out["permits_issued"] = sum(
        1
        for p in Permit.objects.select_related("ward")
        if ours(p.ward.code) and inside(p.issued_on)
    )
    active = []
    for site in Site.objects.select_related("ward"):
        if not ours(site.ward.code):
            continue
        events = sorted(
            (e for e in SiteEvent.objects.filter(site=site) if e.on <= end and e.to_status),
            key=lambda e: (e.on, e.pk),
        )
        status = (
            events[-1].to_status if events else (site.status if site.status_since <= end else None)
        )
        if status in ACTIVE_STATUSES:
            active.append(site)
    out["active_sites"] = len(active)
    out["visits"] = sum(1 for v in visits if ours(v.site.ward.code) and inside(v.visited_on))
    seen = {v.site_id for v in visits if inside(v.visited_on)}
    out["sites_visited"] = sum(1 for s in active if s.pk in seen)
    out["coverage"] = round(100 * out["sites_visited"] / len(active)) if active else 0
    detected = [c for c in cases if inside(timezone.localtime(c.detected_at, HCM).date())]
    out["detected"] = len(detected)
    for code in ViolationType.values:
        out[f"detected_{code}"] = sum(1 for c in detected if c.violation_type == code)
    from_tip = {
        e.case_id
        for e in CaseEvent.objects.all()
        if e.kind == "tip_linked" and (e.payload or {}).get("how") == "opened"
    }
    from_patrol = {v.case_id for v in visits if v.case_id} | {
        c.pk
        for site in Site.objects.prefetch_related("cases")
        if site.origin == SiteOrigin.PATROL
        for c in site.cases.all()
    }
    out["source_citizen"] = sum(1 for c in detected if c.pk in from_tip)
    out["source_patrol"] = sum(1 for c in detected if c.pk in from_patrol - from_tip)
    out["source_other"] = sum(1 for c in detected if c.pk not in from_patrol | from_tip)
    for key, actions in STEP_SETS.items():
        out[key] = len({s.case_id for s in steps if s.action in actions and inside(s.occurred_on)})
    out["fines_imposed"] = sum(
        decision_fine_total(s)
        for s in steps
        if s.action in STEP_SETS["decisions"] and inside(s.occurred_on)
    )
    out["fines_collected"] = sum(
        int(s.data.get("amount") or 0)
        for s in steps
        if s.action == "record_fine_payment" and inside(s.occurred_on)
    )
    overdue: dict[str, int] = {}
    for c in cases:
        if timezone.localtime(c.detected_at, HCM).date() > end:
            continue
        later = sorted(
            (
                s
                for s in steps
                if s.case_id == c.pk
                and s.occurred_on > end
                and (s.deadline_due is not None or s.stage_after != s.stage_before)
            ),
            key=lambda s: (s.occurred_on, s.pk),
        )
        if later:
            if later[0].deadline_due is not None and later[0].deadline_due <= end:
                overdue[later[0].stage_before] = overdue.get(later[0].stage_before, 0) + 1
        elif (
            c.stage in OPEN_STAGES
            and c.stage_deadline
            and c.stage_deadline <= end
            and not c.execution_suspended
        ):
            overdue[c.stage] = overdue.get(c.stage, 0) + 1
    out["overdue"] = sum(overdue.values())
    for code in Stage.values:
        if code != Stage.CLOSED:
            out[f"overdue_{code}"] = overdue.get(code, 0)
    return out


@pytest.mark.django_db
def test_every_indicator_matches_an_independent_count(dataset: dict[str, Any]) -> None:
    period = period_of_label("2026-11")
    computed = compute(period)
    keys = {i.key for i in indicators()}
    for scope in ("90001", "90002", None):
        for name, p in (
            ("current", period),
            ("previous", period.previous()),
            ("last_year", period.last_year()),
        ):
            want = expected(p, scope)
            assert set(want) == keys
            got = computed.per_ward[scope] if scope else computed.total
            assert {k: got[k][name] for k in keys} == want, (scope, name)
    # The same figures when one ward alone is computed.
    alone = compute(period, "90001")
    assert alone.per_ward["90001"] == computed.per_ward["90001"]
    # And the dataset is not empty where it matters: the figures are known.
    a = computed.per_ward["90001"]
    assert a["permits_issued"]["current"] == 2
    assert a["permits_issued"]["previous"] == 1
    assert a["active_sites"]["current"] == 1 and a["active_sites"]["previous"] == 2
    assert a["coverage"]["current"] == 100
    assert a["detected"]["current"] == 4  # a1, a2, a5, a6 (not a3, after; not a4, before)
    assert a["source_patrol"]["current"] == 2  # a1 (visit), a5 (site found on patrol)
    assert a["source_citizen"]["current"] == 1  # a6
    assert a["source_other"]["current"] == 1  # a2 (a tip only linked, a notified site)
    assert a["fines_imposed"]["current"] == 30_000_000
    assert a["fines_collected"]["current"] == 10_000_000
    assert a["overdue"]["current"] == 2
    assert a["overdue_detected"]["current"] == 1 and a["overdue_suspended"]["current"] == 1
    b = computed.per_ward["90002"]
    assert b["fines_imposed"]["current"] == 12_500_000
    assert b["remedy_legalised"]["last_year"] == 1
    assert b["overdue"]["current"] == 0


@pytest.mark.django_db
def test_each_link_lists_the_cases_counted(dataset: dict[str, Any], auditor: Any) -> None:
    figures = periodic_figures(period_of_label("2026-11"), "90001")
    checked = 0
    for item in figures["indicators"]:
        for name in PERIODS:
            link = item["links"][name]
            if not link or not link.startswith("/cases/?") or item["unit"] != "count":
                continue
            from django.http import QueryDict

            query = CaseQuery(QueryDict(link.split("?", 1)[1]))
            assert query.apply_on(ViolationCase.objects.all()).count() == item[name], (
                item["key"],
                name,
            )
            checked += 1
    assert checked > 60
    # The page of cases accepts the link.
    client = Client()
    client.force_login(auditor)
    link = next(i for i in figures["indicators"] if i["key"] == "records")["links"]["current"]
    assert client.get(link).status_code == 200


@pytest.mark.django_db
def test_permit_link_lists_the_permits_counted(dataset: dict[str, Any], auditor: Any) -> None:
    figures = periodic_figures(period_of_label("2026-11"), "90001")
    item = next(i for i in figures["indicators"] if i["key"] == "permits_issued")
    api = APIClient()
    api.force_authenticate(auditor)
    body = api.get(item["links"]["current"]).json()
    assert body["count"] == item["current"] == 2


# --- 3. access ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "ward", "status"),
    [
        ("inspector_a", "90001", 200),
        ("leader_a", "90001", 200),
        ("inspector_a", "90002", 403),
        ("inspector_a", "", 403),
        ("auditor", "90002", 200),
        ("auditor", "", 200),
        ("admin", "", 200),
        ("anonymous", "90001", 403),
    ],
)
def test_access_matrix(
    request: Any, ward_a: Any, ward_b: Any, who: str, ward: str, status: int
) -> None:
    api = APIClient()
    user = None
    if who == "admin":
        user = UserFactory(role=Role.ADMIN)
    elif who != "anonymous":
        user = request.getfixturevalue(who)
    if user is not None:
        api.force_authenticate(user)
    params = {"period": "2026-11", **({"ward": ward} if ward else {})}
    response = api.get("/api/periodic-reports/", params)
    assert response.status_code in ((401, 403) if who == "anonymous" else (status,))
    docx = Client()
    if user is not None:
        docx.force_login(user)
    file_response = docx.get("/reports/periodic/report.xlsx", params)
    if who == "anonymous":
        assert file_response.status_code == 302  # to the sign-in page
    else:
        assert file_response.status_code == status


@pytest.mark.django_db
def test_bad_period_and_unknown_ward_are_400_in_vietnamese(auditor: Any, ward_a: Any) -> None:
    api = APIClient()
    api.force_authenticate(auditor)
    bad = api.get("/api/periodic-reports/", {"period": "2026-13"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_period"
    assert "2026-Q4" in bad.json()["period"][0]
    missing = api.get("/api/periodic-reports/", {})
    assert missing.status_code == 400
    unknown = api.get("/api/periodic-reports/", {"period": "2026-11", "ward": "12345"})
    assert unknown.status_code == 400 and "12345" in unknown.json()["ward"][0]
    client = Client()
    client.force_login(auditor)
    assert client.get("/reports/periodic/report.docx", {"period": "2026-X"}).status_code == 400


# --- 4. generation, sending, late ------------------------------------------------


@pytest.mark.django_db
def test_generation_on_the_reporting_date_is_idempotent(dataset: dict[str, Any]) -> None:
    assert periodic_reports_generate(D(2026, 11, 14)) == 0  # not a reporting date
    assert periodic_reports_generate(D(2026, 11, 15)) == 3  # wards A, B and the city
    assert periodic_reports_generate(D(2026, 11, 15)) == 0
    call_command("generate_periodic_reports", "--today", "2026-11-15")
    assert PeriodicReport.objects.count() == 3
    report = PeriodicReport.objects.get(ward_code="90001", label="2026-11")
    assert (report.start, report.end, report.due_on) == (
        D(2026, 10, 15),
        D(2026, 11, 14),
        D(2026, 11, 19),
    )
    permits = next(i for i in report.figures["indicators"] if i["key"] == "permits_issued")
    assert permits["current"] == 2
    city = PeriodicReport.objects.get(ward_code="", label="2026-11")
    assert [w["code"] for w in city.figures["wards"]] == ["90001", "90002"]
    assert list(PeriodicReportEvent.objects.values_list("kind", flat=True)) == ["generated"] * 3
    # 15/12: month, quarter, half-year and year, for each of the three.
    assert periodic_reports_generate(D(2026, 12, 15)) == 12


@pytest.mark.django_db
def test_the_daily_job_is_registered() -> None:
    from django.conf import settings

    job = settings.TTXD_SCHEDULED_JOBS["generate_periodic_reports"]
    assert job["command"] == "generate_periodic_reports" and job["every_minutes"] == 1440


@pytest.mark.django_db
def test_leader_marks_sent_and_the_city_sees_the_late(
    dataset: dict[str, Any], leader_a: Any, inspector_a: Any, auditor: Any, ward_b: Any
) -> None:
    periodic_reports_generate(D(2026, 11, 15))
    mine = PeriodicReport.objects.get(ward_code="90001", label="2026-11")
    theirs = PeriodicReport.objects.get(ward_code="90002", label="2026-11")
    city = PeriodicReport.objects.get(ward_code="", label="2026-11")
    with pytest.raises(NotAllowed):
        periodic_report_mark_sent(mine, actor=inspector_a)
    with pytest.raises(NotAllowed):
        periodic_report_mark_sent(theirs, actor=leader_a)
    with pytest.raises(NotAllowed):
        periodic_report_mark_sent(city, actor=auditor)
    api = APIClient()
    api.force_authenticate(inspector_a)
    assert api.post(f"/api/periodic-reports/{mine.pk}/sent/").status_code == 403
    api.force_authenticate(leader_a)
    assert api.post(f"/api/periodic-reports/{theirs.pk}/sent/").status_code == 404
    answer = api.post(f"/api/periodic-reports/{mine.pk}/sent/")
    assert answer.status_code == 200 and answer.json()["status"] == "sent"
    mine.refresh_from_db()
    assert mine.sent_by == leader_a and mine.sent_at is not None and mine.reviewed_by == leader_a
    assert list(mine.events.values_list("kind", "actor")) == [
        ("generated", None),
        ("reviewed", leader_a.pk),
        ("sent", leader_a.pk),
    ]
    with pytest.raises(Conflict):
        periodic_report_mark_sent(mine, actor=leader_a)
    late = set(late_reports(auditor, D(2026, 11, 20)).values_list("ward_code", flat=True))
    assert late == {"90002", ""}
    assert set(late_reports(auditor, D(2026, 11, 19)).values_list("ward_code", flat=True)) == set()
    assert list(late_reports(leader_a, D(2026, 11, 20))) == []
    # The page: the city sees every ward's, late ones marked; the leader their own.
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    PeriodicReport.objects.update(due_on=yesterday)  # the page counts from today
    client = Client()
    client.force_login(auditor)
    page = client.get("/reports/periodic/").content.decode()
    assert page.count('data-report="') == 3
    assert f'<tr class="late" data-report="{theirs.pk}"' in page
    assert f'<tr class="" data-report="{mine.pk}"' in page  # sent: not late
    late_only = client.get("/reports/periodic/", {"late": "1"}).content.decode()
    assert late_only.count('data-report="') == 2
    client.force_login(leader_a)
    page = client.get("/reports/periodic/").content.decode()
    assert page.count('data-report="') == 1 and f'data-report="{mine.pk}"' in page
    client.force_login(inspector_a)
    assert client.post(f"/reports/periodic/{mine.pk}/sent/").status_code in (400, 403, 409)


# --- 5. files ------------------------------------------------------------------


@pytest.mark.django_db
def test_docx_and_xlsx_carry_the_tables(
    dataset: dict[str, Any], auditor: Any, leader_a: Any
) -> None:
    periodic_reports_generate(D(2026, 11, 15))
    client = Client()
    client.force_login(leader_a)
    response = client.get("/reports/periodic/report.docx", {"ward": "90001", "period": "2026-11"})
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "15/10/2026" in text and "14/11/2026" in text
    table = next(t for t in doc.tables if t.rows[0].cells[1].text == "Chỉ tiêu")
    assert len(table.rows) == 1 + len(indicators())
    first = [c.text for c in table.rows[1].cells]
    assert first[0] == "1" and first[2:] == ["2", "1", "0"]  # permits: this, before, last year
    fines = next(r for r in table.rows if r.cells[2].text == "30.000.000")
    assert fines.cells[4].text == "0"
    client.force_login(auditor)
    city = Document(
        io.BytesIO(client.get("/reports/periodic/report.docx", {"period": "2026-11"}).content)
    )
    wards = next(t for t in city.tables if t.rows[0].cells[0].text == "Mã")
    assert [r.cells[0].text for r in wards.rows[1:]] == ["90001", "90002"]
    xlsx = client.get("/reports/periodic/report.xlsx", {"period": "2026-11", "ward": "90001"})
    book = load_workbook(io.BytesIO(xlsx.content))
    rows = list(book.worksheets[0].iter_rows(min_row=3, values_only=True))
    assert len(rows) == len(indicators())
    assert rows[0][2:5] == (2, 1, 0) and rows[0][5].startswith("/api/permits/?")
    city_book = load_workbook(
        io.BytesIO(client.get("/reports/periodic/report.xlsx", {"period": "2026-11"}).content)
    )
    assert [r[0] for r in city_book.worksheets[1].iter_rows(min_row=2, values_only=True)] == [
        "90001",
        "90002",
    ]


@pytest.mark.django_db
def test_api_answers_live_figures_and_the_snapshot(dataset: dict[str, Any], leader_a: Any) -> None:
    api = APIClient()
    api.force_authenticate(leader_a)
    before = api.get("/api/periodic-reports/", {"ward": "90001", "period": "2026-11"}).json()
    assert before["report"] is None and before["snapshot"] is None
    assert before["live"]["period"]["start"] == "2026-10-15"
    periodic_reports_generate(D(2026, 11, 15))
    after = api.get("/api/periodic-reports/", {"ward": "90001", "period": "2026-11"}).json()
    assert after["report"]["status"] == "draft" and after["report"]["due_on"] == "2026-11-19"
    assert after["snapshot"]["indicators"] == after["live"]["indicators"]
    for label in ("2026-Q4", "2026-H2", "2026"):
        assert (
            api.get("/api/periodic-reports/", {"ward": "90001", "period": label}).status_code == 200
        )


@pytest.mark.django_db
def test_a_missed_reporting_date_is_caught_up_within_a_week(dataset: dict[str, Any]) -> None:
    assert periodic_reports_generate(D(2026, 11, 18)) == 3  # the scheduler was down on 15/11
    assert periodic_reports_generate(D(2026, 11, 19)) == 0
    assert periodic_reports_generate(D(2026, 11, 23)) == 0


@pytest.mark.django_db
def test_the_list_api_shows_the_late_reports_to_the_city(
    dataset: dict[str, Any], auditor: Any, inspector_a: Any
) -> None:
    periodic_reports_generate(D(2026, 11, 15))
    PeriodicReport.objects.update(due_on=timezone.localdate() - datetime.timedelta(days=1))
    api = APIClient()
    api.force_authenticate(auditor)
    body = api.get("/api/periodic-reports/list/", {"late": "1"}).json()
    assert body["count"] == 3 and all(r["late"] for r in body["results"])
    assert api.get("/api/periodic-reports/list/", {"ward": "city"}).json()["count"] == 1
    api.force_authenticate(inspector_a)
    mine = api.get("/api/periodic-reports/list/").json()
    assert [r["ward_code"] for r in mine["results"]] == ["90001"]


@pytest.mark.django_db
@pytest.mark.parametrize("source", ["patrol", "citizen", "other"])
def test_the_new_case_filters_work_on_the_map_too(
    dataset: dict[str, Any], auditor: Any, source: str
) -> None:
    api = APIClient()
    api.force_login(auditor)  # the tiles are a plain view: the session
    params = {
        "source": source,
        "overdue_on": "2026-11-14",
        "step": "record_violation",
        "step_to": "2026-12-01",
    }
    for url in ("/api/map/counts/", "/api/cases/", "/api/tiles/cases/0/0/0.pbf"):
        assert api.get(url, params).status_code == 200, url
    geojson = api.get("/api/map/cases.geojson", params | {"bbox": "106.6,10.7,106.8,10.9"})
    assert geojson.status_code == 200, geojson.content
    refused = api.get("/api/cases/", {"step_from": "2026-11-01"})
    assert refused.status_code == 400 and "step" in refused.json()


@pytest.mark.django_db
def test_the_built_in_template_is_what_the_builder_writes() -> None:
    import zipfile

    from backend.reports.periodic.documents import BUILT_IN, build_template

    out = io.BytesIO()
    build_template().save(out)
    with zipfile.ZipFile(out) as built, zipfile.ZipFile(BUILT_IN) as stored:
        assert built.read("word/document.xml") == stored.read("word/document.xml")


@pytest.mark.django_db
def test_an_admin_replacement_template_is_checked_and_used(
    dataset: dict[str, Any], leader_a: Any, settings: Any, tmp_path: Any
) -> None:
    from django.core.files.base import ContentFile

    from backend.cases.documents.templates_in_force import check_replacement_template
    from backend.cases.models import DocumentTemplate
    from backend.reports.periodic.documents import BUILT_IN, build_template

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    check_replacement_template("PERIODIC_REPORT", io.BytesIO(BUILT_IN.read_bytes()))
    bare = Document()
    bare.add_paragraph("{{ report_title }}")
    out = io.BytesIO()
    bare.save(out)
    with pytest.raises(InvalidInput) as refused:
        check_replacement_template("PERIODIC_REPORT", io.BytesIO(out.getvalue()))
    assert "{{ rows }}" in str(refused.value.message)
    replacement = build_template()
    replacement.add_paragraph("Mẫu thay thế của UBND tỉnh")
    data = io.BytesIO()
    replacement.save(data)
    DocumentTemplate.objects.create(
        document_type="PERIODIC_REPORT",
        effective_from=D(2026, 1, 1),
        file=ContentFile(data.getvalue(), name="bao-cao.docx"),
        basis="Quyết định thử",
    )
    client = Client()
    client.force_login(leader_a)
    response = client.get("/reports/periodic/report.docx", {"ward": "90001", "period": "2026-11"})
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "Mẫu thay thế của UBND tỉnh" in text
    assert "{{" not in text and "{%" not in text


@pytest.mark.django_db
def test_review_then_send(dataset: dict[str, Any], leader_a: Any) -> None:
    periodic_reports_generate(D(2026, 11, 15))
    mine = PeriodicReport.objects.get(ward_code="90001", label="2026-11")
    client = Client()
    client.force_login(leader_a)
    assert "/reviewed/" in client.get("/reports/periodic/").content.decode()
    assert client.post(f"/reports/periodic/{mine.pk}/reviewed/").status_code == 302
    mine.refresh_from_db()
    assert mine.status == "reviewed" and mine.reviewed_by == leader_a and mine.sent_at is None
    assert client.post(f"/reports/periodic/{mine.pk}/reviewed/").status_code == 409
    assert client.post(f"/reports/periodic/{mine.pk}/sent/").status_code == 302
    mine.refresh_from_db()
    assert mine.status == "sent"
    assert list(mine.events.values_list("kind", flat=True)) == ["generated", "reviewed", "sent"]


@pytest.mark.django_db
def test_the_statements_do_not_grow_with_the_wards_or_cases(
    dataset: dict[str, Any],
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import WardFactory

    period = period_of_label("2026-11")
    with CaptureQueriesContext(connection) as small:
        compute(period)
    for n in range(5):
        ward = WardFactory(code=f"8000{n}")
        for k in range(4):
            c = case(
                ward, at(f"2026-11-0{k + 1}"), stage=Stage.SUSPENDED, stage_deadline=D(2026, 11, 5)
            )
            step(c, "record_violation", f"2026-11-0{k + 2}", "detected", "suspended")
        PermitFactory(ward=ward, issued_on=D(2026, 11, 1))
    with CaptureQueriesContext(connection) as large:
        computed = compute(period)
    assert len(large.captured_queries) == len(small.captured_queries) < 40
    assert computed.per_ward["80004"]["records"]["current"] == 4
