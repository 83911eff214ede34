"""A ward officer imports the permit register in the admin: upload, columns, progress, confirm."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import Error as PlaywrightError

from backend.permits.models import Permit, PermitImportRun
from tests.e2e.conftest import PASSWORD, log_in, screenshot
from tests.imports.conftest import INSIDE_A, permit_row, register

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROWS = 5000


def test_officer_uploads_checks_watches_progress_and_confirms(
    page: Any, live_server: Any, ward_a: Any, leader_a: Any, tmp_path: Path
) -> None:
    leader_a.is_staff = True
    leader_a.save()
    leader_a.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_permit", "change_permit", "view_permit"])
    )
    x, y = INSIDE_A
    rows = [permit_row(i, f"{i}/GPXD", xy=(y, x) if i == 3 else (x, y)) for i in range(1, ROWS)]
    rows.append(permit_row(ROWS, "BAD", issued="31/02/2025"))
    path = register(tmp_path / "so-cap-phep.xlsx", rows)

    log_in(page, live_server, "leader_a", PASSWORD)
    page.goto(f"{live_server.url}/admin/permits/permitimportrun/add/")
    page.select_option("#id_ward", str(ward_a.pk))
    page.set_input_files("#id_file", str(path))
    page.click("#permit-import-upload input[type=submit]")
    page.wait_for_selector("#permit-import-columns")
    assert page.input_value("#column_number") == "Số giấy phép"
    assert page.input_value("#column_x") == "Tọa độ (VN-2000) X"
    screenshot(page, "permit_import_columns")
    page.check("#valid_rows_only")
    page.click("#permit-import-columns input[type=submit]")

    # The check starts by itself; the bar follows the rows checked so far.
    page.wait_for_selector("#permit-import-progress")
    seen: set[tuple[int, int]] = set()
    deadline = time.monotonic() + 120
    while True:
        try:
            # The page reloads itself when the check ends.
            state = page.evaluate(
                "() => { const b = document.getElementById('permit-import-progress');"
                " return [Number(b.value), Number(b.max),"
                " !!document.getElementById('permit-import-confirm')]; }"
            )
        except PlaywrightError:
            continue
        if state[2]:
            break
        seen.add((state[0], state[1]))
        assert time.monotonic() < deadline, "the check did not finish"
        page.wait_for_timeout(100)
    assert any(0 < done < total for done, total in seen), seen
    summary = page.text_content("#permit-import-summary") or ""
    assert f"{ROWS} dòng" in summary and "1 bị từ chối" in summary
    assert "Ngày này không tồn tại" in (page.text_content("#permit-import-errors") or "")
    assert "X và Y bị ghi ngược" in (page.text_content("#permit-import-notes") or "")
    assert page.get_attribute("#permit-import-refused-file", "href")
    screenshot(page, "permit_import_checked")
    assert not Permit.objects.exists()

    page.click("#permit-import-confirm")
    page.wait_for_selector("#permit-import-done", timeout=120_000)
    screenshot(page, "permit_import_done")
    assert Permit.objects.count() == ROWS - 1
    assert PermitImportRun.objects.get().status == "applied"
