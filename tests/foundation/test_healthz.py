"""/healthz answers 200, 503 when the database is unreachable; versions only to staff."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client


@pytest.mark.django_db
def test_healthz_tells_anonymous_callers_only_that_it_is_up() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_reports_postgresql_and_postgis_versions_to_staff(admin_user: Any) -> None:
    staff = Client()
    staff.force_login(admin_user)
    response = staff.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["postgresql"].split(".")[0].isdigit()
    assert body["database"]["postgis"].startswith("3.")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A local port that refuses connections: bound, never listening."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("127.0.0.1", 0))
        yield holder.getsockname()[1]


@pytest.mark.django_db(transaction=True)
def test_healthz_is_503_when_the_database_is_unreachable(closed_port: int) -> None:
    settings_dict = connection.settings_dict
    saved = (settings_dict["HOST"], settings_dict["PORT"])
    connection.close()
    settings_dict["HOST"], settings_dict["PORT"] = "127.0.0.1", str(closed_port)
    try:
        response = Client().get("/healthz")
    finally:
        connection.close()
        settings_dict["HOST"], settings_dict["PORT"] = saved
        connection.close()

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}
    # And it recovers as soon as the database is back.
    assert Client().get("/healthz").status_code == 200
