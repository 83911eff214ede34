"""Tiles after the first of a session or token: one statement, re-checked access.

The first tile of a session is authenticated the ordinary way (session,
user, wards, then the tile). The next ones re-check all of that inside the
tile's own statement (snapshot_of in backend.accounts.selectors). These
tests warm that path, change one fact the access rested on, and expect the
very next tile to be what a fresh sign-in would get.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from backend.accounts.models import DeviceToken, Role, WardMembership
from backend.accounts.selectors import request_credential
from backend.accounts.services import device_token_issue
from backend.maps.selectors.tile_layers import TILE_STATEMENTS
from backend.maps.tile_statements import GUARDED_STATEMENT
from backend.maps.tile_view import TILE_SNAPSHOTS
from tests.factories import WardFactory
from tests.maps.conftest import IN_A, IN_B, features, make_case, tile_url

pytestmark = pytest.mark.django_db

BORDER = (106.70, 10.770)  # on the line between ward A and ward B


@pytest.fixture(autouse=True)
def empty_caches() -> Any:
    TILE_SNAPSHOTS.clear()
    TILE_STATEMENTS.clear()
    yield
    TILE_SNAPSHOTS.clear()
    TILE_STATEMENTS.clear()


@pytest.fixture
def both_wards(ward_a: Any, ward_b: Any) -> dict[str, int]:
    return {"a": make_case(ward_a, (106.6995, 10.770)).pk, "b": make_case(ward_b, IN_B).pk}


def case_ids(response: Any) -> set[int]:
    return {f["id"] for f in features(response, "cases")}


def warmed(client: Any, user: Any, url: str, django_assert_num_queries: Any) -> set[int]:
    """Sign in, fetch `url` the ordinary way, then once more in one statement."""
    client.force_login(user)
    first = case_ids(client.get(url))
    with django_assert_num_queries(1):
        second = case_ids(client.get(url))
    assert first == second
    return second


def varies(response: Any) -> list[str]:
    return [v.strip() for v in response.get("Vary", "").split(",") if v.strip()]


def session_of(client: Any) -> Session:
    return Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)


# --- One statement per tile ------------------------------------------------------------


@pytest.mark.parametrize(
    ("user_fixture", "layer", "z"),
    [
        ("inspector_a", "cases", 15),
        ("inspector_a", "cases", 11),
        ("inspector_a", "wards", 12),
        ("inspector_a", "permits", 16),
        ("inspector_a", "tips", 15),
        ("auditor", "cases", 15),
        ("auditor", "wards", 12),
        ("auditor", "tips", 15),
    ],
)
def test_after_the_first_tile_each_tile_is_one_statement(
    request, client, ward_a, django_assert_num_queries, user_fixture, layer, z
):
    make_case(ward_a, IN_A)
    client.force_login(request.getfixturevalue(user_fixture))
    url = tile_url(layer, *IN_A, z)

    first = client.get(url)
    with django_assert_num_queries(1):
        again = client.get(url)
    with django_assert_num_queries(1):
        revalidated = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    with django_assert_num_queries(1):
        head = client.head(url)

    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert again["Cache-Control"] == first["Cache-Control"] == "private, no-cache"
    assert revalidated.status_code == 304
    assert revalidated["ETag"] == first["ETag"]
    assert head.status_code == 200 and head["ETag"] == first["ETag"]
    assert again["Content-Length"] == first["Content-Length"] == str(len(first.content))
    for response in (again, revalidated):
        assert set(varies(response)) == {"Cookie", "Authorization"}
        # What the security middleware adds to every answer.
        for header in ("X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"):
            assert response[header] == first[header], header
    # A tile holds no text in the user's language: only the ordinary path,
    # through the locale middleware, also says Accept-Language.
    assert set(varies(first)) == {"Cookie", "Authorization", "Accept-Language"}


def test_a_token_is_rechecked_in_one_statement_too(
    client, inspector_a, ward_a, django_assert_num_queries
):
    make_case(ward_a, IN_A)
    issued = device_token_issue(user=inspector_a, device="Điện thoại 1")
    url = tile_url("cases", *IN_A, 15)
    auth = {"HTTP_AUTHORIZATION": f"Token {issued.token}"}
    first = client.get(url, **auth)

    with django_assert_num_queries(1):
        again = client.get(url, **auth)
    # Signed out through the API: the very next tile is refused.
    assert client.post("/api/auth/logout/", **auth).status_code == 204
    refused = client.get(url, **auth)

    assert len(features(first, "cases")) == 1 and again.content == first.content
    assert refused.status_code == 401


def test_a_new_zoom_band_is_built_the_ordinary_way_then_joins_the_fast_path(
    client, auditor, ward_a, django_assert_num_queries
):
    make_case(ward_a, IN_A)
    client.force_login(auditor)
    client.get(tile_url("cases", *IN_A, 15))

    # No statement for clusters yet: session, user, tile (city users have no ward list).
    with django_assert_num_queries(3):
        clusters = client.get(tile_url("cases", *IN_A, 11))
    with django_assert_num_queries(1):
        again = client.get(tile_url("cases", *IN_A, 11))

    assert sum(f["properties"]["n"] for f in features(clusters, "cases")) == 1
    assert again.content == clusters.content


def test_a_bad_tile_request_is_answered_after_authentication(client, auditor, ward_a):
    client.force_login(auditor)
    client.get(tile_url("wards", *IN_A, 12))
    session_of(client).delete()

    # Signed out: a 401, whatever is wrong with the request.
    assert client.get("/api/tiles/cases/99/0/0.pbf").status_code == 401
    assert client.get("/api/tiles/roads/1/0/0.pbf").status_code == 401
    assert client.get(tile_url("cases", *IN_A, 15, "stage=bogus")).status_code == 401


# --- Every fact the access rested on is re-checked -------------------------------------


def test_signing_out_ends_tiles_at_once(client, inspector_a, ward_a, django_assert_num_queries):
    make_case(ward_a, IN_A)
    url = tile_url("cases", *IN_A, 15)
    warmed(client, inspector_a, url, django_assert_num_queries)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value

    client.logout()
    client.cookies[settings.SESSION_COOKIE_NAME] = cookie  # a copy kept by the browser

    assert client.get(url).status_code == 401


def _expire(client: Any, user: Any) -> None:
    row = session_of(client)
    row.expire_date = timezone.now() - datetime.timedelta(seconds=1)
    row.save()


def _deactivate(client: Any, user: Any) -> None:
    user.is_active = False
    user.save()


def _change_password(client: Any, user: Any) -> None:
    user.set_password("a-brand-new-password-9")
    user.save()


def _tamper(client: Any, user: Any) -> None:
    row = session_of(client)
    row.session_data = row.session_data[:-3] + "AAA"
    row.save()


@pytest.mark.parametrize("revoke", [_expire, _deactivate, _change_password, _tamper])
def test_a_revoked_session_gets_no_tile(
    client, inspector_a, ward_a, django_assert_num_queries, revoke
):
    make_case(ward_a, IN_A)
    url = tile_url("cases", *IN_A, 15)
    warmed(client, inspector_a, url, django_assert_num_queries)

    revoke(client, inspector_a)

    assert client.get(url).status_code == 401


def test_a_session_that_now_belongs_to_another_user_gets_that_users_tiles(
    client, inspector_a, inspector_b, both_wards, django_assert_num_queries
):
    url = tile_url("cases", *BORDER, 15)
    assert warmed(client, inspector_a, url, django_assert_num_queries) == {both_wards["a"]}
    # The row under the same key rewritten for another user (as a server-side
    # session store could): the content changed, so nothing is taken from before.
    other = client.session.__class__()
    other["_auth_user_id"] = str(inspector_b.pk)
    other["_auth_user_backend"] = "backend.accounts.backends.UserBackend"
    other["_auth_user_hash"] = inspector_b.get_session_auth_hash()
    row = session_of(client)
    row.session_data = other.encode(other._session)
    row.save()

    assert case_ids(client.get(url)) == {both_wards["b"]}


def test_a_change_in_the_sessions_content_keeps_the_user_signed_in(
    client, inspector_a, both_wards, django_assert_num_queries
):
    url = tile_url("cases", *BORDER, 15)
    warmed(client, inspector_a, url, django_assert_num_queries)
    session = client.session
    session["map_view"] = "15/10.77/106.70"
    session.save()

    # Re-checked the ordinary way once, then one statement again.
    assert case_ids(client.get(url)) == {both_wards["a"]}
    with django_assert_num_queries(1):
        assert case_ids(client.get(url)) == {both_wards["a"]}


@pytest.mark.parametrize(
    ("new_role", "expected"),
    [(Role.CITY_AUDITOR, {"a", "b"}), (Role.WARD_LEADER, {"a"}), ("", set())],
)
def test_a_role_change_shows_on_the_next_tile(
    client, inspector_a, both_wards, django_assert_num_queries, new_role, expected
):
    url = tile_url("cases", *BORDER, 15)
    warmed(client, inspector_a, url, django_assert_num_queries)

    inspector_a.role = new_role
    inspector_a.save()

    assert case_ids(client.get(url)) == {both_wards[w] for w in expected}


def test_wards_given_and_taken_show_on_the_next_tile(
    client, inspector_a, ward_a, ward_b, both_wards, django_assert_num_queries
):
    url = tile_url("cases", *BORDER, 15)
    warmed(client, inspector_a, url, django_assert_num_queries)

    WardMembership.objects.create(user=inspector_a, ward=ward_b)
    given = case_ids(client.get(url))
    WardMembership.objects.filter(user=inspector_a, ward=ward_a).delete()
    taken = case_ids(client.get(url))

    assert given == {both_wards["a"], both_wards["b"]}
    assert taken == {both_wards["b"]}


def test_a_redrawn_ward_keeps_its_staff_on_the_next_tile(
    client, inspector_a, ward_a, django_assert_num_queries, today
):
    url = tile_url("cases", *IN_A, 15)
    make_case(ward_a, IN_A)
    warmed(client, inspector_a, url, django_assert_num_queries)
    # A new boundary version of ward A (same official code): its cases are
    # the inspector's, although the membership names the old version.
    redrawn = WardFactory(
        code=ward_a.code,
        slug="WARDA2",
        name=ward_a.name,
        boundary=ward_a.boundary,
        valid_from=ward_a.valid_from + datetime.timedelta(days=1),
    )
    newer = make_case(redrawn, (106.6905, 10.7705))

    assert newer.pk in case_ids(client.get(url))


def test_another_users_session_cookie_never_reuses_a_snapshot(
    client, inspector_a, inspector_b, both_wards, django_assert_num_queries
):
    from django.test import Client

    url = tile_url("cases", *BORDER, 15)
    warmed(client, inspector_a, url, django_assert_num_queries)
    other = Client()
    other.force_login(inspector_b)

    # Its own first tile: session, user, wards, tile (the statement is not
    # shared either: another ward, another scope).
    with django_assert_num_queries(4):
        theirs = case_ids(other.get(url))
    assert theirs == {both_wards["b"]}
    assert case_ids(client.get(url)) == {both_wards["a"]}


def test_a_session_and_a_token_in_one_request_answer_as_the_token(
    client, inspector_a, auditor, both_wards, django_assert_num_queries
):
    url = tile_url("cases", *BORDER, 15)
    issued = device_token_issue(user=auditor)
    auth = {"HTTP_AUTHORIZATION": f"Token {issued.token}"}
    client.force_login(inspector_a)
    assert case_ids(client.get(url)) == {both_wards["a"]}

    # With the inspector's session cookie, a request naming the auditor's
    # token is the token's (as in the API), on the ordinary path, on the
    # fast path, and after the session changed…
    first = case_ids(client.get(url, **auth))
    with django_assert_num_queries(1):
        again = case_ids(client.get(url, **auth))
    session = client.session
    session["map_view"] = "15/10.77/106.70"
    session.save()
    after_change = case_ids(client.get(url, **auth))
    assert first == again == after_change == {both_wards["a"], both_wards["b"]}

    # …and a revoked token is refused, not answered as the session.
    DeviceToken.objects.filter(pk=issued.row.pk).delete()
    assert client.get(url, **auth).status_code == 401
    assert case_ids(client.get(url)) == {both_wards["a"]}


def token_tiles(client: Any, user: Any, ward: Any) -> tuple[str, dict[str, str]]:
    """A case in `ward`, a token of `user`, and a first tile with it (the snapshot)."""
    make_case(ward, IN_A)
    issued = device_token_issue(user=user, device="Điện thoại")
    url = tile_url("cases", *IN_A, 15)
    auth = {"HTTP_AUTHORIZATION": f"Token {issued.token}"}
    assert client.get(url, **auth).status_code == 200
    return url, auth


def test_a_token_of_a_deactivated_user_gets_no_tile(
    client, inspector_a, ward_a, django_assert_num_queries
):
    url, auth = token_tiles(client, inspector_a, ward_a)
    with django_assert_num_queries(1):
        client.get(url, **auth)

    inspector_a.is_active = False
    inspector_a.save()

    assert client.get(url, **auth).status_code == 401


def test_a_password_change_revokes_the_token_on_the_next_tile(
    client, inspector_a, ward_a, django_assert_num_queries
):
    url, auth = token_tiles(client, inspector_a, ward_a)
    with django_assert_num_queries(1):
        assert client.get(url, **auth).status_code == 200

    inspector_a.set_password("a-brand-new-password-9")
    inspector_a.save()

    assert client.get(url, **auth).status_code == 401


def test_removal_from_the_last_ward_revokes_the_token_on_the_next_tile(
    client, inspector_a, ward_a, django_assert_num_queries
):
    url, auth = token_tiles(client, inspector_a, ward_a)
    with django_assert_num_queries(1):
        assert client.get(url, **auth).status_code == 200

    WardMembership.objects.filter(user=inspector_a).delete()

    assert client.get(url, **auth).status_code == 401


def test_an_expired_token_gets_no_tile_on_the_fast_path(
    client, inspector_a, ward_a, django_assert_num_queries
):
    url, auth = token_tiles(client, inspector_a, ward_a)
    # Expired in the row (as time passing would leave it): the guard reads it.
    DeviceToken.objects.filter(user=inspector_a).update(
        expiry=timezone.now() - datetime.timedelta(seconds=1)
    )

    assert client.get(url, **auth).status_code == 401
    assert not DeviceToken.objects.filter(user=inspector_a).exists()


# --- The guard itself ----------------------------------------------------------------------


def test_a_failing_guard_runs_nothing_behind_it():
    # The inner statement would fail if it ran: a guard that is false at run
    # time (not foldable by the planner) must keep it from running at all.
    inner = (
        "SELECT (SELECT (1 / (count(*) - count(*)))::text FROM pg_class) AS version, "
        "NULL::bytea AS tile"
    )
    guard = "(SELECT count(*) FROM pg_class WHERE relname = %s) > 0"
    with connection.cursor() as cursor:
        cursor.execute(GUARDED_STATEMENT.format(guard=guard, inner=inner), ["no-such-relation"])
        assert cursor.fetchall() == []
        cursor.execute(
            GUARDED_STATEMENT.format(guard=guard, inner="SELECT 'v' AS version, NULL AS tile"),
            ["pg_class"],
        )
        assert cursor.fetchall() == [("v", None)]


def test_the_credential_is_the_one_the_ordinary_path_would_use(rf):
    with_both = rf.get("/", HTTP_AUTHORIZATION="Token abc123")
    with_both.COOKIES[settings.SESSION_COOKIE_NAME] = "k" * 32
    bad_token_and_session = rf.get("/", HTTP_AUTHORIZATION="Token a b")
    bad_token_and_session.COOKIES[settings.SESSION_COOKIE_NAME] = "k" * 32
    only_session = rf.get("/")
    only_session.COOKIES[settings.SESSION_COOKIE_NAME] = "k" * 32

    assert request_credential(with_both) == ("token", "abc123")
    assert request_credential(bad_token_and_session) is None
    assert request_credential(only_session) == ("session", "k" * 32)
    assert request_credential(rf.get("/", HTTP_AUTHORIZATION="Token abc123")) == (
        "token",
        "abc123",
    )
    # The scheme in any case, as the API reads it.
    assert request_credential(rf.get("/", HTTP_AUTHORIZATION="token abc123")) == (
        "token",
        "abc123",
    )
    # Read as DRF reads it: two parts split on ASCII spaces, nothing stripped.
    assert request_credential(rf.get("/", HTTP_AUTHORIZATION="Token abc\x1f")) == (
        "token",
        "abc\x1f",
    )
    assert request_credential(rf.get("/", HTTP_AUTHORIZATION="Token a b")) is None
    assert request_credential(rf.get("/", HTTP_AUTHORIZATION="Bearer x")) is None
    assert request_credential(rf.get("/")) is None


# --- What the middleware leaves to the whole stack ---------------------------------------


def test_the_middleware_matches_the_tile_urls_of_the_url_conf():
    from django.urls import reverse

    from backend.maps.middleware import TILE_URL

    path = reverse("map_tile", args=["cases", 15, 26101, 15396])

    assert TILE_URL.match(path[1:]) is not None
    assert TILE_URL.match(reverse("map_counts")[1:]) is None


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"QUERY_STRING": "note=%00"}, 400),  # NUL: refused by its middleware
        ({"QUERY_STRING": "note=%01"}, 400),  # any control character, likewise
        ({"HTTP_HOST": "evil.example"}, 400),  # not an allowed host
    ],
)
def test_requests_the_other_middleware_refuses_are_still_refused(
    client, auditor, ward_a, django_assert_num_queries, kwargs, status
):
    url = tile_url("wards", *IN_A, 12)
    client.force_login(auditor)
    assert client.get(url).status_code == 200  # the snapshot is there

    response = client.generic("GET", url, **kwargs)

    assert response.status_code == status


def test_a_user_agent_the_settings_refuse_is_refused(client, auditor, ward_a, settings):
    import re

    url = tile_url("wards", *IN_A, 12)
    client.force_login(auditor)
    client.get(url)
    settings.DISALLOWED_USER_AGENTS = [re.compile("BadBot")]

    assert client.get(url, HTTP_USER_AGENT="BadBot/1.0").status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/api/tiles/wards/12/3262/1925.pbf%0A",  # a newline after the URL
        "/api/tiles/wards/12/3262/1925.pbf/",
    ],
)
def test_near_tile_urls_are_not_tiles(client, auditor, ward_a, path):
    client.force_login(auditor)
    client.get(tile_url("wards", *IN_A, 12))

    assert client.get(path).status_code == 404


@pytest.mark.parametrize("z", ["1²", "١٥", "+5", " 5"])
def test_tile_numbers_are_ascii_digits_or_a_400(client, auditor, ward_a, z):
    client.force_login(auditor)
    client.get(tile_url("wards", *IN_A, 12))

    response = client.get(f"/api/tiles/wards/{z}/0/0.pbf")

    assert response.status_code == 400
    assert "z" in response.json()["detail"]


def test_a_write_to_a_tile_url_is_refused_by_the_view(client, auditor, ward_a):
    url = tile_url("wards", *IN_A, 12)
    client.force_login(auditor)
    client.get(url)

    assert client.post(url).status_code in (403, 405)
