"""A ward leader in Chromium triages a citizen's report into a case: the queue
marks it overdue, its page shows the photo and the suggested violation, the
case opened from it carries the photo as evidence and names the report in its
history, and the reporter's status follows."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest

from backend.accounts.models import Role
from backend.intake.models import Tip, TipChannel
from backend.intake.selectors import tip_public_status
from backend.intake.services.submission import tip_check, tip_file, tip_photo_add
from backend.photos.models import SitePhoto
from tests.e2e.conftest import log_in, screenshot
from tests.factories import WARD_A_BOX, UserFactory, WardFactory, box
from tests.photos.imagery import exif_block, gps_tags, jpeg

PASSWORD = "pass-1234-word"
LAT, LON = 10.7705, 106.6905


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_a_leader_opens_a_case_from_an_overdue_report(
    page: Any, live_server: Any, settings: Any, tmp_path: Path
) -> None:
    settings.TTXD_BASEMAP_URL = ""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    ward = WardFactory(code="90001", slug="WARDA", name="Phường A", boundary=box(*WARD_A_BOX))
    UserFactory(username="leader", role=Role.WARD_LEADER, wards=[ward], full_name="Lê Thị Lan")
    draft = tip_check(
        lat=LAT,
        lon=LON,
        category="beyond_permit",
        description="Nhà đang xây thêm tầng 5",
        address="12 Nguyễn Trãi",
        reporter_name="Nguyễn Văn Dân",
        reporter_phone="0901234567",
    )
    old = tip_file(draft, channel=TipChannel.WEB, submission_key=None).tip
    Tip.objects.filter(pk=old.pk).update(response_due_on=datetime.date(2020, 1, 10))
    tip_photo_add(
        tip=old,
        data=jpeg(exif=exif_block(gps=gps_tags(LAT, LON))),
        max_photos=5,
        window_hours=72,
    )
    fresh = tip_file(
        tip_check(lat=LAT + 0.005, lon=LON, category="no_permit", description="Xây không phép"),
        channel=TipChannel.WEB,
        submission_key=None,
    ).tip

    log_in(page, live_server, "leader", PASSWORD)
    page.goto(f"{live_server.url}/tips/")
    assert page.locator("[data-testid=nav-tips] .badge").inner_text() == "2"
    overdue_row = page.locator(f"tr[data-tip='{old.code}']")
    assert "overdue" in (overdue_row.get_attribute("class") or "")
    assert overdue_row.locator("[data-testid=overdue-mark]").is_visible()
    assert "overdue" not in (
        page.locator(f"tr[data-tip='{fresh.code}']").get_attribute("class") or ""
    )
    screenshot(page, "tip-queue")

    overdue_row.locator(f"a:text('{old.code}')").click()
    page.wait_for_selector("#tip-map[data-ready='1']")
    assert page.locator("[data-testid=tip-photos] img").count() == 1
    assert page.locator("[data-testid=tip-reporter]").inner_text().count("0901234567") == 1
    page.locator("details[data-action=open-case] summary").click()
    assert page.locator("#oc-type").input_value() == "art16_6"
    screenshot(page, "tip-page")
    page.click("[data-testid=open-case]")
    page.wait_for_selector("[data-testid=tip-case]")
    tip = Tip.objects.select_related("case").get(pk=old.pk)
    assert tip.case is not None

    page.click(f"[data-testid=tip-case] a:text('{tip.case.code}')")
    page.wait_for_selector("[data-testid=stage]")
    assert page.locator(".photos img").count() == 1
    assert SitePhoto.objects.filter(case=tip.case).count() == 1
    history = page.locator("[data-testid=history-tip]")
    assert old.code in history.inner_text()
    assert history.locator("a").get_attribute("href") == f"/tips/{old.pk}/"
    screenshot(page, "tip-case")

    status = tip_public_status(tip)
    assert status["status"] == "case_opened" and status["case"]["code"] == tip.case.code
