"""The user admin for ward staff: whom they may manage, which memberships
they see, and which actions their permissions allow."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client

from backend.accounts.models import DeviceToken, FailedLogin, Role, User, WardMembership
from backend.accounts.services import device_token_issue
from tests.conftest import admin_staff_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MANAGE_USERS = [
    "view_user",
    "change_user",
    "view_ward",
    "view_wardmembership",
    "add_wardmembership",
    "change_wardmembership",
    "delete_wardmembership",
]


class _FormFields(HTMLParser):
    """The name/value pairs a browser would submit with the form `form_id`."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.data: dict[str, list[str]] = {}
        self._in_form = self._done = False
        self._select: str | None = None
        self._textarea: str | None = None

    def _add(self, name: str | None, value: str | None) -> None:
        if name:
            self.data.setdefault(name, []).append(value or "")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form" and a.get("id") == self.form_id and not self._done:
            self._in_form = True
        if not self._in_form:
            return
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "file", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            value = a.get("value")
            self._add(a.get("name"), "on" if kind == "checkbox" and value is None else value)
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self._add(self._select, a.get("value"))
        elif tag == "textarea":
            self._textarea = a.get("name")
            self._add(self._textarea, "")

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea][-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._in_form:
            self._in_form, self._done = False, True
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_as_shown(client: Client, url: str) -> dict[str, list[str]]:
    response = client.get(url)
    assert response.status_code == 200
    parser = _FormFields("user_form")
    parser.feed(response.content.decode())
    return parser.data


@pytest.fixture
def ward_staff(ward_a: Any) -> Any:
    return UserFactory(username="staff_a", role=Role.WARD_LEADER, wards=[ward_a])


# --- Whom ward staff may manage -------------------------------------------------------------


def test_ward_staff_cannot_open_privileged_accounts_of_their_own_ward(
    ward_a: Any, ward_staff: Any, inspector_a: Any, leader_a: Any
) -> None:
    root = UserFactory(username="root", role="", is_staff=True, is_superuser=True, wards=[ward_a])
    city = UserFactory(username="city_admin", role=Role.ADMIN, is_staff=True, wards=[ward_a])
    other_staff = UserFactory(
        username="staff_2", role=Role.WARD_LEADER, is_staff=True, wards=[ward_a]
    )
    client = admin_staff_client(ward_staff, MANAGE_USERS)

    for user in (root, city, other_staff):
        assert client.get(f"/admin/accounts/user/{user.pk}/change/").status_code == 302
        password_page = f"/admin/accounts/user/{user.pk}/password/"
        assert client.get(password_page).status_code == 404
        response = client.post(
            password_page, {"password1": "taken-over-1234", "password2": "taken-over-1234"}
        )
        assert response.status_code == 404
        assert not User.objects.get(pk=user.pk).check_password("taken-over-1234")
    # Their ward's inspectors and leaders, and their own account, stay theirs to manage.
    for user in (inspector_a, leader_a, ward_staff):
        assert client.get(f"/admin/accounts/user/{user.pk}/change/").status_code == 200
    listing = client.get("/admin/accounts/user/").content.decode()
    assert "inspector_a" in listing and "leader_a" in listing
    assert "root" not in listing and "city_admin" not in listing and "staff_2" not in listing


def test_ward_staff_do_not_see_the_devices_or_failed_sign_ins_of_a_superuser(
    ward_a: Any, ward_staff: Any
) -> None:
    root = UserFactory(username="root", role="", is_staff=True, is_superuser=True, wards=[ward_a])
    device_token_issue(user=root, device="Máy của quản trị")
    FailedLogin.objects.create(username="root", ip_address="203.0.113.9")
    FailedLogin.objects.create(username="staff_a", ip_address="203.0.113.9")
    client = admin_staff_client(ward_staff, ["view_devicetoken", "view_failedlogin"])

    assert "Máy của quản trị" not in client.get("/admin/accounts/devicetoken/").content.decode()
    failed = client.get("/admin/accounts/failedlogin/").content.decode()
    assert "staff_a" in failed and ">root<" not in failed


# --- Memberships in the user form -------------------------------------------------------------


@pytest.fixture
def two_ward_inspector(ward_a: Any, ward_b: Any) -> Any:
    return UserFactory(username="hai_phuong", role=Role.INSPECTOR, wards=[ward_a, ward_b])


def test_ward_staff_see_only_their_wards_memberships_of_a_colleague(
    ward_staff: Any, two_ward_inspector: Any
) -> None:
    client = admin_staff_client(ward_staff, MANAGE_USERS)

    page = client.get(f"/admin/accounts/user/{two_ward_inspector.pk}/change/").content.decode()

    assert "Phường A" in page and "Phường B" not in page


def test_saving_a_two_ward_colleague_keeps_the_membership_staff_cannot_see(
    ward_a: Any, ward_b: Any, ward_staff: Any, two_ward_inspector: Any
) -> None:
    client = admin_staff_client(ward_staff, MANAGE_USERS)
    url = f"/admin/accounts/user/{two_ward_inspector.pk}/change/"
    data = form_as_shown(client, url)
    data["full_name"] = ["Trần Thị Hai"]

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()
    two_ward_inspector.refresh_from_db()
    assert two_ward_inspector.full_name == "Trần Thị Hai"
    assert set(two_ward_inspector.memberships.values_list("ward__code", flat=True)) == {
        ward_a.code,
        ward_b.code,
    }


def test_ward_staff_cannot_end_a_colleagues_membership_of_another_ward(
    ward_b: Any, ward_staff: Any, two_ward_inspector: Any
) -> None:
    client = admin_staff_client(ward_staff, MANAGE_USERS)
    url = f"/admin/accounts/user/{two_ward_inspector.pk}/change/"
    data = form_as_shown(client, url)
    hidden = WardMembership.objects.get(user=two_ward_inspector, ward=ward_b)
    # A crafted form that names the other ward's membership for deletion.
    data.update(
        {
            "memberships-TOTAL_FORMS": ["2"],
            "memberships-INITIAL_FORMS": ["2"],
            "memberships-1-id": [str(hidden.pk)],
            "memberships-1-user": [str(two_ward_inspector.pk)],
            "memberships-1-ward": [str(ward_b.pk)],
            "memberships-1-DELETE": ["on"],
        }
    )

    client.post(url, data)

    assert WardMembership.objects.filter(pk=hidden.pk).exists()


# --- Actions and permissions --------------------------------------------------------------


def test_staff_who_may_only_view_users_get_no_sign_out_action(
    ward_staff: Any, inspector_a: Any
) -> None:
    token = device_token_issue(user=inspector_a, device="máy").token
    client = admin_staff_client(ward_staff, ["view_user"])

    listing = client.get("/admin/accounts/user/").content.decode()
    client.post(
        "/admin/accounts/user/",
        {"action": "revoke_all_devices", "_selected_action": [str(inspector_a.pk)]},
    )

    assert "inspector_a" in listing and 'value="revoke_all_devices"' not in listing
    assert DeviceToken.objects.filter(user=inspector_a).exists()
    assert token


def test_staff_who_may_only_view_devices_cannot_revoke_them(
    ward_staff: Any, inspector_a: Any
) -> None:
    row = device_token_issue(user=inspector_a, device="máy").row
    client = admin_staff_client(ward_staff, ["view_devicetoken"])

    listing = client.get("/admin/accounts/devicetoken/").content.decode()
    client.post(
        "/admin/accounts/devicetoken/", {"action": "revoke", "_selected_action": [str(row.pk)]}
    )

    assert "máy" in listing and 'value="revoke"' not in listing
    assert DeviceToken.objects.filter(pk=row.pk).exists()
