"""The inspection-plan page: the plan in force for a ward, its versions, a new version,
and who may read or change which plan.

The city default rules are migration 0002's (in force from 01/07/2025; tests/conftest.py
seeds them again after a transactional test's flush).
"""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.gis.geos import Point
from django.test import Client

from backend.accounts.models import Role
from backend.sites.models import InspectionPlanRule, Site, SiteOrigin, SiteStatus
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime.datetime(2026, 3, 16, 9, 30, tzinfo=HCM)
URL = "/sites/plan/"


def client_of(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def leader_b(ward_b: Any) -> Any:
    return UserFactory(username="leader_b", role=Role.WARD_LEADER, wards=[ward_b])


@pytest.fixture
def city_admin(db: Any) -> Any:
    # An administrator by role, not a superuser: the role alone lets them edit any plan.
    return UserFactory(username="city_admin", role=Role.ADMIN)


def rule_row(html: str, condition: str) -> str:
    table = html.split('id="plan-in-force"')[1].split("</table>")[0]
    return table.split(f'data-condition="{condition}"')[1].split("</tr>")[0]


def post(client: Client, ward: str, **changes: Any) -> Any:
    data = {
        "condition": "structure",
        "scope": "all",
        "mode": "every",
        "amount": "10",
        "unit": "working_days",
        "effective_from": "2026-03-16",
        "basis": "Kế hoạch kiểm tra số 5/KH-UBND của phường",
        "note": "",
    }
    data.update(changes)
    return client.post(f"{URL}?ward={ward}", data)


def versions_of(ward: Any) -> int:
    return InspectionPlanRule.objects.filter(ward=ward).count()


@time_machine.travel(NOW, tick=False)
def test_a_leader_sees_the_plan_in_force_with_its_defaults(leader_a: Any, ward_a: Any) -> None:
    response = client_of(leader_a).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kế hoạch kiểm tra của Phường A" in html
    structure = rule_row(html, "structure")
    assert "Cứ mỗi 15 ngày" in structure and "mặc định của thành phố" in structure
    assert "Mặc định của TTXD" in structure  # its basis
    small = rule_row(html, "started").split('data-kind="small_works"')[1]
    assert "Một lần, trong vòng 5 ngày làm việc" in small
    # No rule for structure work on small works but the default for permitted works.
    assert "không lên lịch kiểm tra" in rule_row(html, "structure").split('data-kind="small')[1]
    assert 'id="plan-add"' in html and 'id="plan-versions"' in html
    # Linked from the navigation.
    assert f'href="{URL}"' in html


@time_machine.travel(NOW, tick=False)
def test_a_leader_adds_a_version_that_is_in_force_at_once(leader_a: Any, ward_a: Any) -> None:
    site = Site.objects.create(
        ward=ward_a,
        origin=SiteOrigin.NOTIFIED,
        location=Point(106.69, 10.77, srid=4326),
        status=SiteStatus.STRUCTURE,
        status_since=datetime.date(2026, 3, 2),
    )
    client = client_of(leader_a)
    response = post(client, "90001")
    assert response.status_code == 302 and response["Location"] == f"{URL}?ward=90001"
    rule = InspectionPlanRule.objects.get(ward=ward_a)
    assert (rule.condition, rule.amount, rule.unit, rule.created_by) == (
        "structure",
        10,
        "working_days",
        leader_a,
    )
    html = client.get(response["Location"]).content.decode()
    assert "Đã thêm phiên bản mới của kế hoạch kiểm tra." in html
    structure = rule_row(html, "structure")
    assert "Cứ mỗi 10 ngày làm việc" in structure and "quy tắc riêng của phường" in structure
    assert f'data-rule="{rule.pk}" data-state="in_force"' in html
    default = InspectionPlanRule.objects.get(ward=None, condition="structure", scope="permitted")
    assert f'data-rule="{default.pk}" data-state="overridden"' in html
    # The ward's sites follow the new plan at once: 10 working days after 02/03/2026.
    site.refresh_from_db()
    assert site.plan_rule == rule and site.next_visit_due == datetime.date(2026, 3, 16)

    # A later version is listed, not yet in force; the current one stays.
    assert post(client, "90001", effective_from="01/04/2026", amount="5").status_code == 302
    html = client.get(f"{URL}?ward=90001").content.decode()
    later = InspectionPlanRule.objects.get(ward=ward_a, effective_from=datetime.date(2026, 4, 1))
    assert f'data-rule="{later.pk}" data-state="upcoming"' in html
    assert "Cứ mỗi 10 ngày làm việc" in rule_row(html, "structure")


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"amount": "0"}, "amount", "tối thiểu là 1"),
        ({"amount": ""}, "amount", "tối thiểu là 1"),
        ({"amount": "300"}, "amount", "260"),
        ({"amount": "mười"}, "amount", "số nguyên"),
        ({"basis": "  "}, "basis", "quyết định của ai"),
        ({"condition": "completed"}, "condition", "lựa chọn hợp lệ"),
        ({"effective_from": "31/02/2026"}, "effective_from", "ngày hợp lệ"),
    ],
)
def test_a_bad_version_is_refused_next_to_its_field(
    leader_a: Any, ward_a: Any, changes: dict[str, str], field: str, message: str
) -> None:
    response = post(client_of(leader_a), "90001", **changes)
    assert response.status_code == 400
    html = response.content.decode()
    block = html.split(f'data-field="{field}"')[1].split("</div>")[0]
    assert 'class="error"' in block and message in block, block
    assert versions_of(ward_a) == 0


@time_machine.travel(NOW, tick=False)
def test_a_second_version_on_the_same_day_is_refused(leader_a: Any, ward_a: Any) -> None:
    client = client_of(leader_a)
    assert post(client, "90001").status_code == 302
    response = post(client, "90001", amount="12")
    assert response.status_code == 409
    block = response.content.decode().split('data-field="effective_from"')[1].split("</div>")[0]
    assert "16/03/2026" in block and "chọn ngày khác" in block
    assert versions_of(ward_a) == 1


# --- Who sees and changes which plan ------------------------------------------------------
@time_machine.travel(NOW, tick=False)
def test_an_inspector_reads_the_plan_and_cannot_change_it(inspector_a: Any, ward_a: Any) -> None:
    client = client_of(inspector_a)
    html = client.get(URL).content.decode()
    assert "Kế hoạch kiểm tra của Phường A" in html
    assert 'id="plan-add"' not in html and 'id="plan-read-only"' in html
    response = post(client, "90001")
    assert response.status_code == 403 and versions_of(ward_a) == 0


@time_machine.travel(NOW, tick=False)
def test_ward_users_never_see_another_wards_plan(
    leader_a: Any, inspector_b: Any, leader_b: Any, ward_a: Any, ward_b: Any
) -> None:
    InspectionPlanRule.objects.create(
        ward=ward_a,
        condition="structure",
        mode="every",
        amount=9,
        unit="calendar_days",
        effective_from=datetime.date(2026, 1, 1),
        basis="Kế hoạch riêng của phường A",
    )
    html = client_of(leader_b).get(URL).content.decode()
    assert "Kế hoạch kiểm tra của Phường B" in html
    assert "Kế hoạch riêng của phường A" not in html and "Phường A" not in html
    for user in (leader_b, inspector_b):
        assert client_of(user).get(f"{URL}?ward=90001").status_code == 404
        assert client_of(user).get(f"{URL}?ward=default").status_code == 404
    assert post(client_of(leader_b), "90001").status_code == 404
    assert post(client_of(leader_a), "90002").status_code == 404
    assert versions_of(ward_b) == 0 and versions_of(ward_a) == 1


@time_machine.travel(NOW, tick=False)
def test_the_auditor_reads_every_plan_and_changes_none(
    auditor: Any, ward_a: Any, ward_b: Any
) -> None:
    client = client_of(auditor)
    html = client.get(URL).content.decode()
    assert "Kế hoạch kiểm tra mặc định của các phường" in html
    assert 'value="90001"' in html and 'value="90002"' in html
    assert 'id="plan-add"' not in html
    assert "Kế hoạch kiểm tra của Phường B" in client.get(f"{URL}?ward=90002").content.decode()
    assert post(client, "90002").status_code == 403
    assert post(client, "default").status_code == 403
    assert InspectionPlanRule.objects.filter(created_by=auditor).count() == 0


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("who", ["city_admin", "admin_user"])
def test_an_administrator_edits_the_default_and_any_ward(
    request: Any, who: str, ward_a: Any, ward_b: Any
) -> None:
    admin = request.getfixturevalue(who)
    client = client_of(admin)
    html = client.get(URL).content.decode()
    assert 'id="plan-add"' in html
    assert post(client, "default", amount="20", unit="calendar_days").status_code == 302
    added = InspectionPlanRule.objects.get(ward=None, effective_from=datetime.date(2026, 3, 16))
    assert added.amount == 20 and added.created_by == admin
    html = client.get(f"{URL}?ward=90002").content.decode()
    assert "Cứ mỗi 20 ngày" in rule_row(html, "structure")  # ward B falls back on it
    assert post(client, "90002").status_code == 302 and versions_of(ward_b) == 1


def test_anonymous_visitors_are_sent_to_sign_in(ward_a: Any) -> None:
    client = Client()
    for response in (client.get(URL), post(client, "90001")):
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert versions_of(ward_a) == 0


def test_a_ward_user_of_no_ward_is_told_why(db: Any) -> None:
    loner = UserFactory(username="loner", role=Role.WARD_LEADER)
    response = client_of(loner).get(URL)
    assert response.status_code == 404
    assert "Bạn chưa thuộc phường nào" in response.content.decode()
