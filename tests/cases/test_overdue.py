"""One definition of "overdue": overdue_q, and the forms built from it agree."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from backend.cases.models import OPEN_STAGES, Stage, ViolationCase
from backend.cases.selectors import case_is_overdue, overdue_flag, overdue_q
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_every_form_of_overdue_agrees_for_every_stage_and_deadline(ward_a: Any) -> None:
    today = timezone.localdate()
    deadlines = [None, *(today + datetime.timedelta(days=d) for d in (-30, -1, 0, 1))]
    cases = [
        CaseFactory(
            ward=ward_a,
            location=Point(106.69, 10.77, srid=4326),
            stage=stage,
            stage_deadline=deadline,
        )
        for stage in Stage
        for deadline in deadlines
    ]
    ids = [c.pk for c in cases]

    by_q = set(
        ViolationCase.objects.filter(pk__in=ids)
        .filter(overdue_q(today))
        .values_list("pk", flat=True)
    )
    by_flag = set(
        ViolationCase.objects.filter(pk__in=ids)
        .annotate(late=overdue_flag(today))
        .filter(late=True)
        .values_list("pk", flat=True)
    )
    in_memory = {
        c.pk for c in ViolationCase.objects.filter(pk__in=ids) if case_is_overdue(c, today)
    }

    expected = {
        c.pk
        for c in cases
        if c.stage in OPEN_STAGES and c.stage_deadline is not None and c.stage_deadline < today
    }
    assert expected  # some of each kind
    assert by_q == by_flag == in_memory == expected
