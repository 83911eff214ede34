"""The site page /sites/{id}/: visits in order, photos by date and bearing, the storeys chart."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.test import Client

from backend.sites.models import Site
from backend.sites.services.permit_sync import sites_sync_from_permits
from backend.sites.views import NO_BEARING, bearing_sector
from tests.factories import CaseFactory, PermitFactory, UserFactory
from tests.sites.helpers import make_site, make_visit, make_visit_photo

pytestmark = pytest.mark.django_db
D = datetime.date


def _page(user: Any, pk: int) -> Any:
    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    if user is not None:
        client.force_login(user)
    return client.get(f"/sites/{pk}/")


@pytest.fixture
def growing_site(ward_a: Any, inspector_a: Any) -> Site:
    PermitFactory(ward=ward_a, number="55/GPXD", permitted_storeys=4)
    sites_sync_from_permits()
    site = Site.objects.get()
    early = make_visit(site, inspector_a, D(2025, 9, 10), storeys_built=2, notes="Đang đổ sàn 2")
    late = make_visit(
        site, inspector_a, D(2025, 10, 20), storeys_built=6, outcome="violation", notes="Vượt tầng"
    )
    make_visit_photo(early, bearing=10.0, n=1)  # north
    make_visit_photo(early, bearing=95.0, n=2)  # east
    make_visit_photo(late, bearing=350.0, n=3)  # north again
    make_visit_photo(late, bearing=None, n=4)
    return site


def test_bearing_sectors() -> None:
    assert [bearing_sector(b) for b in (0, 22.4, 22.6, 90, 180, 337.6, 359.9)] == [
        0,
        0,
        1,
        2,
        4,
        0,
        0,
    ]
    assert bearing_sector(None) == NO_BEARING


def test_site_page_shows_visits_photos_by_bearing_chart_and_history(
    growing_site: Site, inspector_a: Any
) -> None:
    response = _page(inspector_a, growing_site.pk)
    assert response.status_code == 200
    html = response.content.decode()
    assert "55/GPXD" in html and "Chưa khởi công" in html
    # Visits oldest first.
    assert html.index("10/09/2025") < html.index("20/10/2025")
    assert html.index("Đang đổ sàn 2") < html.index("Vượt tầng")
    # Photos: one column per visit day, one row per camera direction.
    table = html[html.index('data-testid="photo-compare"') :]
    table = table[: table.index("</table>")]
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</th>(.*?)</tr>", table, re.S)
    labels = [label for label, _ in rows]
    assert labels == ["Hướng Bắc", "Hướng Đông", "Không rõ hướng chụp"]
    north_cells = re.findall(r"<td>(.*?)</td>", rows[0][1], re.S)
    assert len(north_cells) == 2 and all("data-photo-id" in cell for cell in north_cells)
    east_cells = re.findall(r"<td>(.*?)</td>", rows[1][1], re.S)
    assert "data-photo-id" in east_cells[0] and "data-photo-id" not in east_cells[1]
    # Storeys chart: a reading per visit, the permitted storeys as a line, 6 > 4 marked.
    start = html.index('data-testid="storeys-chart"')
    chart = html[start : html.index("</svg>", start)]
    assert 'data-testid="permitted-line"' in chart
    assert chart.count("<circle") == 2 and chart.count('class="reading over"') == 1
    assert "Được phép: 4 tầng" in chart
    assert "<script" not in chart
    assert "Lịch sử trạng thái" in html


def test_permitted_line_sits_below_a_reading_above_the_permit(
    growing_site: Site, inspector_a: Any
) -> None:
    html = _page(inspector_a, growing_site.pk).content.decode()
    line_y = float(re.search(r'data-testid="permitted-line"[^>]*y1="([\d.]+)"', html).group(1))
    ys = [
        float(y)
        for y in re.findall(r'<circle class="reading[^"]*" cx="[\d.]+" cy="([\d.]+)"', html)
    ]
    assert ys[0] > line_y > ys[1]  # SVG y grows downwards: 2 storeys below, 6 above


def test_site_page_and_its_photos_follow_role_and_ward(
    growing_site: Site, inspector_a: Any, inspector_b: Any, leader_a: Any, auditor: Any
) -> None:
    assert _page(inspector_a, growing_site.pk).status_code == 200
    assert _page(leader_a, growing_site.pk).status_code == 200
    assert _page(auditor, growing_site.pk).status_code == 200
    assert _page(inspector_b, growing_site.pk).status_code == 404
    assert _page(UserFactory(username="nobody"), growing_site.pk).status_code == 404
    anonymous = _page(None, growing_site.pk)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    photo = growing_site.visits.first().photos.first()
    other = Client()
    other.force_login(inspector_b)
    assert other.get(f"/photos/{photo.pk}/thumbnail/").status_code == 404


def test_a_site_without_visits_or_permit(ward_a: Any, inspector_a: Any) -> None:
    site = make_site(ward_a, actor=inspector_a)
    html = _page(inspector_a, site.pk).content.decode()
    assert "Chưa được kiểm tra lần nào." in html
    assert "Chưa ghi nhận số tầng." in html
    assert "Không có giấy phép xây dựng" in html


def test_case_page_links_to_its_site(ward_a: Any, inspector_a: Any, inspector_b: Any) -> None:
    site = make_site(ward_a, actor=inspector_a)
    case = CaseFactory(ward=ward_a)
    site.cases.add(case)
    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    client.force_login(inspector_a)
    html = client.get(f"/cases/{case.pk}/").content.decode()
    assert f'href="/sites/{site.pk}/"' in html
    site_html = _page(inspector_a, site.pk).content.decode()
    assert f'href="/cases/{case.pk}/"' in site_html
