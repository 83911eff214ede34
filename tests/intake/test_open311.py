"""Open311 GeoReport v2: the city's apps list the services, file reports and read them back.

The field lists below are the specification's (https://wiki.open311.org/GeoReport_v2,
the sections named on each), written here as data so that a field renamed,
dropped or added in the code fails a test.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from typing import Any
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from backend.intake.models import IntegrationClient, Tip, TipCategory, TipChannel
from backend.intake.services.clients import integration_client_issue
from backend.intake.services.triage import (
    tip_dismiss,
    tip_merge,
    tip_open_case,
    tip_verify,
    tips_mark_spam,
)
from backend.photos.models import SitePhoto
from tests.conftest import admin_staff_client
from tests.factories import UserFactory
from tests.intake.conftest import TIP_LAT, TIP_LON, file_tip
from tests.photos.imagery import jpeg

BASE = "/open311/v2"

# GeoReport v2, "GET Service List" → Response fields.
SERVICE_FIELDS = [
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
]
SERVICE_TYPES = {"realtime", "batch", "blackbox"}
# GeoReport v2, "GET Service Definition" → Response fields.
SERVICE_DEFINITION_FIELDS = ["service_code", "attributes"]
# GeoReport v2, "POST Service Request" → Response fields (token only for batch servers).
POST_RESPONSE_FIELDS = ["service_request_id", "service_notice", "account_id"]
# GeoReport v2, "GET Service Requests" / "GET Service Request" → Response fields.
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
REQUEST_STATUSES = {"open", "closed"}
REQUEST_DATETIMES = ["requested_datetime", "updated_datetime", "expected_datetime"]
# GeoReport v2, "Date/time format": W3C (ISO 8601 subset) with the zone; ours is +07:00.
W3C_LOCAL = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00$")
# GeoReport v2, "Errors": a list of errors, each with a code and a description.
ERROR_FIELDS = ["code", "description"]

REPORTER = {
    "first_name": "Văn Dân",
    "last_name": "Nguyễn",
    "phone": "0901234567",
    "email": "dan.nguyen@example.com",
}


@pytest.fixture
def app_key(ward_a: Any) -> tuple[IntegrationClient, str]:
    issued = integration_client_issue(actor=None, name="Tổng đài 1022", contact="it@1022.vn")
    return issued.client, issued.key


@pytest.fixture
def other_key(ward_a: Any) -> tuple[IntegrationClient, str]:
    issued = integration_client_issue(actor=None, name="Ứng dụng khác")
    return issued.client, issued.key


def form(key: str, **fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "api_key": key,
        "jurisdiction_id": "hcmc.gov.vn",
        "service_code": "beyond_permit",
        "lat": str(TIP_LAT),
        "long": str(TIP_LON),
        "address_string": "12 Nguyễn Trãi",
        "description": "Nhà đang xây thêm tầng 5",
        "device_id": "phone-1",
        **REPORTER,
    }
    values.update(fields)
    return {k: v for k, v in values.items() if v is not None}


def post(client: Client, fmt: str, data: dict[str, Any], **headers: Any) -> Any:
    return client.post(
        f"{BASE}/requests.{fmt}", data=_urlencoded(data), content_type=FORM, **headers
    )


FORM = "application/x-www-form-urlencoded"


def _urlencoded(data: dict[str, Any]) -> str:
    return urllib.parse.urlencode(data)


def parsed(response: Any, fmt: str) -> Any:
    """JSON as is; XML turned into (root tag, [(item tag, {child: text})])."""
    if fmt == "json":
        assert response["Content-Type"].startswith("application/json")
        return response.json()
    assert response["Content-Type"].startswith("text/xml")
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    root = xml_root(response.content)
    return root.tag, [(item.tag, {child.tag: child for child in item}) for item in root]


def xml_root(raw: bytes) -> ElementTree.Element:
    return ElementTree.fromstring(raw)  # noqa: S314 (our own server's answer)


def assert_error(response: Any, fmt: str, status: int, *words: str) -> str:
    assert response.status_code == status
    if fmt == "json":
        body = response.json()
        assert isinstance(body, list) and len(body) == 1
        assert list(body[0]) == ERROR_FIELDS
        assert body[0]["code"] == status and isinstance(body[0]["code"], int)
        text = body[0]["description"]
    else:
        root, items = parsed(response, "xml")
        assert root == "errors" and [tag for tag, _ in items] == ["error"]
        assert list(items[0][1]) == ERROR_FIELDS
        assert items[0][1]["code"].text == str(status)
        text = items[0][1]["description"].text or ""
    for word in words:
        assert word in text, text
    return text


# --- Services ----------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_services_are_the_categories_with_the_specifications_fields(
    client: Client, db: Any, fmt: str
) -> None:
    response = client.get(f"{BASE}/services.{fmt}")
    assert response.status_code == 200
    if fmt == "json":
        services = response.json()
        assert [list(s) for s in services] == [SERVICE_FIELDS] * len(TipCategory.choices)
        assert [s["service_code"] for s in services] == list(TipCategory.values)
        for service in services:
            assert service["metadata"] is False
            assert service["type"] in SERVICE_TYPES and service["type"] == "realtime"
            assert all(isinstance(service[f], str) for f in SERVICE_FIELDS if f != "metadata")
            assert service["group"] == "Trật tự xây dựng"
    else:
        root, items = parsed(response, "xml")
        assert root == "services"
        assert {tag for tag, _ in items} == {"service"}
        assert [list(fields) for _, fields in items] == [SERVICE_FIELDS] * len(TipCategory.choices)
        assert [fields["service_code"].text for _, fields in items] == list(TipCategory.values)
        assert {fields["metadata"].text for _, fields in items} == {"false"}
        assert {fields["type"].text for _, fields in items} == {"realtime"}


def test_service_names_follow_the_language_asked_for(client: Client, db: Any) -> None:
    vietnamese = client.get(f"{BASE}/services.json").json()
    english = client.get(f"{BASE}/services.json?locale=en").json()
    by_header = client.get(f"{BASE}/services.json", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english[0]["service_name"] == "Building without a permit"
    assert by_header[0]["service_name"] == "Building without a permit"
    assert vietnamese[0]["service_name"] != english[0]["service_name"]
    assert english[0]["group"] == "Construction order"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_service_definition_has_no_attributes_and_an_unknown_code_is_404(
    client: Client, db: Any, fmt: str
) -> None:
    response = client.get(f"{BASE}/services/no_permit.{fmt}")
    assert response.status_code == 200
    if fmt == "json":
        body = response.json()
        assert list(body) == SERVICE_DEFINITION_FIELDS
        assert body == {"service_code": "no_permit", "attributes": []}
    else:
        root = xml_root(response.content)
        assert root.tag == "service_definition"
        assert [child.tag for child in root] == SERVICE_DEFINITION_FIELDS
        assert root.findtext("service_code") == "no_permit"
        assert list(root.find("attributes")) == []  # type: ignore[arg-type]
    assert_error(client.get(f"{BASE}/services/potholes.{fmt}"), fmt, 404, "potholes")


def test_an_unknown_format_and_a_wrong_method_are_answered_in_the_error_format(
    client: Client, db: Any
) -> None:
    assert_error(client.get(f"{BASE}/services.csv"), "json", 404, "json", "xml")
    assert_error(client.get(f"{BASE}/nothing-here.xml"), "xml", 404, "services.json")
    assert_error(client.get(f"{BASE}/requests/PA-..json"), "json", 404)
    assert client.head(f"{BASE}/services.json").status_code == 200
    response = client.post(f"{BASE}/services.xml")
    assert_error(response, "xml", 405)
    assert "GET" in response["Allow"]


# --- Filing ------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_app_files_a_report_form_encoded(
    client: Client, app_key: tuple[IntegrationClient, str], fmt: str
) -> None:
    app, key = app_key
    response = post(client, fmt, form(key))
    # GeoReport v2 "POST Service Request": 200 and a list of one created request.
    assert response.status_code == 200
    tip = Tip.objects.get()
    if fmt == "json":
        body = response.json()
        assert [list(row) for row in body] == [POST_RESPONSE_FIELDS]
        assert body[0]["service_request_id"] == tip.code
        assert body[0]["account_id"] is None
        notice = body[0]["service_notice"]
    else:
        root, items = parsed(response, "xml")
        assert root == "service_requests" and [tag for tag, _ in items] == ["request"]
        assert list(items[0][1]) == POST_RESPONSE_FIELDS
        assert items[0][1]["service_request_id"].text == tip.code
        assert items[0][1]["account_id"].text is None
        notice = items[0][1]["service_notice"].text
    assert tip.response_due_on.strftime("%d/%m/%Y") in notice
    assert tip.channel == TipChannel.OPEN311 and tip.client == app
    assert tip.category == "beyond_permit" and tip.address == "12 Nguyễn Trãi"
    assert tip.reporter_name == "Nguyễn Văn Dân"  # family name first, as Vietnamese names are
    assert tip.reporter_phone == "0901234567" and tip.reporter_email == REPORTER["email"]
    assert tip.submission_key == "" and tip.external_media_url == ""
    app.refresh_from_db()
    assert app.last_used_at is not None


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_filing_needs_a_valid_active_key(
    client: Client, app_key: tuple[IntegrationClient, str], fmt: str
) -> None:
    app, key = app_key
    assert_error(post(client, fmt, form(key, api_key=None)), fmt, 403, "api_key")
    assert_error(post(client, fmt, form("not-a-key")), fmt, 403, "api_key")
    app.is_active = False
    app.save()
    assert_error(post(client, fmt, form(key)), fmt, 403, "api_key")
    assert not Tip.objects.exists()


@pytest.mark.parametrize(
    ("fields", "status", "word"),
    [
        ({"lat": None, "long": None}, 400, "lat/long"),  # address_string alone
        ({"lat": str(TIP_LON), "long": str(TIP_LAT)}, 400, "lat/long"),  # swapped
        ({"lat": "10.9", "long": "106.9"}, 400, "lat/long"),  # outside the city
        ({"lat": "abc"}, 400, "lat/long"),
        ({"lat": "nan"}, 400, "lat/long"),
        ({"service_code": "potholes"}, 400, "potholes"),
        ({"service_code": None}, 400, "service_code"),
        ({"phone": "12ab"}, 400, "phone"),
        ({"email": "not-an-address"}, 400, "email"),
        ({"description": "a" * 4001}, 400, "description"),
        ({"media_url": "javascript:alert(1)"}, 400, "media_url"),
        ({"media_url": "ftp://example.com/a.jpg"}, 400, "media_url"),
        ({"media_url": "https://example.com/" + "a" * 200}, 400, "media_url"),
    ],
)
def test_bad_input_is_refused_in_the_error_format_and_nothing_is_stored(
    client: Client,
    app_key: tuple[IntegrationClient, str],
    fields: dict[str, Any],
    status: int,
    word: str,
) -> None:
    _, key = app_key
    for fmt in ("json", "xml"):
        assert_error(post(client, fmt, form(key, **fields)), fmt, status, word)
    assert not Tip.objects.exists()


def test_lat_long_missing_is_said_in_vietnamese(
    client: Client, app_key: tuple[IntegrationClient, str]
) -> None:
    text = assert_error(post(client, "json", form(app_key[1], lat=None, long=None)), "json", 400)
    assert text.startswith("lat/long") and "vĩ độ" in text


def test_a_json_body_is_refused_with_a_clear_message(
    client: Client, app_key: tuple[IntegrationClient, str]
) -> None:
    response = client.post(
        f"{BASE}/requests.json", data=json.dumps(form(app_key[1])), content_type="application/json"
    )
    # The key is looked for where the specification puts it: in the form (or the query).
    assert_error(response, "json", 403, "api_key", "application/x-www-form-urlencoded")
    response = client.post(
        f"{BASE}/requests.json?api_key={app_key[1]}",
        data=json.dumps(form(app_key[1])),
        content_type="application/json",
    )
    assert_error(response, "json", 400, "application/x-www-form-urlencoded")
    assert not Tip.objects.exists()


def test_the_idempotency_key_files_a_retried_report_once(
    client: Client, app_key: tuple[IntegrationClient, str]
) -> None:
    _, key = app_key
    first = post(client, "json", form(key), HTTP_IDEMPOTENCY_KEY="k-1").json()
    again = post(client, "json", form(key), HTTP_IDEMPOTENCY_KEY="k-1").json()
    assert first == again and Tip.objects.count() == 1
    other = post(client, "json", form(key, description="Khác hẳn"), HTTP_IDEMPOTENCY_KEY="k-1")
    assert_error(other, "json", 422)
    post(client, "json", form(key))
    post(client, "json", form(key))
    assert Tip.objects.count() == 3  # no key: each post is a report


def test_media_url_is_kept_as_a_link_never_fetched(
    client: Client, app_key: tuple[IntegrationClient, str]
) -> None:
    _, key = app_key
    # An address nothing listens on: fetching it would fail or hang.
    link = "http://127.0.0.1:9/photo.jpg"
    post(client, "json", form(key, media_url=link))
    tip = Tip.objects.get()
    assert tip.external_media_url == link and not tip.photos.exists()
    body = client.get(f"{BASE}/requests/{tip.code}.json", {"api_key": key}).json()
    assert body[0]["media_url"] == link


def test_a_photo_sent_as_media_is_kept_and_its_public_derivative_is_the_media_url(
    client: Client, app_key: tuple[IntegrationClient, str]
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    _, key = app_key
    data = form(key, media_url="https://app.example.com/p/1")
    data["media"] = SimpleUploadedFile("site.jpg", jpeg(), content_type="image/jpeg")
    response = client.post(f"{BASE}/requests.json", data=data)
    assert response.status_code == 200, response.content
    tip = Tip.objects.get()
    photo = SitePhoto.objects.get(tip=tip)
    assert photo.preview
    body = client.get(f"{BASE}/requests/{tip.code}.json", {"api_key": key}).json()
    base = settings.TTXD_SITE_URL.rstrip("/")
    assert body[0]["media_url"] == f"{base}/phan-anh/anh/{tip.code}/{photo.pk}.jpg"


def test_a_broken_photo_files_nothing(
    client: Client, app_key: tuple[IntegrationClient, str]
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = form(app_key[1])
    data["media"] = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    response = client.post(f"{BASE}/requests.json", data=data)
    assert 400 <= response.status_code < 500
    assert_error(response, "json", response.status_code)
    assert not Tip.objects.exists() and not SitePhoto.objects.exists()


# --- Reading -----------------------------------------------------------------


def filed(client: Client, key: str, **fields: Any) -> Tip:
    response = post(client, "json", form(key, **fields))
    assert response.status_code == 200, response.content
    return Tip.objects.get(code=response.json()[0]["service_request_id"])


def assert_request_fields(row: dict[str, Any], tip: Tip) -> None:
    """Every field of the specification, in its order, with its type and format."""
    assert list(row) == REQUEST_FIELDS
    assert row["service_request_id"] == tip.code
    assert row["status"] in REQUEST_STATUSES
    for name in REQUEST_DATETIMES:
        assert W3C_LOCAL.match(row[name]), (name, row[name])
        datetime.datetime.fromisoformat(row[name])
    assert datetime.datetime.fromisoformat(row["requested_datetime"]) == tip.received_at.replace(
        microsecond=0
    )
    assert row["expected_datetime"] == f"{tip.response_due_on.isoformat()}T23:59:59+07:00"
    assert isinstance(row["lat"], float) and isinstance(row["long"], float)
    assert abs(row["lat"] - TIP_LAT) < 1e-9 and abs(row["long"] - TIP_LON) < 1e-9
    assert row["service_code"] == tip.category
    assert row["agency_responsible"] == f"UBND {tip.ward.name}"
    assert row["address"] == tip.address and row["address_id"] == "" and row["zipcode"] == ""
    for name in REQUEST_FIELDS:
        if name not in ("lat", "long"):
            assert isinstance(row[name], str), name


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_app_reads_its_reports_back_with_the_specifications_fields(
    client: Client, app_key: tuple[IntegrationClient, str], fmt: str
) -> None:
    _, key = app_key
    tip = filed(client, key)
    for url in (f"{BASE}/requests.{fmt}", f"{BASE}/requests/{tip.code}.{fmt}"):
        response = client.get(url, {"api_key": key})
        assert response.status_code == 200
        if fmt == "json":
            rows = response.json()
            assert len(rows) == 1
            assert_request_fields(rows[0], tip)
            assert rows[0]["status"] == "open"
        else:
            root, items = parsed(response, "xml")
            assert root == "service_requests" and [tag for tag, _ in items] == ["request"]
            fields = items[0][1]
            assert list(fields) == REQUEST_FIELDS
            assert fields["service_request_id"].text == tip.code
            assert fields["status"].text == "open"
            assert W3C_LOCAL.match(fields["requested_datetime"].text or "")
            assert float(fields["lat"].text or "") == pytest.approx(TIP_LAT)
            assert float(fields["long"].text or "") == pytest.approx(TIP_LON)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_reading_needs_the_key_and_shows_only_the_apps_own_reports(
    client: Client,
    app_key: tuple[IntegrationClient, str],
    other_key: tuple[IntegrationClient, str],
    fmt: str,
) -> None:
    _, key = app_key
    _, other = other_key
    mine = filed(client, key)
    theirs = filed(client, other)
    web = file_tip()
    assert_error(client.get(f"{BASE}/requests.{fmt}"), fmt, 403, "api_key")
    assert_error(client.get(f"{BASE}/requests/{mine.code}.{fmt}"), fmt, 403, "api_key")
    listed = client.get(f"{BASE}/requests.json", {"api_key": key}).json()
    assert [row["service_request_id"] for row in listed] == [mine.code]
    for code in (theirs.code, web.code, "PA-0000-0000-0000", "nonsense<>"):
        assert_error(client.get(f"{BASE}/requests/{code}.{fmt}", {"api_key": key}), fmt, 404)
    by_ids = client.get(
        f"{BASE}/requests.json",
        {"api_key": key, "service_request_id": f"{mine.code},{theirs.code},{web.code}"},
    ).json()
    assert [row["service_request_id"] for row in by_ids] == [mine.code]


def test_the_list_filters_as_the_specification_says(
    client: Client, app_key: tuple[IntegrationClient, str]
) -> None:
    _, key = app_key
    a = filed(client, key, service_code="no_permit")
    b = filed(client, key, service_code="damage")
    old = filed(client, key)
    Tip.objects.filter(pk=old.pk).update(received_at=timezone.now() - datetime.timedelta(days=100))
    closed = filed(client, key)
    staff = UserFactory(username="leader", role="ward_leader", wards=[a.ward])
    tip_dismiss(actor=staff, tip=closed, reason="Công trình đã có giấy phép số 12/GPXD")

    def ids(**params: Any) -> list[str]:
        response = client.get(f"{BASE}/requests.json", {"api_key": key, **params})
        assert response.status_code == 200, response.content
        return [row["service_request_id"] for row in response.json()]

    # Defaults: the last 90 days, newest first.
    assert ids() == [closed.code, b.code, a.code]
    assert ids(service_code="damage") == [b.code]
    assert ids(service_code="no_permit,damage") == [b.code, a.code]
    assert ids(status="closed") == [closed.code]
    assert ids(status="open") == [b.code, a.code]
    assert ids(status="open,closed") == [closed.code, b.code, a.code]
    start = (timezone.now() - datetime.timedelta(days=120)).astimezone(datetime.UTC)
    assert ids(
        start_date=start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        end_date=(start + datetime.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ"),
    ) == [old.code]
    # service_request_id overrides every other argument (old is out of the default span).
    assert ids(service_request_id=f"{old.code}, {a.code}", status="closed") == [a.code, old.code]
    far = timezone.now() + datetime.timedelta(days=1)
    assert ids(end_date=far.isoformat()) == [closed.code, b.code, a.code]


@pytest.mark.parametrize(
    ("params", "status", "word"),
    [
        ({"start_date": "yesterday"}, 400, "start_date"),
        ({"end_date": "2026-13-45T00:00:00Z"}, 400, "end_date"),
        (
            {"start_date": "2026-06-01T00:00:00Z", "end_date": "2026-05-01T00:00:00Z"},
            400,
            "start_date",
        ),
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}, 400, "90"),
        ({"status": "pending"}, 400, "status"),
        ({"service_code": "potholes"}, 404, "potholes"),
    ],
)
def test_bad_filters_are_refused_in_the_error_format(
    client: Client,
    app_key: tuple[IntegrationClient, str],
    params: dict[str, str],
    status: int,
    word: str,
) -> None:
    for fmt in ("json", "xml"):
        response = client.get(f"{BASE}/requests.{fmt}", {"api_key": app_key[1], **params})
        assert_error(response, fmt, status, word)


def test_status_notes_follow_the_wards_answer_without_staff_names(
    client: Client, app_key: tuple[IntegrationClient, str]
) -> None:
    _, key = app_key
    opened = filed(client, key, service_code="no_permit")
    dismissed = filed(client, key)
    leader = UserFactory(
        username="leader", full_name="Trần Thị Lãnh Đạo", role="ward_leader", wards=[opened.ward]
    )
    tip_open_case(actor=leader, tip=opened)
    tip_dismiss(actor=leader, tip=dismissed, reason="Công trình đã có giấy phép số 12/GPXD")
    opened.refresh_from_db()
    response = client.get(f"{BASE}/requests.json", {"api_key": key})
    rows = {row["service_request_id"]: row for row in response.json()}
    assert rows[opened.code]["status"] == "closed"
    assert rows[opened.code]["status_notes"] == f"Đã lập hồ sơ vụ việc {opened.case.code}"
    assert rows[dismissed.code]["status"] == "closed"
    assert "giấy phép số 12/GPXD" in rows[dismissed.code]["status_notes"]
    for fmt in ("json", "xml"):
        raw = client.get(f"{BASE}/requests.{fmt}", {"api_key": key}).content
        assert "Trần Thị Lãnh Đạo".encode() not in raw and b"leader" not in raw
        assert xml_root(raw).tag == "service_requests" if fmt == "xml" else True


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_no_personal_data_in_any_answer(
    client: Client, app_key: tuple[IntegrationClient, str], fmt: str
) -> None:
    _, key = app_key
    tip = filed(client, key)
    answers = [
        post(client, fmt, form(key)).content,
        client.get(f"{BASE}/requests.{fmt}", {"api_key": key}).content,
        client.get(f"{BASE}/requests/{tip.code}.{fmt}", {"api_key": key}).content,
    ]
    for raw in answers:
        for value in ("Văn Dân", "Nguyễn Văn", REPORTER["phone"], REPORTER["email"]):
            assert value.encode() not in raw, value
        assert key.encode() not in raw


# --- The keys in the admin ---------------------------------------------------


def test_an_administrator_issues_a_key_shown_once_and_only_its_digest_is_kept(
    db: Any, ward_a: Any
) -> None:
    root = UserFactory(username="root", role="", is_staff=True, is_superuser=True)
    admin = Client()
    admin.force_login(root)
    response = admin.post(
        "/admin/intake/integrationclient/add/",
        {"name": "Cổng 1022", "contact": "it@1022.vn"},
        follow=True,
    )
    assert response.status_code == 200
    html = response.content.decode()
    app = IntegrationClient.objects.get(name="Cổng 1022")
    shown = re.search(r"<code>([A-Za-z0-9_\-]{40,})</code>", html)
    assert shown is not None
    key = shown.group(1)
    assert app.key_digest == hashlib.sha256(key.encode()).hexdigest()
    assert app.key_prefix == key[:8] and app.created_by == root
    assert (
        key not in admin.get(f"/admin/intake/integrationclient/{app.pk}/change/").content.decode()
    )
    api = Client()
    assert post(api, "json", form(key)).status_code == 200

    # Rotate: a new key shown once; the old one stops working.
    response = admin.post(
        "/admin/intake/integrationclient/",
        {"action": "rotate_keys", "_selected_action": [app.pk]},
        follow=True,
    )
    rotated = re.search(r"<code>([A-Za-z0-9_\-]{40,})</code>", response.content.decode())
    assert rotated is not None and rotated.group(1) != key
    assert_error(post(api, "json", form(key)), "json", 403)
    assert post(api, "json", form(rotated.group(1))).status_code == 200

    # Revoke.
    admin.post(
        "/admin/intake/integrationclient/",
        {"action": "revoke_keys", "_selected_action": [app.pk]},
        follow=True,
    )
    app.refresh_from_db()
    assert not app.is_active
    assert_error(post(api, "json", form(rotated.group(1))), "json", 403)


def test_only_superusers_and_city_administrators_manage_keys(
    db: Any, ward_a: Any, app_key: tuple[IntegrationClient, str], inspector_a: Any, auditor: Any
) -> None:
    for user in (inspector_a, auditor):
        client = admin_staff_client(user, ["view_integrationclient", "add_integrationclient"])
        assert client.get("/admin/intake/integrationclient/").status_code == 403
        assert client.get("/admin/intake/integrationclient/add/").status_code == 403
    city_admin = UserFactory(username="it_admin", role="admin", is_staff=True)
    client = Client()
    client.force_login(city_admin)
    response = client.get("/admin/intake/integrationclient/")
    assert response.status_code == 200 and "Tổng đài 1022" in response.content.decode()


def test_tips_in_the_admin_are_read_only_ward_scoped_and_hide_the_reporter(
    db: Any, ward_a: Any, ward_b: Any, inspector_a: Any, inspector_b: Any, auditor: Any
) -> None:
    tip = file_tip()
    permissions = ["view_tip"]
    own = admin_staff_client(inspector_a, permissions)
    listing = own.get("/admin/intake/tip/").content.decode()
    assert tip.code in listing and "Nguyễn Văn Dân" not in listing
    page = own.get(f"/admin/intake/tip/{tip.pk}/change/")
    assert page.status_code == 200
    assert "Nguyễn Văn Dân" in page.content.decode() and "dan@example.com" in page.content.decode()
    assert 'name="description"' not in page.content.decode()  # read-only

    city = admin_staff_client(auditor, permissions)
    page = city.get(f"/admin/intake/tip/{tip.pk}/change/")
    assert page.status_code == 200 and tip.code in page.content.decode()
    assert "Nguyễn Văn Dân" not in page.content.decode()
    assert "0901234567" not in page.content.decode()

    other = admin_staff_client(inspector_b, permissions)
    assert tip.code not in other.get("/admin/intake/tip/").content.decode()
    assert other.get(f"/admin/intake/tip/{tip.pk}/change/").status_code == 302
    assert own.get("/admin/intake/tip/add/").status_code == 403


# --- A real client over HTTP -------------------------------------------------


class Open311Client:
    """What an Open311 client library does: form-encoded POSTs, GETs with api_key."""

    def __init__(self, base: str, api_key: str) -> None:
        self.base = base.rstrip("/")
        self.api_key = api_key

    def _open(self, request: urllib.request.Request) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 (loopback)
                return answer.status, answer.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def create(self, fmt: str = "json", **fields: Any) -> tuple[int, bytes]:
        body = urllib.parse.urlencode({"api_key": self.api_key, **fields}).encode()
        request = urllib.request.Request(  # noqa: S310 (loopback)
            f"{self.base}/requests.{fmt}",
            data=body,
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
        )
        return self._open(request)

    def get(self, path: str, **params: Any) -> tuple[int, bytes]:
        query = urllib.parse.urlencode({"api_key": self.api_key, **params})
        url = f"{self.base}/{path}?{query}"
        return self._open(urllib.request.Request(url))  # noqa: S310 (loopback)


def seed_tip_response_rule() -> None:
    import importlib

    from django.apps import apps

    # A transactional test's flush empties the seeded response rule (cases migration 0018).
    importlib.import_module("backend.cases.migrations.0018_citizen_report_response_period").seed(
        apps, None
    )


def test_an_open311_client_files_and_reads_reports_over_http(live_server: Any, ward_a: Any) -> None:
    seed_tip_response_rule()
    key = integration_client_issue(actor=None, name="Ứng dụng công dân").key
    app = Open311Client(f"{live_server.url}{BASE}", key)

    status, body = app.get("services.json")
    assert status == 200 and [s["service_code"] for s in json.loads(body)] == TipCategory.values
    status, body = app.create(
        service_code="encroachment",
        lat=TIP_LAT,
        long=TIP_LON,
        address_string="Hẻm 34 Lê Lợi",
        description="Xây lấn ra hẻm chung",
        first_name="Thị Bé",
        last_name="Lê",
        phone="0912345678",
    )
    assert status == 200, body
    code = json.loads(body)[0]["service_request_id"]

    status, body = app.get(f"requests/{code}.json")
    assert status == 200
    (row,) = json.loads(body)
    assert list(row) == REQUEST_FIELDS
    assert row["service_request_id"] == code and row["status"] == "open"
    assert row["service_code"] == "encroachment" and row["address"] == "Hẻm 34 Lê Lợi"
    assert b"0912345678" not in body and "Thị Bé".encode() not in body

    status, body = app.get("requests.xml")
    assert status == 200
    root = xml_root(body)
    assert root.tag == "service_requests"
    assert [r.findtext("service_request_id") for r in root.findall("request")] == [code]

    status, body = app.create(service_code="encroachment", address_string="Hẻm 34 Lê Lợi")
    assert status == 400 and "lat/long" in json.loads(body)[0]["description"]
    assert Tip.objects.count() == 1


def test_status_notes_of_merged_spam_and_open_reports_name_no_other_reporter(
    client: Client, app_key: tuple[IntegrationClient, str]
) -> None:
    _, key = app_key
    earlier = file_tip()  # someone else's report from the public page
    merged = filed(client, key)
    spam = filed(client, key)
    verifying = filed(client, key)
    received = filed(client, key)
    leader = UserFactory(username="leader", role="ward_leader", wards=[earlier.ward])
    tip_open_case(actor=leader, tip=earlier)
    earlier.refresh_from_db()
    tip_merge(actor=leader, tip=merged, into=earlier)
    tips_mark_spam(actor=leader, tip_ids=[spam.pk])
    tip_verify(actor=leader, tip=verifying)
    raw = client.get(f"{BASE}/requests.json", {"api_key": key}).content
    rows = {row["service_request_id"]: row for row in json.loads(raw)}
    assert earlier.code.encode() not in raw  # another reporter's code
    assert rows[merged.code]["status"] == "closed"
    assert earlier.case.code in rows[merged.code]["status_notes"]
    assert rows[spam.code]["status"] == "closed"
    assert rows[spam.code]["status_notes"] == "Không được tiếp nhận"
    assert rows[verifying.code]["status"] == "open"
    assert rows[received.code]["status"] == "open"
    assert rows[verifying.code]["status_notes"] != rows[received.code]["status_notes"]


def test_errors_are_in_english_when_asked(
    client: Client, app_key: tuple[IntegrationClient, str]
) -> None:
    response = client.get(f"{BASE}/requests.json", {"locale": "en"})
    assert_error(response, "json", 403, "api_key is required")
    response = client.get(
        f"{BASE}/requests.xml", {"api_key": app_key[1], "status": "x"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert_error(response, "xml", 400, "status must be open or closed")


def test_markup_in_a_report_is_escaped_in_both_formats(
    client: Client, app_key: tuple[IntegrationClient, str]
) -> None:
    _, key = app_key
    text = 'Xây <b>lấn</b> hẻm & "vỉa hè"'
    tip = filed(client, key, description=text)
    raw = client.get(f"{BASE}/requests/{tip.code}.xml", {"api_key": key}).content
    assert b"<b>" not in raw
    root = xml_root(raw)
    assert root.findtext("request/description") == text
    assert (
        client.get(f"{BASE}/requests/{tip.code}.json", {"api_key": key}).json()[0]["description"]
        == text
    )


def test_characters_xml_cannot_carry_are_dropped_from_xml_answers() -> None:
    from backend.intake.open311 import _render

    response = _render("xml", [{"note": "a\ufffeb\x0bc\U0001f3e0"}], root="r", item="i")
    assert xml_root(response.content).findtext("i/note") == "abc\U0001f3e0"
