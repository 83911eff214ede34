"""The per-process cache of compiled tile statements: never a way around access."""

from __future__ import annotations

from typing import Any

import pytest

from backend.accounts.models import Role, WardMembership
from backend.cases.selectors.query import CaseQuery
from backend.maps.selectors.tile_layers import (
    TILE_STATEMENTS,
    case_clusters_statement,
    case_points_statement,
    permits_statement,
    wards_statement,
)
from backend.maps.tile_statements import TileStatementCache
from backend.maps.tiles import TileAddress
from tests.factories import UserFactory
from tests.maps.conftest import IN_A, IN_B, features, make_case, tile_of, tile_url

pytestmark = pytest.mark.django_db

BORDER = (106.70, 10.770)  # on the line between ward A and ward B


@pytest.fixture(autouse=True)
def empty_statement_cache() -> Any:
    TILE_STATEMENTS.clear()
    yield
    TILE_STATEMENTS.clear()


def case_ids(client: Any, user: Any, url: str) -> set[int]:
    client.force_login(user)
    return {f["id"] for f in features(client.get(url), "cases")}


def test_a_ward_added_to_a_user_shows_on_their_next_tile(client, inspector_a, ward_b):
    theirs = make_case(ward_b, IN_B)
    url = tile_url("cases", *IN_B, 15)
    before = case_ids(client, inspector_a, url)

    WardMembership.objects.create(user=inspector_a, ward=ward_b)
    after = case_ids(client, inspector_a, url)

    assert before == set()
    assert after == {theirs.pk}


def test_a_ward_taken_from_a_user_disappears_from_their_next_tile(client, inspector_a, ward_a):
    make_case(ward_a, IN_A)
    url = tile_url("cases", *IN_A, 15)
    before = case_ids(client, inspector_a, url)

    WardMembership.objects.filter(user=inspector_a).delete()
    after = case_ids(client, inspector_a, url)

    assert len(before) == 1
    assert after == set()


@pytest.mark.parametrize(("layer", "z"), [("cases", 12), ("cases", 15), ("wards", 12)])
def test_a_role_change_is_honoured_on_the_next_tile(client, inspector_a, ward_a, ward_b, layer, z):
    make_case(ward_a, (106.6995, 10.770))
    make_case(ward_b, (106.7005, 10.770))
    url = tile_url(layer, *BORDER, z)
    client.force_login(inspector_a)
    as_inspector = features(client.get(url), layer)

    inspector_a.role = Role.CITY_AUDITOR
    inspector_a.save()
    as_city = features(client.get(url), layer)

    if layer == "wards":
        assert [f["properties"]["code"] for f in as_inspector] == ["90001"]
        assert sorted(f["properties"]["code"] for f in as_city) == ["90001", "90002"]
    elif z >= 14:
        assert len(as_inspector) == 1 and len(as_city) == 2
    else:
        assert sum(f["properties"]["n"] for f in as_inspector) == 1
        assert sum(f["properties"]["n"] for f in as_city) == 2


def test_users_of_different_wards_never_share_a_statement(client, inspector_a, inspector_b, ward_a):
    mine = make_case(ward_a, (106.6995, 10.770))
    url = tile_url("cases", *BORDER, 14)

    seen_by_a = case_ids(client, inspector_a, url)
    seen_by_b = case_ids(client, inspector_b, url)

    assert seen_by_a == {mine.pk}
    assert seen_by_b == set()
    scopes = {key[1] for key in TILE_STATEMENTS.entry_keys()}
    assert scopes == {
        ("inspector", "wards", (inspector_a.memberships.get().ward_id,)),
        ("inspector", "wards", (inspector_b.memberships.get().ward_id,)),
    }


def test_colleagues_of_one_ward_share_a_statement(client, inspector_a, leader_a, ward_a):
    make_case(ward_a, IN_A)
    colleague = UserFactory(username="inspector_a2", role=Role.INSPECTOR, wards=[ward_a])
    url = tile_url("cases", *IN_A, 15)

    first = case_ids(client, inspector_a, url)
    second = case_ids(client, colleague, url)
    leader = case_ids(client, leader_a, url)

    assert first == second == leader
    # Same role and wards: one entry; another role: its own entry.
    assert TILE_STATEMENTS.misses == 2 and TILE_STATEMENTS.hits == 1


@pytest.mark.parametrize(
    "build", [case_points_statement, case_clusters_statement, permits_statement, wards_statement]
)
def test_a_cached_statement_is_what_the_selectors_compile_for_each_user_of_the_key(
    build, inspector_a, leader_a, auditor, ward_a, ward_b, today
):
    # The key holds everything the access selectors read from a user: any two
    # users with the same key get the very same statement from the selectors.
    other_inspector = UserFactory(username="inspector_a2", role=Role.INSPECTOR, wards=[ward_a])
    admin = UserFactory(username="admin_x", role=Role.ADMIN)
    filters = CaseQuery({"stage": "halted", "ward": "90001"})

    assert build(inspector_a, filters, today) == build(other_inspector, filters, today)
    assert build(auditor, filters, today).sql == build(admin, filters, today).sql
    assert build(inspector_a, filters, today).sql != build(auditor, filters, today).sql
    assert build(inspector_a, filters, today) != build(inspector_a, CaseQuery(), today)


def test_filters_are_part_of_the_key(client, inspector_a, ward_a):
    from backend.cases.models import Stage

    halted = make_case(ward_a, IN_A, stage=Stage.HALTED)
    make_case(ward_a, (IN_A[0] + 0.001, IN_A[1]))
    client.force_login(inspector_a)

    everything = features(client.get(tile_url("cases", *IN_A, 15)), "cases")
    only_halted = features(client.get(tile_url("cases", *IN_A, 15, "stage=halted")), "cases")

    assert len(everything) == 2
    assert [f["id"] for f in only_halted] == [halted.pk]
    assert TILE_STATEMENTS.misses == 2


def test_one_statement_serves_every_tile_of_a_zoom_band(client, auditor, ward_a, ward_b):
    a = make_case(ward_a, IN_A)
    b = make_case(ward_b, IN_B)
    client.force_login(auditor)

    in_a = features(client.get(tile_url("cases", *IN_A, 16)), "cases")
    in_b = features(client.get(tile_url("cases", *IN_B, 16)), "cases")

    assert [f["id"] for f in in_a] == [a.pk]
    assert [f["id"] for f in in_b] == [b.pk]
    assert (TILE_STATEMENTS.misses, TILE_STATEMENTS.hits) == (1, 1)


def test_tiles_of_one_statement_have_their_own_etags(client, auditor, ward_a):
    make_case(ward_a, IN_A)
    client.force_login(auditor)
    z, x, y = tile_of(*IN_A, 16)

    here = client.get(f"/api/tiles/cases/{z}/{x}/{y}.pbf")
    next_door = client.get(f"/api/tiles/cases/{z}/{x + 1}/{y}.pbf")
    replay = client.get(f"/api/tiles/cases/{z}/{x + 1}/{y}.pbf", HTTP_IF_NONE_MATCH=here["ETag"])

    assert here["ETag"] != next_door["ETag"]
    assert replay.status_code == 200


def test_if_none_match_star_is_a_304(client, inspector_a, ward_a):
    make_case(ward_a, IN_A)
    client.force_login(inspector_a)

    response = client.get(tile_url("cases", *IN_A, 15), HTTP_IF_NONE_MATCH="*")

    assert response.status_code == 304


@pytest.mark.parametrize(
    ("layer", "z"), [("cases", 10), ("cases", 15), ("wards", 12), ("tips", 15)]
)
def test_query_counts_are_the_same_on_a_cold_and_a_warm_cache(
    client, inspector_a, auditor, ward_a, django_assert_num_queries, layer, z
):
    make_case(ward_a, IN_A)
    url = tile_url(layer, *IN_A, z)

    # A new session of a ward user: session, user, the user's wards, the tile;
    # whether or not the statement was compiled for someone before.
    for _ in range(2):
        client.logout()
        client.force_login(inspector_a)
        with django_assert_num_queries(4):
            assert client.get(url).status_code == 200
    # A city user has no ward list to read.
    for _ in range(2):
        client.logout()
        client.force_login(auditor)
        with django_assert_num_queries(3):
            assert client.get(url).status_code == 200
    assert TILE_STATEMENTS.hits == 2


def test_a_user_who_sees_nothing_is_remembered_as_nothing_not_as_someone_else(
    client, ward_a, django_user_model
):
    make_case(ward_a, IN_A)
    nobody = django_user_model.objects.create_user("nobody", password="x-1234-yz")
    url = tile_url("cases", *IN_A, 15)

    for _ in range(2):
        assert case_ids(client, nobody, url) == set()

    nobody.role = Role.INSPECTOR
    nobody.save()
    WardMembership.objects.create(user=nobody, ward=ward_a)
    assert len(case_ids(client, nobody, url)) == 1


# --- The cache itself ------------------------------------------------------------


def test_the_cache_builds_once_per_key_and_forgets_the_least_recently_used():
    cache = TileStatementCache(size=2)
    built: list[str] = []

    def get(key: str) -> str:
        return cache.get_or_build(key, lambda: built.append(key) or key.upper())

    assert [get("a"), get("b"), get("a")] == ["A", "B", "A"]
    get("c")  # evicts "b", the least recently used
    get("a")
    get("b")

    assert built == ["a", "b", "c", "b"]
    assert cache.entry_keys() == ["a", "b"]
    assert (cache.hits, cache.misses) == (2, 4)


def test_a_statement_fills_its_tile_slots_for_each_tile(auditor, today):
    statement = wards_statement(auditor, CaseQuery(), today)
    here, there = TileAddress(16, 52192, 30790), TileAddress(15, 26096, 15395)

    values_here = statement.layer_parameters(here)
    values_there = statement.layer_parameters(there)

    assert here.bounds_4326(64)[0] in values_here
    assert here.size_m / 4096 * 4 in values_here
    assert there.bounds_4326(64)[0] in values_there
    assert statement.tile_fingerprint(here) != statement.tile_fingerprint(there)


def test_map_statements_run_without_jit_or_parallel_workers():
    # Set per connection (DATABASES OPTIONS): a light tile must not pay for a
    # JIT compilation or for starting workers.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        jit = cursor.fetchone()[0]
        cursor.execute("SHOW max_parallel_workers_per_gather")
        workers = cursor.fetchone()[0]

    assert (jit, workers) == ("off", "0")
