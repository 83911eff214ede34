"""A closed case is a finished legal record: no more edits, no more photos (409)."""

from __future__ import annotations

from typing import Any

import pytest

from backend.audit.models import CaseEvent
from backend.cases.models import Stage
from backend.cases.services.editing import case_update
from backend.core.errors import Conflict
from backend.photos.models import SitePhoto
from tests.photos import imagery
from tests.photos.conftest import upload
from tests.robustness.conftest import logged_in, messages_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(case_at: Any) -> Any:
    case = case_at(Stage.CLOSED)
    assert case.stage == Stage.CLOSED
    return case


def test_the_details_of_a_closed_case_cannot_be_changed(inspector_a: Any, closed: Any) -> None:
    events = CaseEvent.objects.filter(case=closed).count()
    form = {
        "violator_kind": "individual",
        "works_class": "individual_house",
        "violator_name": "Someone Else",
        "violator_address": "1 Other Street",
        "address": closed.address or "45 Đường Thử",
    }
    response = logged_in(inspector_a).post(f"/cases/{closed.pk}/details/", form)
    assert response.status_code == 409
    assert "closed" in response.content.decode()
    closed.refresh_from_db()
    assert closed.violator_name != "Someone Else"
    assert CaseEvent.objects.filter(case=closed).count() == events


def test_the_edit_service_refuses_a_closed_case(leader_a: Any, closed: Any) -> None:
    with pytest.raises(Conflict) as caught:
        case_update(actor=leader_a, case=closed, changes={"description": "changed"})
    assert caught.value.code == "case_closed"
    closed.refresh_from_db()
    assert closed.description != "changed"


def test_a_photo_for_a_closed_case_is_a_409(api: Any, inspector_a: Any, closed: Any) -> None:
    events = CaseEvent.objects.filter(case=closed).count()
    response = upload(api(inspector_a, "en"), closed, imagery.jpeg())
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "case_closed"
    assert "closed" in messages_of(response)
    assert not SitePhoto.objects.exists()
    assert CaseEvent.objects.filter(case=closed).count() == events


def test_a_retry_of_a_photo_sent_before_the_case_closed_gets_its_first_answer(
    api: Any, inspector_a: Any, leader_a: Any, case_at: Any
) -> None:
    from django.utils import timezone

    from backend.cases.services.transition import case_transition

    case = case_at(Stage.DETECTED)
    first = upload(api(inspector_a, "en"), case, imagery.jpeg(), key="k-closed-1")
    assert first.status_code == 201
    case_transition(
        actor=leader_a,
        case=case,
        action="cancel",
        data={"reason": "Nhập trùng", "occurred_on": timezone.localdate().isoformat()},
    )
    again = upload(api(inspector_a, "en"), case, imagery.jpeg(), key="k-closed-1")
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
