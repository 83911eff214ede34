"""Every API form body (multipart or URL-encoded) is checked for control characters.

The middleware leaves the API's multipart bodies to the API; its parsers
(backend.core.parsers) refuse the characters in every text field, for every view.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pytest

from backend.cases.models import ViolationCase
from tests.robustness.conftest import messages_of

pytestmark = pytest.mark.django_db

BACKEND = Path(__file__).resolve().parents[2] / "backend"


def new_case_form(**fields: Any) -> dict[str, Any]:
    return {
        "location": json.dumps({"type": "Point", "coordinates": [106.69, 10.77]}),
        "violation_type": "art16_7",
        **fields,
    }


def test_a_multipart_case_opening_without_control_characters_opens_the_case(
    api: Any, inspector_a: Any
) -> None:
    response = api(inspector_a, "en").post(
        "/api/cases/", new_case_form(description="Xây dựng\r\ntầng 4"), format="multipart"
    )
    assert response.status_code == 201, response.content
    assert ViolationCase.objects.get().description == "Xây dựng\r\ntầng 4"


@pytest.mark.parametrize("char", ["\x01", "\x1f", "\x7f", "\x85"])
def test_a_control_character_in_a_multipart_case_opening_is_a_400_and_opens_no_case(
    api: Any, inspector_a: Any, char: str
) -> None:
    response = api(inspector_a, "en").post(
        "/api/cases/", new_case_form(description=f"Xây{char} dựng"), format="multipart"
    )
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "control_character"
    assert "description" in response.json()
    assert f"U+{ord(char):04X}" in messages_of(response)
    assert not ViolationCase.objects.exists()


def test_a_control_character_in_a_multipart_field_name_is_a_400(api: Any, inspector_a: Any) -> None:
    response = api(inspector_a, "en").post(
        "/api/cases/", new_case_form(**{"addr\x02ess": "12 Lê Lợi"}), format="multipart"
    )
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "control_character"
    assert not ViolationCase.objects.exists()


def test_the_multipart_refusal_is_in_vietnamese_by_default(api: Any, inspector_a: Any) -> None:
    response = api(inspector_a).post(
        "/api/cases/", new_case_form(address="12\x01 Lê Lợi"), format="multipart"
    )
    assert response.status_code == 400
    assert "ký tự điều khiển" in messages_of(response)


def test_no_api_view_uses_an_unchecked_form_parser() -> None:
    # A view naming DRF's own form parsers would skip the check.
    offenders = []
    for path in BACKEND.rglob("*.py"):
        if path == BACKEND / "core" / "parsers.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "rest_framework.parsers":
                unchecked = {a.name for a in node.names} & {"MultiPartParser", "FormParser"}
                if unchecked:
                    offenders.append(f"{path.relative_to(BACKEND)}: {sorted(unchecked)}")
            if (
                isinstance(node, ast.Attribute)
                and node.attr in ("MultiPartParser", "FormParser")
                and isinstance(node.value, ast.Name)
                and node.value.id == "parsers"
            ):
                offenders.append(f"{path.relative_to(BACKEND)}: parsers.{node.attr}")
    assert not offenders
