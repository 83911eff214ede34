"""The admin shows ward staff only their wards' cases, steps and photos; the city sees all."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.test import Client
from django.utils import timezone

from backend.accounts.models import Role
from backend.cases.models import CaseStep, Stage, ViolationCase
from backend.cases.services.opening import case_open
from backend.photos.models import SitePhoto
from tests.cases.conftest import PATHS, walk
from tests.conftest import admin_staff_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Inside tests.factories.WARD_B_BOX.
SITE_B = Point(106.71, 10.77, srid=4326)
PERMISSIONS = [
    "view_violationcase",
    "view_caseevent",
    "change_violationcase",
    "view_casestep",
    "view_sitephoto",
]


def staff(user: Any) -> Client:
    return admin_staff_client(user, PERMISSIONS)


def photo_of(case: Any, by: Any, digest: str) -> SitePhoto:
    return SitePhoto.objects.create(
        case=case,
        original=f"photos/{digest}.jpg",
        sha256=digest * 64,
        content_type="image/jpeg",
        size_bytes=1,
        uploaded_by=by,
    )


@pytest.fixture
def two_wards(case_at: Any, actors: Any, inspector_b: Any, leader_b: Any) -> dict[str, Any]:
    case_a = case_at(Stage.SUSPENDED)
    opened_b = case_open(
        actor=inspector_b,
        location=SITE_B,
        violation_type="art16_7",
        detected_at=timezone.now() - datetime.timedelta(days=200),
    )
    case_b = walk(opened_b, PATHS[Stage.SUSPENDED], {"inspector": inspector_b, "leader": leader_b})
    assert case_a.ward_id != case_b.ward_id
    return {
        "case_a": case_a,
        "case_b": case_b,
        "step_a": CaseStep.objects.get(case=case_a),
        "step_b": CaseStep.objects.get(case=case_b),
        "photo_a": photo_of(case_a, actors["inspector"], "a"),
        "photo_b": photo_of(case_b, inspector_b, "b"),
    }


def listed(client: Client, model: str, *objects: Any, marker: Any = str) -> list[bool]:
    response = client.get(f"/admin/{model}/")
    assert response.status_code == 200
    html = response.content.decode()
    return [marker(obj) in html for obj in objects]


def opens(client: Client, model: str, obj: Any) -> bool:
    response = client.get(f"/admin/{model}/{obj.pk}/change/")
    # The admin answers an object outside its queryset by redirecting to its index.
    assert response.status_code in (200, 302)
    return response.status_code == 200


def sha(photo: SitePhoto) -> str:
    return photo.sha256


def test_ward_staff_in_the_admin_see_only_their_wards_cases(
    two_wards: dict[str, Any], inspector_a: Any
) -> None:
    client = staff(inspector_a)
    case_a, case_b = two_wards["case_a"], two_wards["case_b"]
    assert listed(client, "cases/violationcase", case_a, case_b) == [True, False]
    assert opens(client, "cases/violationcase", case_a)
    assert not opens(client, "cases/violationcase", case_b)


def test_ward_staff_in_the_admin_see_only_their_wards_steps(
    two_wards: dict[str, Any], inspector_a: Any
) -> None:
    client = staff(inspector_a)
    assert listed(client, "cases/casestep", two_wards["case_a"], two_wards["case_b"]) == [
        True,
        False,
    ]
    assert opens(client, "cases/casestep", two_wards["step_a"])
    assert not opens(client, "cases/casestep", two_wards["step_b"])


def test_ward_staff_in_the_admin_see_only_their_wards_photos(
    two_wards: dict[str, Any], leader_a: Any
) -> None:
    client = staff(leader_a)
    photos = (two_wards["photo_a"], two_wards["photo_b"])
    assert listed(client, "photos/sitephoto", *photos, marker=sha) == [True, False]
    assert opens(client, "photos/sitephoto", two_wards["photo_a"])
    assert not opens(client, "photos/sitephoto", two_wards["photo_b"])


def test_ward_staff_in_the_admin_see_only_their_wards_history(
    two_wards: dict[str, Any], inspector_a: Any
) -> None:
    client = staff(inspector_a)
    html = client.get("/admin/audit/caseevent/").content.decode()
    assert two_wards["case_a"].code in html
    assert two_wards["case_b"].code not in html


def test_a_closed_case_is_read_only_in_the_admin(
    two_wards: dict[str, Any], inspector_a: Any
) -> None:
    client = staff(inspector_a)
    case = two_wards["case_a"]
    assert opens(client, "cases/violationcase", case)
    assert "_save" in client.get(f"/admin/cases/violationcase/{case.pk}/change/").content.decode()
    ViolationCase.objects.filter(pk=case.pk).update(stage=Stage.CLOSED)  # a closed record
    page = client.get(f"/admin/cases/violationcase/{case.pk}/change/").content.decode()
    assert "_save" not in page


@pytest.mark.parametrize("who", ["auditor", "admin_role", "superuser_without_role"])
def test_city_roles_and_superusers_see_every_ward_in_the_admin(
    two_wards: dict[str, Any], auditor: Any, who: str
) -> None:
    user = {
        "auditor": lambda: auditor,
        "admin_role": lambda: UserFactory(username="it_admin", role=Role.ADMIN),
        "superuser_without_role": lambda: UserFactory(username="root", role="", is_superuser=True),
    }[who]()
    client = staff(user)
    both = (two_wards["case_a"], two_wards["case_b"])
    assert listed(client, "cases/violationcase", *both) == [True, True]
    assert listed(client, "cases/casestep", *both) == [True, True]
    photos = (two_wards["photo_a"], two_wards["photo_b"])
    assert listed(client, "photos/sitephoto", *photos, marker=sha) == [True, True]
    assert opens(client, "cases/violationcase", two_wards["case_b"])
    assert opens(client, "photos/sitephoto", two_wards["photo_b"])


def test_the_inspector_choices_in_the_admin_name_only_the_wards_inspectors(
    two_wards: dict[str, Any], inspector_a: Any, inspector_b: Any
) -> None:
    inspector_b.full_name = "Trần Văn Bê"
    inspector_b.save()
    colleague = UserFactory(username="colleague_a", full_name="Lê Thị An", role=Role.INSPECTOR)
    colleague.memberships.create(ward=two_wards["case_a"].ward)
    client = staff(inspector_a)
    response = client.get(f"/admin/cases/violationcase/{two_wards['case_a'].pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="assigned_inspector"' in html
    assert "Lê Thị An" in html
    assert "Trần Văn Bê" not in html and "inspector_b" not in html
