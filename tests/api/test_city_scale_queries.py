"""Query shapes that keep the lists fast at the city's size (bench/bench_city_pages.py).

On a small database the planner rightly prefers reading the table; with
sequential scans and sorts made expensive (enable_seqscan/enable_sort off,
for this transaction only) the plan shows whether a matching index exists
at all — which is what the city's size depends on.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from backend.cases.models import Stage, ViolationCase
from backend.cases.selectors import cases_visible_to
from backend.core import pagination
from backend.field.selectors import field_cases
from backend.permits.models import Permit
from backend.permits.selectors import permits_visible_to
from backend.photos.models import SitePhoto
from tests.factories import CaseFactory, PermitFactory


def _plan(queryset: Any, *, sorts: bool = False) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"SET LOCAL enable_sort = {'on' if sorts else 'off'}")
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        (plan,) = cursor.fetchone()
    return json.dumps(plan if not isinstance(plan, str) else json.loads(plan))


def _cases(ward: Any, n: int, opener: Any) -> list[ViolationCase]:
    start = timezone.now() - datetime.timedelta(days=n)
    return [
        CaseFactory(ward=ward, opened_by=opener, detected_at=start + datetime.timedelta(days=i))
        for i in range(n)
    ]


@pytest.mark.django_db
def test_case_list_page_reads_the_ward_newest_first_index(inspector_a: Any, ward_a: Any) -> None:
    _cases(ward_a, 3, inspector_a)
    qs = cases_visible_to(inspector_a).order_by("-detected_at", "-id")[:10]
    assert "case_ward_newest_first" in _plan(qs)


@pytest.mark.django_db
def test_city_wide_case_list_reads_the_newest_first_index(auditor: Any, ward_a: Any) -> None:
    _cases(ward_a, 3, auditor)
    qs = cases_visible_to(auditor).order_by("-detected_at", "-id")[:10]
    assert "case_newest_first" in _plan(qs)


@pytest.mark.django_db
def test_permit_lists_read_their_newest_first_indexes(
    inspector_a: Any, auditor: Any, ward_a: Any
) -> None:
    PermitFactory.create_batch(3, ward=ward_a)
    ward_plan = _plan(permits_visible_to(inspector_a).order_by("-issued_on", "id")[:10])
    city_plan = _plan(permits_visible_to(auditor).order_by("-issued_on", "id")[:10])
    assert "permit_ward_newest_first" in ward_plan
    assert "permit_newest_first" in city_plan


@pytest.mark.django_db
def test_substring_search_uses_the_trigram_indexes(auditor: Any, ward_a: Any) -> None:
    CaseFactory(ward=ward_a, opened_by=auditor, address="12 Đường số 17")
    PermitFactory(ward=ward_a, number="0012345/GPXD")
    cases = ViolationCase.objects.filter(code__icontains="2026-00").order_by()
    addresses = ViolationCase.objects.filter(address__icontains="đường số 17").order_by()
    permits = Permit.objects.filter(number__icontains="12345").order_by()
    assert "case_code_trigram_upper" in _plan(cases, sorts=True)
    assert "case_address_trigram_upper" in _plan(addresses, sorts=True)
    assert "permit_number_trigram_upper" in _plan(permits, sorts=True)
    # And they find what they should, case aside.
    assert addresses.count() == 1 and permits.count() == 1


@pytest.mark.django_db
def test_field_list_counts_photos_per_listed_case_not_by_grouping_the_ward(
    inspector_a: Any, ward_a: Any
) -> None:
    first, second = _cases(ward_a, 2, inspector_a)
    for k in range(3):
        SitePhoto.objects.create(
            case=first, original=f"o/{k}.jpg", sha256=f"{k:064d}", content_type="image/jpeg",
            size_bytes=10, uploaded_by=inspector_a,
        )  # fmt: skip
    listed = {case.pk: case.photo_count for case in field_cases(inspector_a)}
    assert listed == {first.pk: 3, second.pk: 0}
    # The limit applies to cases in deadline order; no aggregate over the whole ward first.
    plan = json.loads(_plan(field_cases(inspector_a)))
    top = plan[0]["Plan"]
    assert top["Node Type"] == "Limit"
    assert "Aggregate" not in top["Plans"][0]["Node Type"]


def _page(client: APIClient, path: str) -> Any:
    response = client.get(path)
    assert response.status_code == 200, response.content[:300]
    return response.json()


@pytest.mark.django_db
def test_counts_are_exact_below_the_cap(inspector_a: Any, ward_a: Any) -> None:
    _cases(ward_a, 5, inspector_a)
    client = APIClient()
    client.force_authenticate(inspector_a)
    body = _page(client, "/api/cases/?page_size=2")
    assert body["count"] == 5 and body["count_exact"] is True
    assert body["next"] and len(body["features"]) == 2
    assert _page(client, "/api/cases/?page_size=2&page=3")["next"] is None
    assert client.get("/api/cases/?page_size=2&page=4").status_code == 404


@pytest.mark.django_db
def test_past_the_cap_the_count_is_an_estimate_and_every_page_is_still_reachable(
    inspector_a: Any, ward_a: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pagination, "COUNT_CAP", 3)
    cases = _cases(ward_a, 7, inspector_a)
    CaseFactory(ward=ward_a, opened_by=inspector_a, stage=Stage.CLOSED)  # 8 in all
    client = APIClient()
    client.force_authenticate(inspector_a)
    body = _page(client, "/api/cases/?page_size=2")
    assert body["count_exact"] is False and body["count"] >= 4
    seen, path, pages = [], "/api/cases/?page_size=2", 0
    while path:
        body = _page(client, path)
        seen += [f["id"] for f in body["features"]]
        path = body["next"]
        pages += 1
    assert pages == 4 and len(seen) == len(set(seen)) == 8
    assert {c.pk for c in cases} <= set(seen)
    # Past the end: an empty page, not an error (the count may be low).
    assert _page(client, "/api/cases/?page_size=2&page=9")["features"] == []
    assert client.get("/api/cases/?page_size=2&page=0").status_code == 404
