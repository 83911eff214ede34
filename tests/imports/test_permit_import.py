"""Importing a ward's permit register: whole or valid rows only, idempotent, with history."""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from backend.permits.models import Permit, PermitEvent, PermitImportMapping
from tests.factories import PermitFactory
from tests.imports.conftest import INSIDE_A_2, permit_row, vn2000
from tests.imports.workbooks import write_csv

pytestmark = pytest.mark.django_db


def run_import(path: Path, *args: str) -> str:
    out = StringIO()
    call_command(
        "import_permits", str(path), "--ward", "90001", *args, stdout=out, stderr=StringIO()
    )
    return out.getvalue()


def test_a_register_with_merged_headers_imports_every_row(ward_a: Any, register_file: Any) -> None:
    path = register_file([permit_row(1, "01/GPXD"), permit_row(2, "02/GPXD", issued=45750)])
    output = run_import(path)
    assert "2 giấy phép mới" in output
    permit = Permit.objects.get(number="01/GPXD")
    assert permit.issuing_authority == "UBND Phường A"
    assert permit.ward == ward_a
    assert permit.issued_on == datetime.date(2025, 4, 3)
    assert (permit.holder_name, permit.address) == ("Nguyễn Văn An", "1 Đường Số 1")
    assert (permit.map_sheet, permit.parcel_number) == ("12", "101")
    assert permit.permitted_footprint_m2 == Decimal("85.50")
    assert permit.permitted_floor_area_m2 == Decimal("1234.50")
    assert permit.permitted_storeys == 5
    assert permit.permitted_height_m == Decimal("18.60")
    assert permit.location is not None
    assert permit.location.x == pytest.approx(106.69, abs=1e-6)
    assert permit.location.y == pytest.approx(10.77, abs=1e-6)
    assert Permit.objects.get(number="02/GPXD").issued_on == datetime.date(2025, 4, 3)
    event = PermitEvent.objects.get(permit=permit)
    assert (event.kind, event.source_file, event.source_row) == (
        "created",
        "so-cap-phep.xlsx",
        5,
    )
    # The columns are remembered for the ward's next import.
    remembered = PermitImportMapping.objects.get(ward_code="90001").mapping
    assert remembered["x"] == "Tọa độ (VN-2000) X"


def test_swapped_x_y_and_lat_lon_are_read_the_right_way_with_a_note(
    ward_a: Any, tmp_path: Path, register_file: Any
) -> None:
    x, y = INSIDE_A_2
    path = register_file([permit_row(1, "01/GP", xy=(y, x))])
    output = run_import(path)
    assert "X và Y bị ghi ngược" in output
    location = Permit.objects.get(number="01/GP").location
    assert (location.x, location.y) == pytest.approx((106.685, 10.765), abs=1e-6)
    rows = [
        ["Số giấy phép", "Ngày cấp", "Chủ đầu tư", "Địa chỉ", "Vĩ độ", "Kinh độ"],
        ["02/GP", "05/05/2025", "Lê Thị B", "2 Đường Số 2", "106,691", "10,771"],
    ]
    csv_path = write_csv(tmp_path / "so.csv", rows, encoding="utf-8-sig", delimiter=";")
    output = run_import(csv_path)
    assert "vĩ độ và kinh độ bị ghi ngược" in output
    location = Permit.objects.get(number="02/GP").location
    assert (location.x, location.y) == pytest.approx((106.691, 10.771))


def test_points_outside_the_ward_are_flagged_and_far_ones_refused(
    ward_a: Any, register_file: Any
) -> None:
    beside = vn2000(106.71, 10.77)  # in ward B, next door
    far = vn2000(105.5, 10.0)  # ~140 km away, far outside the city
    path = register_file([permit_row(1, "01/GP", xy=beside), permit_row(2, "02/GP", xy=far)])
    with pytest.raises(CommandError) as refused:
        run_import(path)
    assert "1 dòng bị từ chối" in str(refused.value)
    output = run_import(path, "--valid-rows-only")
    assert "nằm ngoài phường Phường A" in output
    assert list(Permit.objects.values_list("number", flat=True)) == ["01/GP"]


def test_row_errors_say_where_and_what_and_nothing_is_half_imported(
    ward_a: Any, tmp_path: Path, register_file: Any
) -> None:
    path = register_file(
        [
            permit_row(1, "01/GP"),
            permit_row(2, "02/GP", issued="31/02/2025"),
            permit_row(3, "03/GP", storeys="năm", holder=None),
            permit_row(4, "01/GP"),
        ]
    )
    refused_out = tmp_path / "loi.xlsx"
    with pytest.raises(CommandError):
        run_import(path, "--refused-out", str(refused_out))
    assert not Permit.objects.exists()
    sheet = load_workbook(refused_out).active
    assert sheet is not None
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "Dòng trong tệp gốc" and rows[0][-1] == "Lý do từ chối"
    assert [row[0] for row in rows[1:]] == [6, 7, 8]
    assert rows[1][3] == "31/02/2025"
    assert "Dòng 6, cột C — Ngày cấp (“31/02/2025”): Ngày này không tồn tại" in rows[1][-1]
    assert "cột J — Số tầng" in rows[2][-1] and "Chủ đầu tư" in rows[2][-1]
    assert "đã có ở dòng 5" in rows[3][-1]
    output = run_import(path, "--valid-rows-only", "--refused-out", str(refused_out))
    assert "1 giấy phép mới" in output
    assert list(Permit.objects.values_list("number", flat=True)) == ["01/GP"]


def test_dry_run_writes_nothing(ward_a: Any, register_file: Any) -> None:
    output = run_import(register_file([permit_row(1, "01/GP")]), "--dry-run")
    assert "sẽ tạo 1" in output
    assert not Permit.objects.exists()


def test_reimporting_the_same_file_changes_nothing(ward_a: Any, register_file: Any) -> None:
    path = register_file([permit_row(1, "01/GP"), permit_row(2, "02/GP")])
    run_import(path)
    before = list(Permit.objects.order_by("id").values())
    output = run_import(path)
    assert "0 giấy phép mới, 0 cập nhật, 2 không đổi" in output
    assert list(Permit.objects.order_by("id").values()) == before
    assert PermitEvent.objects.count() == 2


def test_a_changed_row_updates_its_permit_with_an_event(
    ward_a: Any, admin_user: Any, register_file: Any
) -> None:
    run_import(register_file([permit_row(1, "01/GP"), permit_row(2, "02/GP")]))
    changed = register_file(
        [permit_row(1, "01/GP", storeys="6", holder="Nguyễn Văn Ân"), permit_row(2, "02/GP")],
        name="so-moi.xlsx",
    )
    output = run_import(changed, "--user", "admin")
    assert "0 giấy phép mới, 1 cập nhật, 1 không đổi" in output
    permit = Permit.objects.get(number="01/GP")
    assert (permit.permitted_storeys, permit.holder_name) == (6, "Nguyễn Văn Ân")
    event = PermitEvent.objects.get(permit=permit, kind="updated")
    assert event.changes == {
        "holder_name": ["Nguyễn Văn An", "Nguyễn Văn Ân"],
        "permitted_storeys": ["5", "6"],
    }
    assert (event.actor, event.source_file, event.source_row) == (admin_user, "so-moi.xlsx", 5)


def test_a_permit_of_another_ward_is_not_overwritten(
    ward_a: Any, ward_b: Any, register_file: Any
) -> None:
    PermitFactory(number="01/GP", issuing_authority="UBND Phường A", ward=ward_b)
    with pytest.raises(CommandError):
        run_import(register_file([permit_row(1, "01/GP")]))
    assert Permit.objects.get(number="01/GP").ward == ward_b


def test_a_mapping_file_names_unusual_columns(ward_a: Any, tmp_path: Path) -> None:
    from tests.imports.workbooks import write_xlsx

    path = write_xlsx(
        tmp_path / "so.xlsx",
        [["GP", "Ngày", "Tên", "Nơi xây"], ["9/GP", "01/06/2025", "Phan Văn C", "9 Đường 9"]],
    )
    mapping = tmp_path / "m.json"
    mapping.write_text(
        '{"number": "GP", "issued_on": "Ngày", "holder_name": "C", "address": "Nơi xây"}',
        "utf-8",
    )
    run_import(path, "--mapping", str(mapping))
    assert Permit.objects.get(number="9/GP").holder_name == "Phan Văn C"


@pytest.mark.parametrize(
    ("mapping", "message"),
    [('{"nonsense": "A"}', "nonsense"), ("[1, 2]", "JSON")],
)
def test_a_bad_mapping_file_is_refused(
    ward_a: Any, register_file: Any, tmp_path: Path, mapping: str, message: str
) -> None:
    path = tmp_path / "m.json"
    path.write_text(mapping, "utf-8")
    with pytest.raises(CommandError) as refused:
        run_import(register_file([permit_row(1, "01/GP")]), "--mapping", str(path))
    assert message in str(refused.value)


def test_a_formula_workbook_is_refused_before_any_row(ward_a: Any, register_file: Any) -> None:
    path = register_file([permit_row(1, "01/GP", storeys="=2+3")])
    with pytest.raises(CommandError) as refused:
        run_import(path)
    assert "Ô J5" in str(refused.value) and "công thức" in str(refused.value)
    assert not Permit.objects.exists()
