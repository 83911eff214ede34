"""A JSON body nested deeper than any the API takes is a clear 400, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from backend.cases.models import ViolationCase
from backend.core.middleware import MAX_JSON_DEPTH
from tests.robustness.conftest import messages_of

pytestmark = pytest.mark.django_db

# Deeper than the interpreter's recursion limit: json.loads itself gives up.
PAST_THE_RECURSION_LIMIT = "[" * 5000 + "]" * 5000
# Parsed fine, but one level past the limit.
ONE_LEVEL_TOO_DEEP = '{"description": ' + "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH + "}"


@pytest.mark.parametrize(
    "body", [PAST_THE_RECURSION_LIMIT, ONE_LEVEL_TOO_DEEP], ids=["5000", "limit+1"]
)
def test_a_deeply_nested_json_body_to_the_sign_in_page_is_a_400(body: str) -> None:
    response = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        "/login/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert "nested too deeply" in response.content.decode()


def test_the_refusal_is_in_vietnamese_by_default() -> None:
    response = Client().post("/login/", PAST_THE_RECURSION_LIMIT, content_type="application/json")
    assert response.status_code == 400
    assert "lồng nhau quá sâu" in response.content.decode()


@pytest.mark.parametrize(
    "body", [PAST_THE_RECURSION_LIMIT, ONE_LEVEL_TOO_DEEP], ids=["5000", "limit+1"]
)
def test_a_deeply_nested_json_body_to_the_api_is_a_json_400_and_opens_no_case(
    api: Any, inspector_a: Any, body: str
) -> None:
    response = api(inspector_a, "en").post("/api/cases/", body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "nested_too_deeply"
    assert str(MAX_JSON_DEPTH) in messages_of(response)
    assert not ViolationCase.objects.exists()


def test_a_deeply_nested_body_before_sign_in_to_the_api_is_a_json_400() -> None:
    response = Client().post(
        "/api/cases/", PAST_THE_RECURSION_LIMIT, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "nested_too_deeply"


def test_nesting_up_to_the_limit_reaches_the_view(api: Any, inspector_a: Any) -> None:
    # The view refuses the list for its own reason: the middleware let it through.
    body = '{"description": ' + "[" * (MAX_JSON_DEPTH - 1) + "]" * (MAX_JSON_DEPTH - 1) + "}"
    response = api(inspector_a, "en").post("/api/cases/", body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert response.json().get("code") != "nested_too_deeply"
