"""Sites from permits, their life and their inspection schedule (backend.sites)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.db import IntegrityError, transaction

from backend.cases.models import CalendarDay
from backend.core.errors import Conflict, InvalidInput, NotAllowed
from backend.permits.models import PermitStatus
from backend.sites.models import (
    InspectionPlanRule,
    PlanCondition,
    PlanMode,
    PlanScope,
    Site,
    SiteEvent,
    SiteEventKind,
    SiteOrigin,
    SiteStatus,
)
from backend.sites.selectors import inspection_overdue_q, sites_visible_to
from backend.sites.services.lifecycle import (
    site_record,
    site_reopen,
    site_status_change,
)
from backend.sites.services.permit_sync import sites_sync_from_permits
from backend.sites.services.plans import plan_rule_add
from backend.sites.services.schedule import site_schedule_refresh, sites_schedule_refresh
from tests.factories import PermitFactory, box

pytestmark = pytest.mark.django_db
D = datetime.date


def _site(permit: Any) -> Site:
    sites_sync_from_permits(today=D(2025, 9, 10))
    return Site.objects.get(permit=permit)


def test_every_permit_becomes_a_site_once(ward_a: Any, ward_b: Any) -> None:
    valid = PermitFactory(ward=ward_a)
    expired = PermitFactory(ward=ward_b, status=PermitStatus.EXPIRED, expires_on=D(2025, 8, 1))
    unplaced = PermitFactory(ward=ward_a, parcel=None, location=None)
    first = sites_sync_from_permits(today=D(2025, 9, 10))
    assert (first.created, first.unplaced) == (2, 1)
    site = Site.objects.get(permit=valid)
    assert site.origin == SiteOrigin.PERMIT
    assert site.status == SiteStatus.NOT_STARTED and site.status_since == valid.issued_on
    assert site.ward == ward_a and site.parcel is not None
    assert site.parcel.covers(site.location)
    assert Site.objects.get(permit=expired).status == SiteStatus.PERMIT_EXPIRED
    assert not Site.objects.filter(permit=unplaced).exists()
    assert SiteEvent.objects.filter(site=site, kind=SiteEventKind.CREATED).count() == 1
    again = sites_sync_from_permits(today=D(2025, 9, 10))
    assert (again.created, again.moved, again.expired) == (0, 0, 0)
    assert SiteEvent.objects.count() == 2


def test_a_site_follows_its_permit_to_another_ward_and_to_its_end(ward_a: Any, ward_b: Any) -> None:
    permit = PermitFactory(ward=ward_a)
    site = _site(permit)
    permit.ward = ward_b
    permit.status = PermitStatus.REVOKED
    permit.save()
    result = sites_sync_from_permits(today=D(2025, 10, 1))
    assert (result.moved, result.expired) == (1, 1)
    site.refresh_from_db()
    assert site.ward == ward_b and site.status == SiteStatus.PERMIT_EXPIRED
    kinds = list(SiteEvent.objects.filter(site=site).values_list("kind", flat=True))
    assert kinds == [
        SiteEventKind.CREATED,
        SiteEventKind.WARD_CHANGED,
        SiteEventKind.STATUS_CHANGED,
    ]


def test_status_moves_forward_with_evidence_and_a_version(inspector_a: Any, ward_a: Any) -> None:
    site = _site(PermitFactory(ward=ward_a))
    site = site_status_change(
        actor=inspector_a,
        site=site,
        to_status=SiteStatus.STARTED,
        on=D(2025, 9, 15),
        evidence="Thông báo khởi công số 12",
    )
    event = SiteEvent.objects.filter(site=site).last()
    assert event is not None
    assert (event.from_status, event.to_status, event.on, event.actor) == (
        SiteStatus.NOT_STARTED,
        SiteStatus.STARTED,
        D(2025, 9, 15),
        inspector_a,
    )
    with pytest.raises(Conflict):  # backwards
        site_status_change(
            actor=inspector_a,
            site=site,
            to_status=SiteStatus.NOT_STARTED,
            on=D(2025, 9, 16),
            evidence="x",
        )
    with pytest.raises(Conflict):  # someone moved it meanwhile
        site_status_change(
            actor=inspector_a,
            site=site,
            to_status=SiteStatus.FOUNDATION,
            on=D(2025, 9, 16),
            evidence="x",
            version=site.version - 1,
        )
    with pytest.raises(InvalidInput):  # before the current status began
        site_status_change(
            actor=inspector_a,
            site=site,
            to_status=SiteStatus.FOUNDATION,
            on=D(2025, 9, 1),
            evidence="x",
        )
    with pytest.raises(InvalidInput):  # no evidence
        site_status_change(
            actor=inspector_a,
            site=site,
            to_status=SiteStatus.FOUNDATION,
            on=D(2025, 9, 20),
            evidence="  ",
        )


def test_a_completed_site_is_reopened_before_it_changes(inspector_a: Any, ward_a: Any) -> None:
    site = _site(PermitFactory(ward=ward_a))
    site = site_status_change(
        actor=inspector_a,
        site=site,
        to_status=SiteStatus.COMPLETED,
        on=D(2025, 12, 1),
        evidence="Hoàn công",
    )
    assert site.next_visit_due is None and not site.takes_visits
    with pytest.raises(Conflict):
        site_status_change(
            actor=inspector_a,
            site=site,
            to_status=SiteStatus.ABANDONED,
            on=D(2025, 12, 2),
            evidence="x",
        )
    site = site_reopen(actor=inspector_a, site=site, on=D(2025, 12, 5), reason="Xây thêm tầng")
    assert site.status == SiteStatus.FINISHING and site.takes_visits


def test_only_the_wards_staff_change_its_sites(
    inspector_b: Any, auditor: Any, ward_a: Any, inspector_a: Any
) -> None:
    site = _site(PermitFactory(ward=ward_a))
    for actor in (inspector_b, auditor):
        with pytest.raises(NotAllowed):
            site_status_change(
                actor=actor,
                site=site,
                to_status=SiteStatus.STARTED,
                on=D(2025, 9, 15),
                evidence="x",
            )
    assert list(sites_visible_to(inspector_b)) == []
    assert list(sites_visible_to(inspector_a)) == [site]
    assert list(sites_visible_to(auditor)) == [site]


def test_notified_small_works_and_patrol_sites(inspector_a: Any, inspector_b: Any) -> None:
    inside_a = Point(106.685, 10.765, srid=4326)
    site = site_record(
        actor=inspector_a,
        origin=SiteOrigin.NOTIFIED,
        location=inside_a,
        address="5 Đường Thử",
        on=D(2025, 9, 1),
        evidence="Thông báo khởi công 3/TB",
    )
    assert site.small_works and site.status == SiteStatus.STARTED
    # Small works: once within 5 working days of the start (1/9 and 2/9 are holidays:
    # 3, 4, 5, 8 and 9 September).
    assert site.next_visit_due == D(2025, 9, 9)
    with pytest.raises(NotAllowed):
        site_record(
            actor=inspector_b,
            origin=SiteOrigin.PATROL,
            location=inside_a,
            address="",
            on=D(2025, 9, 1),
            evidence="Thấy đang xây",
        )
    with pytest.raises(InvalidInput):  # latitude and longitude swapped: outside every ward
        site_record(
            actor=inspector_a,
            origin=SiteOrigin.PATROL,
            location=Point(10.765, 106.685, srid=4326),
            address="",
            on=D(2025, 9, 1),
            evidence="Thấy đang xây",
        )


@pytest.fixture
def holidays(db: Any) -> None:
    for day in (D(2025, 9, 1), D(2025, 9, 2)):
        CalendarDay.objects.update_or_create(
            date=day, defaults={"kind": "public_holiday", "name": "Quốc khánh"}
        )


@pytest.fixture(autouse=True)
def _calendar(holidays: None) -> None:
    return None


def test_the_default_plan_schedules_by_status(inspector_a: Any, ward_a: Any) -> None:
    site = _site(PermitFactory(ward=ward_a, issued_on=D(2025, 8, 1)))
    # Not started: every 3 months from the issue date.
    assert site.next_visit_due == D(2025, 11, 3)  # 1/11 is a Saturday
    site = site_status_change(
        actor=inspector_a,
        site=site,
        to_status=SiteStatus.STRUCTURE,
        on=D(2025, 9, 3),
        evidence="Đang xây tầng 2",
        storeys_built=2,
    )
    # Structure: every 15 calendar days, never visited: from the day it began.
    assert site.next_visit_due == D(2025, 9, 18)
    site.last_visit_on = D(2025, 9, 20)
    site.save()
    site = site_schedule_refresh(site, today=D(2025, 9, 20))
    assert site.next_visit_due == D(2025, 10, 6)  # 5/10 is a Sunday
    assert Site.objects.filter(inspection_overdue_q(D(2025, 10, 7))).count() == 1
    assert Site.objects.filter(inspection_overdue_q(D(2025, 10, 6))).count() == 0


def test_a_site_with_a_case_is_watched_weekly(ward_a: Any) -> None:
    from tests.factories import CaseFactory

    permit = PermitFactory(ward=ward_a, issued_on=D(2025, 8, 1))
    site = _site(permit)
    CaseFactory(ward=ward_a, permit=permit)
    sites_schedule_refresh(today=D(2025, 9, 10))
    site.refresh_from_db()
    assert site.had_violation
    assert site.plan_rule is not None and site.plan_rule.condition == PlanCondition.WITH_VIOLATION
    assert site.next_visit_due == D(2025, 8, 8)


def test_a_wards_own_plan_beats_the_default_from_its_date(
    leader_a: Any, inspector_a: Any, ward_a: Any, ward_b: Any, admin_user: Any
) -> None:
    site_a = _site(PermitFactory(ward=ward_a, issued_on=D(2025, 8, 1)))
    site_b = _site(PermitFactory(ward=ward_b, issued_on=D(2025, 8, 1)))
    rule = plan_rule_add(
        actor=leader_a,
        ward=ward_a,
        condition=PlanCondition.NOT_STARTED,
        mode=PlanMode.EVERY,
        amount=10,
        unit="working_days",
        effective_from=D(2025, 8, 1),
        basis="Kế hoạch kiểm tra 2025 của phường",
    )
    site_a.refresh_from_db()
    site_b.refresh_from_db()
    assert site_a.plan_rule == rule and site_a.next_visit_due == D(2025, 8, 15)
    assert site_b.next_visit_due == D(2025, 11, 3)
    with pytest.raises(NotAllowed):  # a leader of another ward, an inspector, the default
        plan_rule_add(
            actor=inspector_a,
            ward=ward_a,
            condition=PlanCondition.NOT_STARTED,
            mode=PlanMode.EVERY,
            amount=5,
            unit="working_days",
            effective_from=D(2025, 9, 1),
            basis="x",
        )
    with pytest.raises(NotAllowed):
        plan_rule_add(
            actor=leader_a,
            ward=None,
            condition=PlanCondition.NOT_STARTED,
            mode=PlanMode.EVERY,
            amount=5,
            unit="working_days",
            effective_from=D(2025, 9, 1),
            basis="x",
        )
    with pytest.raises(Conflict):
        plan_rule_add(
            actor=admin_user,
            ward=ward_a,
            condition=PlanCondition.NOT_STARTED,
            mode=PlanMode.EVERY,
            amount=5,
            unit="working_days",
            effective_from=D(2025, 8, 1),
            basis="x",
        )


@pytest.mark.parametrize(
    ("amount", "unit"),
    [(0, "working_days"), (None, "months"), (13, "months"), (400, "calendar_days")],
)
def test_a_rule_that_schedules_no_visit_is_refused(
    leader_a: Any, ward_a: Any, amount: Any, unit: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        plan_rule_add(
            actor=leader_a,
            ward=ward_a,
            condition=PlanCondition.STRUCTURE,
            mode=PlanMode.EVERY,
            amount=amount,
            unit=unit,
            effective_from=D(2025, 9, 1),
            basis="Kế hoạch",
            scope=PlanScope.ALL,
        )
    assert refused.value.field == "amount"
    with pytest.raises(IntegrityError), transaction.atomic():
        InspectionPlanRule.objects.create(
            condition=PlanCondition.STRUCTURE,
            mode=PlanMode.EVERY,
            amount=0,
            unit="months",
            effective_from=D(2030, 1, 1),
            basis="x",
        )


def test_box_helper_is_the_wards(ward_a: Any) -> None:
    assert ward_a.boundary.covers(box(106.690, 10.770, 106.6902, 10.7702))
