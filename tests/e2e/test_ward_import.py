"""The admin imports ward boundaries: upload, preview on the map, confirm."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from backend.accounts.models import Role, User
from backend.wards.models import Ward
from tests.e2e.conftest import log_in, screenshot
from tests.factories import WARD_A_BOX, WARD_B_BOX, WardFactory, box
from tests.wards import files

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "ward-import-pass-2026"


def test_admin_uploads_previews_on_the_map_and_confirms(
    page: Any, live_server: Any, settings: Any, tmp_path: Path
) -> None:
    settings.TTXD_BASEMAP_URL = ""  # no tile server: the test must not reach the internet
    User.objects.create_user(
        username="city_admin", password=PASSWORD, role=Role.ADMIN, is_staff=True,
        is_superuser=True,
    )  # fmt: skip
    wards = files.grid_wards(2)
    wards[0].name, wards[1].name = "Phường Bến Thành", "Phường Sài Gòn"
    shp = files.write(tmp_path / "ranh.shp", wards, driver="ESRI Shapefile", srs="EPSG:9210")
    upload = files.zip_shapefile(shp, tmp_path / "ranh.zip")

    log_in(page, live_server, "city_admin", PASSWORD)
    page.goto(f"{live_server.url}/admin/wards/ward/")
    page.click("#import-wards-link")
    page.set_input_files("#id_file", str(upload))
    page.fill("#id_valid_from", "01/07/2025")
    page.click("#preview-import")
    page.wait_for_load_state("networkidle")

    report = page.locator("#import-report").inner_text()
    assert "Phường Bến Thành" in report and "VN-2000" in report
    page.locator("#ward-import-map[data-ready='1']").wait_for()
    assert page.locator("#ward-import-map path.leaflet-interactive").count() == 2
    assert not Ward.objects.exists()  # the preview writes nothing
    screenshot(page, "admin_ward_import_preview")

    page.click("#confirm-import")
    page.wait_for_load_state("networkidle")
    assert page.locator("ul.messagelist li.success").count() == 1
    assert sorted(Ward.objects.values_list("name", flat=True)) == [
        "Phường Bến Thành",
        "Phường Sài Gòn",
    ]


def test_a_file_without_prj_is_refused_with_the_guesses_shown(
    page: Any, live_server: Any, tmp_path: Path
) -> None:
    User.objects.create_user(
        username="city_admin", password=PASSWORD, role=Role.ADMIN, is_staff=True
    )
    shp = files.write(
        tmp_path / "ranh.shp", files.grid_wards(1), driver="ESRI Shapefile", srs="EPSG:9210",
        keep_prj=False,
    )  # fmt: skip
    log_in(page, live_server, "city_admin", PASSWORD)
    page.goto(f"{live_server.url}/admin/wards/ward/import/")
    page.set_input_files("#id_file", str(files.zip_shapefile(shp, tmp_path / "ranh.zip")))
    page.click("#preview-import")
    page.wait_for_load_state("networkidle")
    assert "hệ tọa độ" in page.locator("#import-refused").inner_text()
    assert "EPSG:9210" in page.locator("#import-details").inner_text()
    screenshot(page, "admin_ward_import_no_prj")


def test_closing_a_neighbour_the_file_lacks_waits_for_its_checkbox(
    page: Any, live_server: Any, settings: Any, tmp_path: Path
) -> None:
    settings.TTXD_BASEMAP_URL = ""
    User.objects.create_user(
        username="city_admin", password=PASSWORD, role=Role.ADMIN, is_staff=True,
        is_superuser=True,
    )  # fmt: skip
    WardFactory(code="90001", slug="WARDA", name="Phường A", boundary=box(*WARD_A_BOX))
    neighbour = WardFactory(code="90002", slug="WARDB", name="Phường B", boundary=box(*WARD_B_BOX))
    # Ward A alone, its east edge drawn 1.1 km into ward B.
    ring = [[(106.68, 10.76), (106.71, 10.76), (106.71, 10.78), (106.68, 10.78), (106.68, 10.76)]]
    upload = files.write(
        tmp_path / "phuong-a.geojson", [files.Ward("90001", "Phường A", [ring])], driver="GeoJSON"
    )
    log_in(page, live_server, "city_admin", PASSWORD)
    page.goto(f"{live_server.url}/admin/wards/ward/import/")
    page.set_input_files("#id_file", str(upload))
    page.fill("#id_valid_from", "01/03/2026")
    page.click("#preview-import")
    page.wait_for_load_state("networkidle")
    assert "90002 Phường B" in page.locator("#closing-absent").inner_text()
    screenshot(page, "admin_ward_import_closing_absent")

    page.click("#confirm-import")  # without ticking it
    page.wait_for_load_state("networkidle")
    assert "--allow-closing 90002" in page.locator("#import-refused").inner_text()
    neighbour.refresh_from_db()
    assert neighbour.valid_to is None

    page.check("#allow-closing-90002")
    page.click("#confirm-import")
    page.wait_for_load_state("networkidle")
    assert page.locator("ul.messagelist li.success").count() == 1
    neighbour.refresh_from_db()
    assert str(neighbour.valid_to) == "2026-03-01"
