"""Case numbers stay distinct and gap-free when several officers open at once."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.db import connection

from backend.cases.models import ViolationCase
from backend.cases.services.opening import case_open

THREADS = 6


@pytest.mark.django_db(transaction=True)
def test_concurrent_opens_in_one_ward_get_distinct_consecutive_numbers(
    inspector_a: Any, leader_a: Any, inspector_b: Any
) -> None:
    actors = [inspector_a, leader_a] * (THREADS // 2)
    start = threading.Barrier(THREADS + 1)
    codes: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def open_one(index: int) -> None:
        try:
            start.wait(timeout=10)
            case = case_open(
                actor=actors[index],
                location=Point(106.685 + index * 0.0001, 10.775, srid=4326),
                violation_type="art16_7",
            )
            with lock:
                codes.append(case.code)
        except BaseException as exc:  # reported by the assertions below
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=open_one, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    # A case in another ward at the same moment uses its own series.
    start.wait(timeout=10)
    other = case_open(
        actor=inspector_b, location=Point(106.715, 10.775, srid=4326), violation_type="art16_7"
    )
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert len(codes) == THREADS
    numbers = sorted(int(code.rsplit("-", 1)[1]) for code in codes)
    assert numbers == list(range(1, THREADS + 1))
    assert len(set(codes)) == THREADS
    assert other.code.endswith("-0001")
    assert ViolationCase.objects.filter(ward__code="90001").count() == THREADS
