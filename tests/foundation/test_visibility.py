"""Who sees what: ward users their wards, city roles everything, nobody else nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from backend.accounts.models import Role
from tests.factories import UserFactory
from tests.foundation.support import error_text, feature_ids, written_counts

# Covers ward B only (ward A ends at 106.70).
B_ONLY_BBOX = "106.705,10.765,106.715,10.775"
BOTH_BBOX = "106.60,10.70,106.80,10.85"
WARD_USERS_OF_A = ["inspector_a", "leader_a"]


@pytest.fixture
def world(permit_a: Any, permit_b: Any, case_a: Any, case_b: Any) -> dict[str, Any]:
    return {
        "wards": (permit_a.ward, permit_b.ward),
        "permits": (permit_a, permit_b),
        "cases": (case_a, case_b),
    }


def list_urls(world: dict[str, Any]) -> dict[str, tuple[str, int, int]]:
    """Each list endpoint with the id of ward A's object and ward B's."""
    return {
        "/api/wards/": (world["wards"][0].pk, world["wards"][1].pk),
        "/api/permits/": (world["permits"][0].pk, world["permits"][1].pk),
        "/api/cases/": (world["cases"][0].pk, world["cases"][1].pk),
    }


@pytest.mark.parametrize("who", WARD_USERS_OF_A)
def test_ward_user_lists_only_their_ward(api: Any, world: Any, who: str, request: Any) -> None:
    client = api(request.getfixturevalue(who))
    for url, (id_a, _id_b) in list_urls(world).items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert feature_ids(response) == {id_a}, url
        assert response.json()["count"] == 1, url


@pytest.mark.parametrize("who", WARD_USERS_OF_A)
def test_ward_user_gets_404_for_another_wards_details(
    api: Any, world: Any, who: str, request: Any
) -> None:
    client = api(request.getfixturevalue(who))
    for url, (id_a, id_b) in list_urls(world).items():
        assert client.get(f"{url}{id_a}/").status_code == 200, url
        assert client.get(f"{url}{id_b}/").status_code == 404, url


@pytest.mark.parametrize("who", WARD_USERS_OF_A)
@pytest.mark.parametrize(
    "query",
    [
        f"in_bbox={B_ONLY_BBOX}",
        "ward=90002",
        "ward=90001,90002",
        f"in_bbox={BOTH_BBOX}&ward=90002",
    ],
)
def test_no_filter_reveals_another_ward(
    api: Any, world: Any, who: str, query: str, request: Any
) -> None:
    client = api(request.getfixturevalue(who))
    for url, (_id_a, id_b) in list_urls(world).items():
        found = feature_ids(client.get(f"{url}?{query}"))
        assert id_b not in found, (url, query)
    # The filters themselves work: ward A's own objects come back when asked for.
    for url, (id_a, _id_b) in list_urls(world).items():
        assert feature_ids(client.get(f"{url}?in_bbox={BOTH_BBOX}&ward=90001")) == {id_a}, url


@pytest.mark.parametrize("who", WARD_USERS_OF_A)
@pytest.mark.parametrize(
    "query", ["stage=detected", "violation_type=art16_7", "stage=detected&violation_type=art16_7"]
)
def test_case_filters_reveal_nothing_of_another_ward(
    api: Any, world: Any, who: str, query: str, request: Any
) -> None:
    case_a, _case_b = world["cases"]
    response = api(request.getfixturevalue(who)).get(f"/api/cases/?{query}")
    assert feature_ids(response) == {case_a.pk}


def test_permit_status_filter_reveals_nothing_of_another_ward(
    api: Any, world: Any, inspector_a: Any
) -> None:
    permit_a, _permit_b = world["permits"]
    assert feature_ids(api(inspector_a).get("/api/permits/?status=valid")) == {permit_a.pk}


@pytest.mark.parametrize("who", WARD_USERS_OF_A)
def test_case_page_shows_only_their_ward(world: Any, who: str, request: Any) -> None:
    case_a, case_b = world["cases"]
    client = Client()
    client.force_login(request.getfixturevalue(who))
    page = client.get("/cases/").content.decode()
    assert case_a.code in page
    assert case_b.code not in page
    assert "Phường B" not in page


def test_user_in_two_wards_sees_both(api: Any, world: Any, inspector_ab: Any) -> None:
    client = api(inspector_ab)
    for url, (id_a, id_b) in list_urls(world).items():
        assert feature_ids(client.get(url)) == {id_a, id_b}, url
        assert client.get(f"{url}{id_b}/").status_code == 200, url


@pytest.mark.parametrize("who", ["auditor", "admin_user"])
def test_city_roles_see_every_ward(api: Any, world: Any, who: str, request: Any) -> None:
    client = api(request.getfixturevalue(who))
    for url, (id_a, id_b) in list_urls(world).items():
        assert feature_ids(client.get(url)) == {id_a, id_b}, url
        assert client.get(f"{url}{id_a}/").status_code == 200, url
        assert client.get(f"{url}{id_b}/").status_code == 200, url
        assert feature_ids(client.get(f"{url}?ward=90002")) == {id_b}, url


@pytest.mark.parametrize("who", ["auditor", "admin_user"])
def test_city_roles_see_every_case_on_the_page(world: Any, who: str, request: Any) -> None:
    client = Client()
    client.force_login(request.getfixturevalue(who))
    page = client.get("/cases/").content.decode()
    assert all(case.code in page for case in world["cases"])


@pytest.mark.parametrize("who", ["auditor", "admin_user"])
def test_city_roles_cannot_open_a_case(api: Any, world: Any, who: str, request: Any) -> None:
    before = written_counts()
    response = api(request.getfixturevalue(who), "en").post(
        "/api/cases/", {"lat": 10.775, "lon": 106.685, "violation_type": "art16_7"}, format="json"
    )
    assert response.status_code == 403
    assert "may read but not change" in error_text(response)
    assert written_counts() == before


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_cases_cannot_be_changed_through_the_list_api(
    api: Any, world: Any, inspector_a: Any, method: str
) -> None:
    case_a, _case_b = world["cases"]
    response = getattr(api(inspector_a), method)(
        f"/api/cases/{case_a.pk}/", {"address": "x"}, format="json"
    )
    assert response.status_code == 405
    case_a.refresh_from_db()
    assert case_a.address == ""


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_wards_and_permits_are_read_only(
    api: Any, world: Any, admin_user: Any, method: str
) -> None:
    client = api(admin_user)
    for url, (id_a, _id_b) in list_urls(world).items():
        if url == "/api/cases/":
            continue
        target = url if method == "post" else f"{url}{id_a}/"
        assert getattr(client, method)(target, {}, format="json").status_code == 405, url


def test_anonymous_requests_are_refused(world: Any) -> None:
    client = Client()
    for url, (id_a, _id_b) in list_urls(world).items():
        assert client.get(url).status_code in (401, 403), url
        assert client.get(f"{url}{id_a}/").status_code in (401, 403), url
    before = written_counts()
    response = client.post(
        "/api/cases/",
        {"lat": 10.775, "lon": 106.685, "violation_type": "art16_7"},
        content_type="application/json",
    )
    assert response.status_code in (401, 403)
    assert written_counts() == before
    page = client.get("/cases/")
    assert page.status_code == 302
    assert page["Location"].startswith("/login/")


@pytest.mark.parametrize(
    "make_user",
    [
        lambda wards: UserFactory(username="norole", role="", wards=wards),
        lambda wards: UserFactory(username="noward", role=Role.INSPECTOR),
        lambda wards: UserFactory(username="noward_leader", role=Role.WARD_LEADER),
    ],
    ids=["member without a role", "inspector without a ward", "leader without a ward"],
)
def test_user_without_role_or_ward_sees_nothing(api: Any, world: Any, make_user: Any) -> None:
    user = make_user([world["wards"][0]])
    client = api(user)
    for url, (id_a, id_b) in list_urls(world).items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert feature_ids(response) == set(), url
        assert client.get(f"{url}{id_a}/").status_code == 404, url
        assert client.get(f"{url}{id_b}/").status_code == 404, url
    page_client = Client()
    page_client.force_login(user)
    page = page_client.get("/cases/").content.decode()
    assert not any(case.code in page for case in world["cases"])


def test_user_without_role_or_ward_cannot_open_a_case(api: Any, world: Any) -> None:
    no_role = UserFactory(username="norole", role="", wards=[world["wards"][0]])
    no_ward = UserFactory(username="noward", role=Role.INSPECTOR)
    before = written_counts()
    payload = {"lat": 10.775, "lon": 106.685, "violation_type": "art16_7"}

    assert api(no_role).post("/api/cases/", payload, format="json").status_code == 403
    refused = api(no_ward, "en").post("/api/cases/", payload, format="json")

    assert refused.status_code == 400
    assert refused.json()["code"] == "outside_your_wards"
    assert written_counts() == before


def test_inactive_ward_user_sees_nothing(api: Any, world: Any) -> None:
    gone = UserFactory(
        username="gone", role=Role.INSPECTOR, wards=[world["wards"][0]], is_active=False
    )
    client = api(gone)
    for url, (_id_a, _id_b) in list_urls(world).items():
        assert feature_ids(client.get(url)) == set(), url


def test_ward_staff_keep_their_ward_when_its_boundary_is_redrawn(api, ward_a, inspector_a):
    """A new boundary version (same official code) is still the inspector's ward."""
    import datetime

    from backend.accounts.selectors import users_of_ward
    from tests.factories import CaseFactory, WardFactory, box

    ward_a.valid_to = datetime.date(2026, 1, 1)
    ward_a.save()
    redrawn = WardFactory(
        code=ward_a.code,
        slug=ward_a.slug,
        name=ward_a.name,
        boundary=box(106.68, 10.76, 106.705, 10.78),
        valid_from=datetime.date(2026, 1, 1),
    )
    case = CaseFactory(ward=redrawn)
    response = api(inspector_a).get(f"/api/cases/{case.pk}/")
    assert response.status_code == 200
    assert inspector_a in users_of_ward(redrawn.pk)
