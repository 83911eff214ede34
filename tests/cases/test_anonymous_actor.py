"""The case services refuse an anonymous actor as they refuse a wrong role (403)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from backend.cases.models import ViolationCase
from backend.cases.services.editing import case_update
from backend.core.errors import NotAllowed
from tests.cases.conftest import open_case
from tests.factories import CaseFactory


def test_anonymous_actor_cannot_open_a_case(ward_a: Any) -> None:
    with pytest.raises(NotAllowed):
        open_case(AnonymousUser())
    assert not ViolationCase.objects.exists()


def test_anonymous_actor_cannot_edit_a_case(ward_a: Any) -> None:
    case = CaseFactory(ward=ward_a, address="Old address")
    with pytest.raises(NotAllowed):
        case_update(actor=AnonymousUser(), case=case, changes={"address": "New address"})
    case.refresh_from_db()
    assert case.address == "Old address"
