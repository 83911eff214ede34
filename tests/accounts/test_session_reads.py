"""Sessions and their users are read with plain statements: same rules as Django's own."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from backend.accounts.backends import UserBackend
from backend.accounts.models import Role
from backend.accounts.sessions import SessionStore
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Any page that needs a session user; it answers 401 to anyone else.
PRIVATE_URL = "/api/tiles/wards/1/0/0.pbf"


@pytest.fixture
def user() -> Any:
    user = UserFactory(username="someone", role=Role.CITY_AUDITOR)
    user.set_password("a-long-password-1")
    user.save()
    return user


def logged_in(client: Any, user: Any) -> Any:
    client.force_login(user)
    assert client.get(PRIVATE_URL).status_code == 200
    return client


def session_row(client: Any) -> Session:
    return Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)


def test_the_project_uses_these_reads():
    assert settings.SESSION_ENGINE == "backend.accounts.sessions"
    assert "backend.accounts.backends.UserBackend" in settings.AUTHENTICATION_BACKENDS


def test_signing_in_on_the_login_page_gives_a_working_session(client, user):
    response = client.post("/login/", {"username": "someone", "password": "a-long-password-1"})

    assert response.status_code == 302
    assert client.get(PRIVATE_URL).status_code == 200


def test_an_expired_session_is_anonymous(client, user):
    logged_in(client, user)
    row = session_row(client)
    row.expire_date = timezone.now() - datetime.timedelta(seconds=1)
    row.save()

    assert client.get(PRIVATE_URL).status_code == 401


def test_a_session_deleted_elsewhere_ends_at_once(client, user):
    logged_in(client, user)

    session_row(client).delete()

    assert client.get(PRIVATE_URL).status_code == 401


def test_a_deactivated_user_is_signed_out_on_the_next_request(client, user):
    logged_in(client, user)

    user.is_active = False
    user.save()

    assert client.get(PRIVATE_URL).status_code == 401


def test_a_password_change_elsewhere_ends_the_session(client, user):
    logged_in(client, user)

    user.set_password("another-long-password-2")
    user.save()

    assert client.get(PRIVATE_URL).status_code == 401


def test_an_unknown_session_key_loads_nothing_and_is_never_reused(user):
    store = SessionStore("no-such-session-key-0123456789")

    assert store.load() == {}
    assert store.session_key is None


def test_a_tampered_session_loads_nothing(client, user):
    logged_in(client, user)
    row = session_row(client)
    row.session_data = row.session_data[:-3] + "AAA"
    row.save()

    assert client.get(PRIVATE_URL).status_code == 401


def test_the_user_read_matches_the_orm_field_for_field(user, django_assert_num_queries):
    user.last_login = timezone.now()
    user.full_name = "Nguyễn Văn A"
    user.save()
    expected = type(user).objects.get(pk=user.pk)

    with django_assert_num_queries(1):
        found = UserBackend().get_user(str(user.pk))

    assert type(found) is type(expected)
    for field in type(user)._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(expected, field.attname), field.name
    assert found._state.adding is False and found._state.db == "default"


@pytest.mark.parametrize("user_id", ["not-a-number", "999999999", None])
def test_no_user_for_an_unknown_or_malformed_id(user, user_id):
    assert UserBackend().get_user(user_id) is None
