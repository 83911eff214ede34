"""Django's own guards, met while the API parses a body, answer as the rest of the API does.

A multipart body past DATA_UPLOAD_MAX_MEMORY_SIZE is a 413 with the same body
as the middleware's (the schema promises 413), and every such refusal keeps
Django's `django.security.<Class>` log entry that deployments watch.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from backend.cases.models import ViolationCase

pytestmark = pytest.mark.django_db


def case_form(**fields: Any) -> dict[str, Any]:
    return {
        "location": json.dumps({"type": "Point", "coordinates": [106.69, 10.77]}),
        "violation_type": "art16_7",
        **fields,
    }


def security_log(caplog: Any) -> list[str]:
    return [r.name for r in caplog.records if r.name.startswith("django.security.")]


def test_a_multipart_body_past_the_size_limit_is_a_413_like_a_json_one(
    api: Any, inspector_a: Any, settings: Any, caplog: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    client = api(inspector_a, "en")
    too_much = "x" * (1024 * 1024 + 1)
    as_json = client.post("/api/cases/", {"description": too_much}, format="json")
    with caplog.at_level(logging.ERROR, logger="django.security"):
        as_multipart = client.post(
            "/api/cases/", case_form(description=too_much), format="multipart"
        )
    assert as_json.status_code == as_multipart.status_code == 413, as_multipart.content
    assert as_multipart.json() == as_json.json()
    assert as_multipart.json()["code"] == "request_too_large"
    assert security_log(caplog) == ["django.security.RequestDataTooBig"]
    assert not ViolationCase.objects.exists()


def test_too_many_fields_is_a_400_logged_where_django_logs_it(
    api: Any, inspector_a: Any, settings: Any, caplog: Any
) -> None:
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    form = case_form(**{f"extra_{n}": "x" for n in range(10)})
    with caplog.at_level(logging.ERROR, logger="django.security"):
        response = api(inspector_a, "en").post("/api/cases/", form, format="multipart")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "suspicious_request"
    assert security_log(caplog) == ["django.security.TooManyFieldsSent"]
    assert caplog.records[-1].status_code == 400
    assert not ViolationCase.objects.exists()
