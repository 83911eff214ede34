"""The OpenAPI schema itself: what generated clients rely on, checked without a server."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings
from rest_framework.test import APIClient

from backend.core.errors import InvalidInput


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    # Anonymous, as the setting allows (signed-in users only by default).
    with override_settings(TTXD_API_DOCS_PUBLIC=True):
        response = APIClient().get("/api/schema/?format=json")
    assert response.status_code == 200
    return dict(response.json())


def test_schema_generates_without_warnings() -> None:
    call_command("spectacular", "--fail-on-warn", stdout=io.StringIO())


@pytest.mark.parametrize("name", ["PaginatedCaseList", "PaginatedPermitList", "PaginatedWardList"])
def test_list_pages_are_documented_as_geojson_feature_collections(
    schema: dict[str, Any], name: str
) -> None:
    page = schema["components"]["schemas"][name]
    collection, links = page["allOf"]
    assert collection == {"$ref": f"#/components/schemas/{name.removeprefix('Paginated')}"}
    assert set(links["required"]) == {
        "type", "count", "count_exact", "next", "previous", "features",
    }  # fmt: skip
    assert links["properties"]["count_exact"] == {"type": "boolean"}
    assert "results" not in str(page)


def test_idempotency_key_is_required_for_photos_and_optional_for_opening_a_case(
    schema: dict[str, Any],
) -> None:
    def header(path: str) -> dict[str, Any]:
        parameters = schema["paths"][path]["post"]["parameters"]
        return next(p for p in parameters if p["name"] == "Idempotency-Key")

    assert header("/api/cases/{id}/photos/")["required"] is True
    assert header("/api/cases/").get("required", False) is False
    opening = schema["paths"]["/api/cases/"]["post"]["responses"]
    assert {"201", "400", "403", "409", "413", "415", "422"} <= set(opening)


def test_tiles_are_documented_as_vector_tiles(schema: dict[str, Any]) -> None:
    tile = schema["paths"]["/api/tiles/{layer}/{z}/{x}/{y}.pbf"]["get"]
    assert set(tile["responses"]["200"]["content"]) == {"application/vnd.mapbox-vector-tile"}
    assert {"304", "400", "401", "404"} <= set(tile["responses"])


def test_an_input_named_like_the_error_keys_gives_a_message_not_a_list() -> None:
    body = InvalidInput("Sai.", field="detail", code="invalid").as_dict()
    assert body == {"detail": "Sai.", "code": "invalid"}
    assert InvalidInput("Sai.", field="lat").as_dict() == {"lat": ["Sai."], "code": "invalid"}


@pytest.mark.django_db
def test_a_control_character_in_a_nameless_query_parameter_is_refused_with_a_message(
    inspector_a: Any, api: Any
) -> None:
    response = api(inspector_a).get("/api/cases/?=%01")
    assert response.status_code == 400
    assert isinstance(response.json()["detail"], str)
