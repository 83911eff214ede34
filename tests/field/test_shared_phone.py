"""The login page makes the field app forget the last user (tests/e2e/test_field_shared_phone.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_the_login_page_loads_the_script_that_drops_the_field_apps_copies(client: Any) -> None:
    html = client.get("/login/").content.decode()
    assert 'src="/static/field/signed-out.js" data-app="/field/"' in html
    script = finders.find("field/signed-out.js")
    assert script, "field/signed-out.js is not among the static files"
    with open(script, encoding="utf-8") as handle:
        body = handle.read()
    assert "ttxd-photos-" in body


def test_the_service_worker_asks_the_server_for_every_photo(client: Any) -> None:
    body = client.get("/field/sw.js").content.decode()
    assert "networkFirstPhoto(request)" in body
    assert 'cache: "no-cache"' in body
    assert "ttxd-photos-" in body
