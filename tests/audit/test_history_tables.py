"""Workflow steps and site photos are history too: written once, never changed."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from backend.audit.roles import history_tables
from backend.cases.models import CaseStep, Stage
from backend.photos.models import SitePhoto
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def step(ward_a: Any, leader_a: Any) -> CaseStep:
    case = CaseFactory(ward=ward_a, opened_by=leader_a)
    return CaseStep.objects.create(
        case=case,
        ward=ward_a,
        action="issue_sanction_decision",
        stage_before=Stage.SUSPENDED,
        stage_after=Stage.HALTED,
        occurred_on=datetime.date(2026, 1, 20),
        actor=leader_a,
        document_type="MQD02",
        document_year=2026,
        document_sequence=7,
        document_number="7/QĐ-XPHC",
        signer="Trần Chủ Tịch",
        data={"fine_vnd": 30_000_000},
        on_time=False,
        days_late=4,
    )


@pytest.fixture
def photo(ward_a: Any, inspector_a: Any) -> SitePhoto:
    case = CaseFactory(ward=ward_a, opened_by=inspector_a)
    return SitePhoto.objects.create(
        case=case,
        original="photos/original/ab/" + "ab" * 32 + ".jpg",
        sha256="ab" * 32,
        content_type="image/jpeg",
        size_bytes=1234,
        uploaded_by=inspector_a,
    )


def test_steps_and_photos_are_protected_history_tables() -> None:
    assert {"audit_caseevent", "cases_casestep", "photos_sitephoto"} <= set(history_tables())


def _refused(statement: str, params: list[Any]) -> None:
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, params)


def test_the_database_refuses_to_rewrite_or_remove_a_workflow_step(step: CaseStep) -> None:
    _refused("UPDATE cases_casestep SET on_time = true, days_late = 0 WHERE id = %s", [step.pk])
    _refused("UPDATE cases_casestep SET data = '{\"fine_vnd\": 1}' WHERE id = %s", [step.pk])
    _refused("DELETE FROM cases_casestep WHERE id = %s", [step.pk])
    step.signer = "Someone else"
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        step.save()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        CaseStep.objects.filter(pk=step.pk).delete()
    kept = CaseStep.objects.get(pk=step.pk)
    assert (kept.signer, kept.on_time, kept.days_late, kept.data) == (
        "Trần Chủ Tịch",
        False,
        4,
        {"fine_vnd": 30_000_000},
    )


def test_the_database_refuses_to_rewrite_or_remove_a_site_photo(photo: SitePhoto) -> None:
    _refused("UPDATE photos_sitephoto SET sha256 = %s WHERE id = %s", ["cd" * 32, photo.pk])
    _refused("UPDATE photos_sitephoto SET preview = 'elsewhere.jpg' WHERE id = %s", [photo.pk])
    _refused("DELETE FROM photos_sitephoto WHERE id = %s", [photo.pk])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        SitePhoto.objects.filter(pk=photo.pk).update(note="edited")
    kept = SitePhoto.objects.get(pk=photo.pk)
    assert (kept.sha256, kept.preview.name, kept.note) == ("ab" * 32, "", "")
