"""The public pages of citizens' reports: the form, a report's status, its 404."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from backend.intake.models import Tip
from backend.intake.services.triage import tip_open_case, tip_verify
from tests.intake.conftest import file_tip

pytestmark = pytest.mark.django_db


def test_the_report_page_renders_without_sign_in_or_staff_navigation(
    ward_a: Any, inspector_a: Any
) -> None:
    anonymous = Client()
    signed_in = Client()
    signed_in.force_login(inspector_a)
    for client in (anonymous, signed_in):
        response = client.get("/phan-anh/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "Phản ánh vi phạm trật tự xây dựng" in html
        assert "Dùng vị trí của tôi" in html
        assert 'id="tip-map"' in html and "vendor/leaflet/leaflet.js" in html
        assert 'accept="image/*"' in html and "multiple" in html and "capture" in html
        # Every category, in plain words.
        assert html.count('name="category"') == 7
        assert "Chỉ cán bộ của phường" in html
        # The honeypot: out of sight, of the tab order and of screen readers.
        assert re.search(
            r'<div class="hp" aria-hidden="true">.*?name="website" tabindex="-1" autocomplete="off"',
            html,
            re.S,
        )
        assert 'action="/phan-anh/theo-doi/"' in html
        # No staff links, no account, even for a signed-in inspector.
        for staff in ("/cases/", "/map/", "inspector_a", "/logout/", "/admin/"):
            assert staff not in html, staff
        # No inline script (CSP): the configuration is JSON data.
        assert '<script id="tip-config" type="application/json">' in html
        assert not re.search(r"<script(?![^>]*(src=|application/json))[^>]*>", html)


def test_the_service_worker_is_scoped_to_the_report_page() -> None:
    response = Client().get("/phan-anh/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/phan-anh/"
    body = response.content.decode()
    assert "/static/intake/report.js" in body and "/static/intake/queue.js" in body
    assert "/static/field/queue.js" in body and 'const PAGE = "/phan-anh/"' in body


def test_the_status_page_shows_where_the_report_stands(ward_a: Any, inspector_a: Any) -> None:
    tip = file_tip()
    html = Client().get(f"/phan-anh/theo-doi/{tip.code}/").content.decode()
    assert tip.code in html and "Đã tiếp nhận: phường sẽ xem xét" in html
    received = timezone.localtime(tip.received_at).strftime("%d/%m/%Y")
    assert f"<dd>{received}</dd>" in html
    assert f"<dd>{tip.response_due_on.strftime('%d/%m/%Y')}</dd>" in html
    assert "<dd>Phường A</dd>" in html
    assert f"<dd>{tip.get_category_display()}</dd>" in html
    tip_verify(actor=inspector_a, tip=tip)
    case = tip_open_case(actor=inspector_a, tip=Tip.objects.get(pk=tip.pk))
    response = Client().get(f"/phan-anh/theo-doi/{tip.code}/")
    html = response.content.decode()
    assert "Đã lập hồ sơ vụ việc" in html and case.code in html
    assert html.count("<li><time") == 3
    for private in ("Nguyễn Văn Dân", "0901234567", "dan@example.com", "inspector_a"):
        assert private not in html, private
    assert response["Cache-Control"] == "no-store"


def test_a_code_typed_in_leads_to_its_page(ward_a: Any) -> None:
    tip = file_tip()
    typed = tip.code.lower().replace("-", " ")
    response = Client().get("/phan-anh/theo-doi/", {"code": typed})
    assert response.status_code == 302 and response["Location"] == f"/phan-anh/theo-doi/{tip.code}/"
    loose = Client().get(f"/phan-anh/theo-doi/{tip.code.lower()}/")
    assert loose.status_code == 302


@pytest.mark.parametrize("code", ["PA-0000-0000-0000", "abc", "PA-<script>"])
def test_an_unknown_code_is_a_404_page_with_a_message(ward_a: Any, code: str) -> None:
    for response in (
        Client().get(f"/phan-anh/theo-doi/{code}/"),
        Client().get("/phan-anh/theo-doi/", {"code": code}),
    ):
        assert response.status_code == 404
        html = response.content.decode()
        assert "Không có phản ánh nào mang mã này" in html
        assert "<script>" not in html.split("</head>", 1)[1]


def test_the_pages_are_in_english_through_the_language_switch(ward_a: Any) -> None:
    tip = file_tip()
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/phan-anh/"})
    html = client.get("/phan-anh/").content.decode()
    assert "Report a construction violation" in html and "Use my position" in html
    status = client.get(f"/phan-anh/theo-doi/{tip.code}/").content.decode()
    assert "Received: the ward will look at it" in status
