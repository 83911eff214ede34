"""No input comes back as something a browser would run.

Every route of the site (pages, API, downloads, the admin's lists and forms)
is called with a script payload in every query parameter and form field it
may read, and in every text part of its path. An HTML answer may show the
payload only escaped; any other answer is not HTML at all. Every HTML answer
carries a Content-Security-Policy that forbids inline script and framing.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from backend.notifications.models import Notification, NotificationKind
from backend.photos.services import photo_ingest
from tests.factories import CaseFactory, PermitFactory
from tests.photos import imagery

MARK = "7331"
PAYLOAD = f"\"'><svg onload=alert({MARK})><script>alert({MARK})</script>"

# Names every filter parser, form and API operation of the site reads today
# (the case query, backend/cases/selectors/query.py, and the permit and ward queries,
# the API views, the pages' forms). The sweep adds the fields of each page's
# own forms and the parameters the API schema declares.
KNOWN_NAMES = [
    "stage", "ward", "type", "violation_type", "overdue", "from", "to", "detected_from",
    "detected_to", "visited_stage", "late", "timed", "opened_month", "closed_month", "bbox",
    "in_bbox", "q", "lat", "lon", "number", "page", "page_size", "next", "format", "lang",
    "script", "layer", "language", "username", "password", "device", "action", "note",
    "reason", "address", "description", "occurred_on", "document", "deadline", "ids", "all",
    "location", "footprint", "assigned_inspector", "owner_name", "child_case", "o", "p", "_changelist_filters",
]  # fmt: skip

SKIP_POST = {"logout"}  # would end the session the sweep runs in
ADMIN_ACTIONS = ("changelist", "add")


def _routes(resolver: Any = None, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _routes(entry, prefix + str(entry.pattern))
        else:
            yield prefix + str(entry.pattern), entry


class _Markup(HTMLParser):
    """Elements and attributes the payload would have created, had it been echoed raw."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("on") and MARK in (value or ""):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}={value!r}>")
        # A data block (json_script: type="application/json") is never run.
        kind = dict(attrs).get("type") or "text/javascript"
        self._in_script = tag == "script" and ("javascript" in kind or kind == "module")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and f"alert({MARK})" in data:
            self.found.append(f"<script>{data}</script>")


def _executable(html: str) -> list[str]:
    parser = _Markup()
    parser.feed(html)
    found = parser.found
    if f"<svg onload=alert({MARK})>" in html or f"<script>alert({MARK})" in html:
        found.append("raw payload")
    return found


def _form_fields(html: str) -> set[str]:
    return set(re.findall(r"<(?:input|select|textarea)[^>]*\bname=\"([^\"]+)\"", html))


class Sweep:
    def __init__(self, client: Client, user: Any) -> None:
        self.client = client
        self.user = user
        self.findings: list[str] = []
        self.requests = 0
        self.html_answers = 0

    def call(self, method: str, url: str, data: dict[str, Any] | None, *, json: bool) -> None:
        self.client.force_login(self.user)
        self.requests += 1
        if method == "GET":
            response = self.client.get(url, data)
        elif json:
            response = self.client.post(url, data, content_type="application/json")
        else:
            response = self.client.post(url, data)
        self.check(f"{method} {url} {sorted(data or {})}", response)
        return response

    def check(self, what: str, response: Any) -> None:
        if response.status_code >= 500:
            self.findings.append(f"{what}: {response.status_code}")
            return
        content_type = response.get("Content-Type", "")
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8", "replace")
        if content_type.startswith("text/html"):
            self.html_answers += 1
            for found in _executable(text):
                self.findings.append(f"{what}: executable {found}")
            policy = response.get("Content-Security-Policy", "")
            script = re.search(r"script-src ([^;]*)", policy)
            if not script or "'unsafe-inline'" in script.group(1):
                self.findings.append(f"{what}: no CSP forbidding inline script ({policy!r})")
            if "frame-ancestors 'none'" not in policy:
                self.findings.append(f"{what}: CSP allows framing ({policy!r})")
        elif PAYLOAD in text and "html" in content_type:
            self.findings.append(f"{what}: payload in {content_type}")
        if response.get("X-Content-Type-Options") != "nosniff":
            self.findings.append(f"{what}: {content_type} may be sniffed as HTML")


@pytest.fixture
def site(ward_a: Any, inspector_a: Any, settings: Any, tmp_path: Path) -> dict[str, int]:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media"), "base_url": "/media-not-public/"},
        },
    }
    case = CaseFactory(
        ward=ward_a, opened_by=inspector_a, location=Point(imagery.SITE[1], imagery.SITE[0])
    )
    permit = PermitFactory(ward=ward_a)
    photo = photo_ingest(actor=inspector_a, case=case, data=imagery.jpeg()).photo
    return {"case": case.pk, "permit": permit.pk, "photo": photo.pk, "ward": ward_a.pk}


def _path_values(route: str, name: str, site: dict[str, int], notification: int) -> list[str]:
    """Good values for a path parameter, and the payload where the converter lets text in."""
    good = {
        "variant": "thumb", "document_type": "MBB01", "table": "cases", "fmt": "csv",
        "layer": "cases", "z": "14", "x": "13048", "y": "7750", "format": "json",
        "collection_id": "cases",
    }  # fmt: skip
    if name == "feature_id":
        return [str(site["case"]), PAYLOAD]
    if name in ("pk", "object_id"):
        if "notifications" in route:
            return [str(notification)]
        for kind in ("permit", "photo", "ward"):
            if f"{kind}s" in route:
                return [str(site[kind])]
        return [str(site["case"])]
    values = [good.get(name, "x")]
    if name not in ("pk", "table", "fmt"):  # slugs and ints never match the payload
        values.append(PAYLOAD)
    return values


def _urls(route: str, pattern: URLPattern, site: dict[str, int], notification: int) -> list[str]:
    if pattern.name is None:
        return []
    name = ("admin:" if route.startswith("admin/") else "") + pattern.name
    params = list(pattern.pattern.regex.groupindex)
    choices = [_path_values(route, param, site, notification) for param in params]
    urls = []
    for values in itertools.product(*choices):
        try:
            urls.append(reverse(name, kwargs=dict(zip(params, values, strict=True)) or None))
        except NoReverseMatch:
            continue  # the converter refuses the payload: nothing to sweep there
    return urls


def _schema_names(client: Client) -> dict[str, set[str]]:
    """Query and body field names the API schema declares, per path template."""
    schema = client.get("/api/schema/", {"format": "json"}).json()
    names: dict[str, set[str]] = {}
    for path, operations in schema.get("paths", {}).items():
        found = names.setdefault(re.sub(r"\{[^}]+\}", "*", path), set())
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                found.add(parameter.get("name", ""))
            for media in operation.get("requestBody", {}).get("content", {}).values():
                ref = media.get("schema", {}).get("$ref", "")
                component = schema["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {})
                found.update(component.get("properties", {}))
    return names


def _sweep(sweep: Sweep, site: dict[str, int], notification: int) -> None:
    schema = _schema_names(sweep.client)
    for route, pattern in _routes():
        if route.startswith("admin/") and not any(
            (pattern.name or "").endswith(action) for action in ADMIN_ACTIONS
        ):
            continue
        for url in _urls(route, pattern, site, notification):
            names = set(KNOWN_NAMES)
            for template, declared in schema.items():
                if re.fullmatch(re.escape(template).replace(r"\*", "[^/]+"), url):
                    names |= declared
            sweep.client.force_login(sweep.user)
            page = sweep.client.get(url)
            if page.get("Content-Type", "").startswith("text/html") and not page.streaming:
                names |= _form_fields(page.content.decode("utf-8", "replace"))
            names.discard("csrfmiddlewaretoken")
            methods = ["GET"] if pattern.name in SKIP_POST else ["GET", "POST"]
            for method in methods:
                json = method == "POST" and url.startswith("/api/")
                everything = {name: PAYLOAD for name in names}
                response = sweep.call(method, url, everything, json=json)
                # A refusal names the first field at fault: each then alone.
                if response.status_code == 400:
                    for name in sorted(names):
                        sweep.call(method, url, {name: PAYLOAD}, json=json)


@pytest.mark.parametrize("role", ["admin_user", "leader_a", "inspector_a", "auditor"])
def test_no_route_echoes_a_script_payload_executably(
    role: str, request: pytest.FixtureRequest, site: dict[str, int]
) -> None:
    user = request.getfixturevalue(role)
    # Stored text shows escaped too: the notice names a case and a ward by their text.
    notification = Notification.objects.create(
        recipient=user,
        case_id=site["case"],
        kind=NotificationKind.DEADLINE_PASSED,
        key=f"sweep-{user.pk}",
        params={"case_code": PAYLOAD, "ward": PAYLOAD, "due_display": "01/12/2026"},
    )
    sweep = Sweep(Client(HTTP_ACCEPT_LANGUAGE="vi"), user)
    _sweep(sweep, site, notification.pk)
    # The sweep really reached pages and forms: an empty sweep proves nothing.
    assert sweep.requests > 200 and sweep.html_answers > 20, (sweep.requests, sweep.html_answers)
    assert sweep.findings == [], "\n".join(sweep.findings[:40])


def test_case_list_filter_error_shows_the_payload_escaped(leader_a: Any) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    client.force_login(leader_a)
    response = client.get("/cases/", {"stage": "<svg onload=alert(1)>"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    text = response.content.decode()
    assert "<svg onload" not in text
    assert "&lt;svg onload=alert(1)&gt;" in text
    assert "Giá trị không hợp lệ cho stage" in text  # the reason, in Vietnamese


@pytest.mark.parametrize("url", ["/audit/map.geojson", "/audit/export/cases.csv"])
def test_audit_downloads_refuse_bad_filters_as_json(auditor: Any, url: str) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    client.force_login(auditor)
    response = client.get(url, {"stage": "<svg onload=alert(1)>"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "invalid_filter"


def test_unknown_api_address_answers_json_and_pages_an_escaped_404(leader_a: Any) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    client.force_login(leader_a)
    api = client.get("/api/nothing-here/<svg onload=alert(1)>/")
    assert api.status_code == 404 and api["Content-Type"] == "application/json"
    page = client.get("/nothing-here/<svg onload=alert(1)>/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")
    assert "<svg onload" not in page.content.decode()
