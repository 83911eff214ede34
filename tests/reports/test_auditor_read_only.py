"""City auditors read everything and change nothing: every write route, every method."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch

from tests.factories import PermitFactory
from tests.reports.conftest import City

pytestmark = pytest.mark.django_db

WRITE_METHODS = ("post", "put", "patch", "delete")

# Writes that are the auditor's own business and touch no case: signing in and
# out, the page language, an API token and their own devices, their own
# notifications being read.
# They are still checked to change no row count (logout is skipped: it would
# end the session the sweep runs in).
PERSONAL_WRITES = {
    "login",
    "set_language",
    "api-token",
    "admin:login",
    "notification_read",
    "notification_read_all",
    "api-notifications-read",
    # Their own devices: renewing or revoking a token, from the API or the page.
    "api-logout",
    "api-token-renew",
    "device_revoke",
}
SKIPPED = {"logout", "admin:logout"}
# Open to anyone by design, signed in or not (the session is never read): a
# resident's report and its photos (backend.intake.public_api). Their abuse
# limits and checks are tested in tests/intake.
PUBLIC_WRITES = {"public-tips", "public-tip-photos"}


def routes(
    patterns: list[Any] | None = None, namespace: str = "", keys: tuple[str, ...] = ()
) -> Iterator[tuple[str, tuple[str, ...]]]:
    """Every named route of the URLconf with the names of its parameters."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        own = tuple(entry.pattern.regex.groupindex)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from routes(entry.url_patterns, inner, keys + own)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", keys + own


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


def test_every_write_route_refuses_the_city_auditor(city: City, auditor: Any) -> None:
    permit = PermitFactory(ward=city.a2.ward)
    values = {
        "pk": city.a2.pk,
        "object_id": city.a2.pk,
        "id": city.a2.pk,
        "variant": "thumbnail",
        "format": "json",
        "table": "cases",
        "fmt": "csv",
        "layer": "cases",
        "z": "13",
        "x": "6527",
        "y": "3842",
        "document_type": "MBB01",
        "app_label": "cases",
        "content_type_id": "1",
        "url": "x/",
        "path": "x",
    }
    by_route = {"permit": permit.pk, "ward": city.a2.ward_id}
    # A crash is reported as its 500 with the other refusals, not raised.
    client = Client(raise_request_exception=False)
    client.force_login(auditor)
    before = row_counts()
    tried: list[str] = []
    refused_by: set[int] = set()
    not_refused: list[str] = []
    for name, keys in sorted(set(routes())):
        if name in SKIPPED or name in PUBLIC_WRITES:
            continue
        kwargs = {}
        for key in keys:
            value = values.get(key, "1")
            for word, pk in by_route.items():
                if key == "pk" and word in name:
                    value = pk
            kwargs[key] = value
        try:
            url = reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            try:
                url = reverse(name, kwargs={k: "1" for k in keys})
            except NoReverseMatch:
                pytest.fail(f"cannot build a URL for route {name} {keys}")
        for method in WRITE_METHODS:
            response = getattr(client, method)(url, data={}, content_type="application/json")
            tried.append(f"{method.upper()} {url}")
            status = response.status_code
            if name in PERSONAL_WRITES:
                assert status < 500, f"{method.upper()} {url} ({name}) → {status}"
                continue
            if name.startswith("admin:"):
                # Not staff: every admin page sends the auditor to the admin log-in.
                assert status in (302, 403, 405), f"{method.upper()} {url} ({name}) → {status}"
                if status == 302:
                    assert re.search(r"/admin/login/", response["Location"]), response["Location"]
                continue
            if status in (403, 405):
                refused_by.add(status)
            else:
                not_refused.append(f"{method.upper()} {url} ({name}) → {status}")
        assert row_counts() == before, f"a write through {name} changed rows"
    assert not not_refused, "\n".join(not_refused)
    # The sweep reached the routes that matter, and both kinds of refusal happened.
    for route in ("case-transitions", "case-photos", "case_act", "api-case-timeline"):
        assert any(route == name for name, _keys in routes()), route
    assert len(tried) > 100 and refused_by == {403, 405}
    # Still logged in at the end: no refusal came from a lost session.
    assert client.get(reverse("audit_dashboard")).status_code == 200
