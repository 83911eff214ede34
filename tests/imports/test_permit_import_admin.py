"""The import in the admin: who may import where, and upload → columns → check → confirm."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from backend.accounts.models import Role
from backend.core.errors import NotAllowed
from backend.permits.importing.runs import import_run_create
from backend.permits.models import Permit, PermitEvent, PermitImportMapping, PermitImportRun
from backend.permits.selectors import wards_for_permit_import
from tests.conftest import admin_staff_client
from tests.factories import UserFactory
from tests.imports.conftest import permit_row

pytestmark = pytest.mark.django_db

IMPORT = ["add_permit", "change_permit"]


@pytest.mark.parametrize(
    ("who", "staff", "permissions", "wards"),
    [
        ("leader_a", True, IMPORT, {"90001"}),
        ("inspector_b", True, IMPORT, {"90002"}),
        ("leader_a", True, ["change_permit"], set()),
        ("leader_a", False, IMPORT, set()),
        ("auditor", True, IMPORT, set()),
        ("city_admin", True, IMPORT, {"90001", "90002"}),
        ("superuser", True, [], {"90001", "90002"}),
    ],
)
def test_who_may_import_into_which_ward(
    ward_a: Any,
    ward_b: Any,
    leader_a: Any,
    inspector_b: Any,
    auditor: Any,
    who: str,
    staff: bool,
    permissions: list[str],
    wards: set[str],
    tmp_path: Path,
) -> None:
    from django.contrib.auth.models import Permission

    users = {
        "leader_a": leader_a,
        "inspector_b": inspector_b,
        "auditor": auditor,
        "city_admin": UserFactory(username="city_admin", role=Role.ADMIN),
        "superuser": UserFactory(username="root", role="", is_superuser=True),
    }
    user = users[who]
    user.is_staff = staff
    user.save()
    user.user_permissions.add(*Permission.objects.filter(codename__in=permissions))
    user = type(user).objects.get(pk=user.pk)  # permissions are cached per instance
    assert set(wards_for_permit_import(user).values_list("code", flat=True)) == wards
    for ward in (ward_a, ward_b):
        data = io.BytesIO(b"x")
        if ward.code in wards:
            run = import_run_create(actor=user, ward=ward, file=data, file_name="a.xlsx", size=1)
            assert run.ward == ward
        else:
            with pytest.raises(NotAllowed) as refused:
                import_run_create(actor=user, ward=ward, file=data, file_name="a.xlsx", size=1)
            assert "không có quyền" in str(refused.value.message)


def staff_client(user: Any) -> Client:
    return admin_staff_client(user, IMPORT + ["view_permit"])


def upload(client: Client, ward: Any, path: Path) -> Any:
    return client.post(
        "/admin/permits/permitimportrun/add/",
        {"ward": ward.pk, "file": SimpleUploadedFile(path.name, path.read_bytes())},
    )


def test_upload_columns_check_and_confirm(ward_a: Any, leader_a: Any, register_file: Any) -> None:
    client = staff_client(leader_a)
    path = register_file([permit_row(1, "01/GP"), permit_row(2, "02/GP", issued="31/02/2025")])
    response = upload(client, ward_a, path)
    assert response.status_code == 302
    run = PermitImportRun.objects.get()
    assert response["Location"] == f"/admin/permits/permitimportrun/{run.pk}/columns/"
    page = client.get(response["Location"]).content.decode()
    assert "Tọa độ (VN-2000) X" in page and "Số giấy phép" in page
    # The holder is in column D; the user says the height column is not in this file.
    response = client.post(
        response["Location"],
        {
            "column_number": "Số giấy phép",
            "column_issued_on": "Ngày cấp",
            "column_holder_name": "Chủ đầu tư",
            "column_address": "Địa chỉ công trình",
            "column_x": "Tọa độ (VN-2000) X",
            "column_y": "Tọa độ (VN-2000) Y",
        },
    )
    assert response.status_code == 302
    status = client.post(f"/admin/permits/permitimportrun/{run.pk}/process/").json()
    assert (status["status"], status["rows_done"], status["rows_total"]) == ("checked", 2, 2)
    page = client.get(f"/admin/permits/permitimportrun/{run.pk}/run/").content.decode()
    assert "Ngày này không tồn tại" in page
    refused = client.get(f"/admin/permits/permitimportrun/{run.pk}/refused.xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(refused.streaming_content))).active
    assert sheet is not None
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [6]
    # Refused rows and no "valid rows only": nothing goes in.
    answer = client.post(f"/admin/permits/permitimportrun/{run.pk}/apply/")
    assert answer.status_code == 400
    assert "bị từ chối" in answer.json()["message"]
    assert not Permit.objects.exists()
    client.post(
        f"/admin/permits/permitimportrun/{run.pk}/columns/",
        {
            "column_number": "Số giấy phép",
            "column_issued_on": "Ngày cấp",
            "column_holder_name": "Chủ đầu tư",
            "column_address": "Địa chỉ công trình",
            "valid_rows_only": "on",
        },
    )
    assert (
        client.post(f"/admin/permits/permitimportrun/{run.pk}/process/").json()["status"]
        == "checked"
    )
    status = client.post(f"/admin/permits/permitimportrun/{run.pk}/apply/").json()
    assert status["status"] == "applied"
    permit = Permit.objects.get()
    assert permit.number == "01/GP"
    assert permit.location is None and permit.permitted_height_m is None
    assert PermitEvent.objects.get().actor == leader_a
    assert PermitImportMapping.objects.get(ward_code="90001").mapping["holder_name"] == "Chủ đầu tư"


def test_another_wards_staff_cannot_see_or_drive_the_import(
    ward_a: Any, ward_b: Any, leader_a: Any, inspector_b: Any, register_file: Any
) -> None:
    path = register_file([permit_row(1, "01/GP")])
    upload(staff_client(leader_a), ward_a, path)
    run = PermitImportRun.objects.get()
    other = staff_client(inspector_b)
    for url in ("status/", "run/", "columns/", "refused.xlsx"):
        assert other.get(f"/admin/permits/permitimportrun/{run.pk}/{url}").status_code == 404
    for url in ("process/", "apply/"):
        assert other.post(f"/admin/permits/permitimportrun/{run.pk}/{url}").status_code == 404
    # Nor upload into ward A: the ward is not offered.
    response = upload(other, ward_a, path)
    assert response.status_code == 200
    assert PermitImportRun.objects.count() == 1


def test_a_refused_file_says_why_in_vietnamese(ward_a: Any, leader_a: Any, tmp_path: Path) -> None:
    from tests.imports.workbooks import zip_bomb_xlsx

    client = staff_client(leader_a)
    response = upload(client, ward_a, zip_bomb_xlsx(tmp_path / "bom.xlsx"))
    page = client.get(response["Location"])
    assert page.status_code == 400
    assert "zip bomb" in page.content.decode()
    assert not Permit.objects.exists()


def test_a_huge_upload_is_refused_from_its_declared_length(ward_a: Any, leader_a: Any) -> None:
    client = staff_client(leader_a)
    response = client.post(
        "/admin/permits/permitimportrun/add/", {"ward": ward_a.pk}, CONTENT_LENGTH=str(1024**3)
    )
    assert response.status_code == 413
    assert not PermitImportRun.objects.exists()
