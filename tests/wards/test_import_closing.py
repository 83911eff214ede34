"""Re-importing one ward drawn into a neighbour the file lacks: refused unless confirmed."""

from __future__ import annotations

import datetime
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.core.management import CommandError, call_command

from backend.cases.models import ViolationCase
from backend.wards.importing.reading import ImportOptions
from backend.wards.models import Ward, WardImportDraft
from backend.wards.services import WardImportBlocked, ward_import
from tests.factories import CaseFactory
from tests.wards import files

pytestmark = pytest.mark.django_db
REDRAWN = datetime.date(2026, 3, 1)


def ring(minx: float, miny: float, maxx: float, maxy: float) -> list[list[tuple[float, float]]]:
    return [[(minx, miny), (maxx, miny), (maxx, maxy), (minx, maxy), (minx, miny)]]


def ward_a_into_b(tmp_path: Path) -> Path:
    """Ward A (90001) alone, its new east edge drawn 1.1 km into ward B (90002)."""
    wards = [files.Ward("90001", "Phường A", [ring(106.68, 10.76, 106.71, 10.78)])]
    return files.write(tmp_path / "phuong-a.geojson", wards, driver="GeoJSON")


def unchanged_b(ward_b: Any) -> None:
    ward_b.refresh_from_db()
    assert ward_b.valid_to is None
    assert Ward.objects.filter(code="90001").count() == 1


def test_closing_a_neighbour_absent_from_the_file_is_refused_naming_it(
    tmp_path: Path, ward_a: Any, ward_b: Any, admin_user: Any
) -> None:
    case_b = CaseFactory(ward=ward_b, location=Point(106.715, 10.77, srid=4326))
    options = ImportOptions(valid_from=REDRAWN)
    preview = ward_import(
        ward_a_into_b(tmp_path), options, actor=admin_user, apply=False, source="t"
    ).plan
    assert [w.code for w in preview.unconfirmed_closing] == ["90002"]
    assert preview.covered_share(ward_b.pk) == pytest.approx(0.5, abs=0.01)
    assert preview.blocked and not preview.blocked_otherwise
    with pytest.raises(WardImportBlocked) as blocked:
        ward_import(ward_a_into_b(tmp_path), options, actor=admin_user, apply=True, source="t")
    message = str(blocked.value.message)
    assert "90002 Phường B" in message and "--allow-closing 90002" in message
    unchanged_b(ward_b)
    assert ViolationCase.objects.get(pk=case_b.pk).ward_id == ward_b.pk


def test_naming_the_neighbour_confirms_closing_it(
    tmp_path: Path, ward_a: Any, ward_b: Any, admin_user: Any
) -> None:
    options = ImportOptions(valid_from=REDRAWN, allow_closing=("90002",))
    outcome = ward_import(
        ward_a_into_b(tmp_path), options, actor=admin_user, apply=True, source="t"
    )
    assert outcome.result is not None and outcome.result.closed == 2
    ward_b.refresh_from_db()
    assert ward_b.valid_to == REDRAWN


def test_the_command_refuses_then_accepts_with_allow_closing(
    tmp_path: Path, ward_a: Any, ward_b: Any
) -> None:
    path = str(ward_a_into_b(tmp_path))
    out = StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("import_wards", path, "--valid-from", "2026-03-01", stdout=out)
    assert "sẽ đóng 90002 Phường B" in str(refused.value), refused.value
    assert "--allow-closing 90002" in str(refused.value)
    assert "90002 Phường B không có trong tệp" in out.getvalue()
    unchanged_b(ward_b)
    # Naming another ward confirms nothing.
    with pytest.raises(CommandError):
        call_command(
            "import_wards", path, "--valid-from", "2026-03-01", "--allow-closing", "90009",
            stdout=StringIO(),
        )  # fmt: skip
    unchanged_b(ward_b)
    out = StringIO()
    call_command(
        "import_wards", path, "--valid-from", "2026-03-01", "--allow-closing", " 90002 ,",
        stdout=out,
    )  # fmt: skip
    assert "90002 Phường B không có trong tệp và được đóng theo xác nhận của bạn" in out.getvalue()
    ward_b.refresh_from_db()
    assert ward_b.valid_to == REDRAWN


def test_the_admin_page_asks_for_a_checkbox_naming_the_ward(
    tmp_path: Path, ward_a: Any, ward_b: Any, admin_user: Any, client: Any
) -> None:
    client.force_login(admin_user)
    with ward_a_into_b(tmp_path).open("rb") as upload:
        preview = client.post(
            "/admin/wards/ward/import/", {"file": upload, "valid_from": "01/03/2026"}
        )
    page = preview.content.decode()
    assert preview.status_code == 200
    assert 'name="allow_closing" value="90002"' in page
    assert "Đóng 90002 Phường B" in page
    draft = WardImportDraft.objects.get()
    # Confirmed without ticking it: refused, the ward named, the preview kept.
    refused = client.post("/admin/wards/ward/import/", {"draft": draft.pk})
    assert refused.status_code == 400
    assert "90002 Phường B" in refused.content.decode()
    assert 'name="allow_closing" value="90002"' in refused.content.decode()
    unchanged_b(ward_b)
    done = client.post("/admin/wards/ward/import/", {"draft": draft.pk, "allow_closing": "90002"})
    assert done.status_code == 302
    ward_b.refresh_from_db()
    assert ward_b.valid_to == REDRAWN
    assert not WardImportDraft.objects.exists()
