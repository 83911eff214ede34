"""accounts_access_unchanged(), the SQL guard of an authentication snapshot.

The HTTP behaviour (the next tile after a logout, a role change…) is in
tests/maps/test_tile_auth.py; here the guard is called directly, fact by fact,
and its ward ids are held to ward_ids_of's.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone

from backend.accounts.digests import text_digest
from backend.accounts.models import Role, WardMembership
from backend.accounts.selectors import SESSION, TOKEN, AuthSnapshot, snapshot_of, ward_ids_of
from backend.accounts.services import device_token_issue
from backend.accounts.sessions import SessionStore
from tests.factories import UserFactory, WardFactory

pytestmark = pytest.mark.django_db


def holds(snapshot: AuthSnapshot, now: datetime.datetime | None = None) -> bool:
    sql, params = snapshot.guard(now or timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql}", params)  # noqa: S608 - the guard's own SQL
        return bool(cursor.fetchone()[0])


def session_request(user: Any) -> Any:
    """A request whose session (a real row) was just read and holds `user`."""
    store = SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store["_auth_user_backend"] = "backend.accounts.backends.UserBackend"
    store["_auth_user_hash"] = user.get_session_auth_hash()
    store.create()
    request = RequestFactory().get("/")
    request.session = SessionStore(store.session_key)
    request.session.load()
    return request


@pytest.fixture
def leader(ward_a: Any) -> Any:
    return UserFactory(username="leader", role=Role.WARD_LEADER, wards=[ward_a])


def test_a_fresh_snapshot_holds(leader):
    snapshot = snapshot_of(session_request(leader), leader, SESSION)

    assert snapshot is not None and snapshot.ward_ids == tuple(ward_ids_of(leader))
    assert holds(snapshot)


def test_the_digest_is_the_same_in_python_and_sql():
    text = "Phường Bến Nghé – đã xử lý ✓"
    with connection.cursor() as cursor:
        cursor.execute("SELECT encode(sha256(convert_to(%s, 'UTF8')), 'hex')", [text])
        assert cursor.fetchone()[0] == text_digest(text)


@pytest.mark.parametrize(
    "change",
    [
        "session deleted",
        "session expired",
        "session rewritten",
        "password",
        "deactivated",
        "role",
        "membership removed",
        "membership added",
        "ward redrawn",
    ],
)
def test_every_fact_the_access_rests_on_is_rechecked(leader, ward_a, ward_b, change):
    snapshot = snapshot_of(session_request(leader), leader, SESSION)
    assert snapshot is not None and holds(snapshot)
    session = Session.objects.get(session_key=snapshot.key)

    if change == "session deleted":
        session.delete()
    elif change == "session expired":
        session.expire_date = timezone.now() - datetime.timedelta(seconds=1)
        session.save()
    elif change == "session rewritten":
        session.session_data = session.session_data + " "
        session.save()
    elif change == "password":
        leader.set_password("another-long-password-7")
        leader.save()
    elif change == "deactivated":
        leader.is_active = False
        leader.save()
    elif change == "role":
        leader.role = Role.INSPECTOR
        leader.save()
    elif change == "membership removed":
        WardMembership.objects.filter(user=leader).delete()
    elif change == "membership added":
        WardMembership.objects.create(user=leader, ward=ward_b)
    elif change == "ward redrawn":
        WardFactory(
            code=ward_a.code,
            slug="WARDA-2",
            name=ward_a.name,
            boundary=ward_a.boundary,
            valid_from=ward_a.valid_from + datetime.timedelta(days=30),
        )

    assert not holds(snapshot)


def test_an_unrelated_change_keeps_the_snapshot(leader, ward_b):
    snapshot = snapshot_of(session_request(leader), leader, SESSION)
    assert snapshot is not None
    other = UserFactory(username="other", role=Role.INSPECTOR, wards=[ward_b])
    leader.full_name = "Trần Thị B"
    leader.save()

    assert holds(snapshot)
    assert other.pk != leader.pk


def test_a_session_past_its_expiry_at_check_time_fails(leader):
    snapshot = snapshot_of(session_request(leader), leader, SESSION)
    assert snapshot is not None

    assert not holds(snapshot, now=timezone.now() + datetime.timedelta(days=400))


def test_a_token_snapshot_follows_the_token(leader):
    issued = device_token_issue(user=leader)
    request = RequestFactory().get("/", HTTP_AUTHORIZATION=f"Token {issued.token}")
    snapshot = snapshot_of(request, leader, TOKEN)
    assert snapshot is not None and holds(snapshot)
    # Only the digest goes to the database, never the token itself.
    assert issued.token not in snapshot.params

    issued.row.delete()

    assert not holds(snapshot)


def test_a_token_snapshot_fails_once_the_token_expires(leader):
    issued = device_token_issue(user=leader)
    request = RequestFactory().get("/", HTTP_AUTHORIZATION=f"Token {issued.token}")
    snapshot = snapshot_of(request, leader, TOKEN)
    assert snapshot is not None and issued.row.expiry is not None

    assert holds(snapshot, now=issued.row.expiry - datetime.timedelta(seconds=1))
    assert not holds(snapshot, now=issued.row.expiry + datetime.timedelta(seconds=1))


def test_a_token_snapshot_is_of_its_own_user_only(leader, ward_a):
    other = UserFactory(username="other_leader", role=Role.WARD_LEADER, wards=[ward_a])
    issued = device_token_issue(user=other)
    request = RequestFactory().get("/", HTTP_AUTHORIZATION=f"Token {issued.token}")
    # A snapshot claiming someone else's token for `leader` never holds.
    snapshot = snapshot_of(request, leader, TOKEN)

    assert snapshot is not None and not holds(snapshot)


def test_a_city_role_has_no_ward_list_to_recheck(ward_a):
    auditor = UserFactory(username="auditor2", role=Role.CITY_AUDITOR)
    snapshot = snapshot_of(session_request(auditor), auditor, SESSION)
    assert snapshot is not None and snapshot.ward_ids is None

    WardMembership.objects.create(user=auditor, ward=ward_a)

    assert holds(snapshot)


@pytest.mark.parametrize(
    "situation", ["one ward", "two wards", "redrawn", "none", "future version"]
)
def test_the_guard_and_ward_ids_of_agree(ward_a, ward_b, situation):
    user = UserFactory(username="someone", role=Role.INSPECTOR, wards=[])
    if situation in ("one ward", "redrawn", "future version"):
        WardMembership.objects.create(user=user, ward=ward_a)
    if situation == "two wards":
        WardMembership.objects.create(user=user, ward=ward_a)
        WardMembership.objects.create(user=user, ward=ward_b)
    if situation in ("redrawn", "future version"):
        days = -1 if situation == "redrawn" else 365
        WardFactory(
            code=ward_a.code,
            slug="WARDA-3",
            name=ward_a.name,
            boundary=ward_a.boundary,
            valid_from=timezone.localdate() + datetime.timedelta(days=days),
        )
    user.refresh_from_db()
    expected = sorted(ward_ids_of(user))
    snapshot = snapshot_of(session_request(user), user, SESSION)
    assert snapshot is not None and snapshot.ward_ids is not None  # a ward role

    assert holds(snapshot)
    # …and not for any other list.
    for wrong in (expected[:-1], [*expected, 10**12], [10**12]):
        if wrong != expected:
            altered = AuthSnapshot(
                **{**snapshot.__dict__, "params": (*snapshot.params[:-1], wrong)}
            )
            assert not holds(altered)
