"""The field app: a photo queued for a case closed meanwhile is refused, not retried forever."""

from __future__ import annotations

from typing import Any

import pytest

from backend.cases.models import Stage, ViolationCase
from backend.photos.models import SitePhoto
from tests.e2e.conftest import open_field_app, read_store, wait_until
from tests.e2e.test_field_capture import field_site  # noqa: F401
from tests.photos import imagery


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_photo_for_a_case_closed_while_offline_is_refused_with_the_reason_not_retried(
    phone: Any,
    live_server: Any,
    field_site: dict[str, Any],  # noqa: F811
) -> None:
    case = field_site["case"]
    open_field_app(phone, live_server, "field_inspector")
    phone.click("#tab-cases")
    phone.locator(f"[data-case-id='{case.pk}']").click()
    phone.wait_for_selector("#capture-camera", state="attached")
    phone.context.set_offline(True)
    wait_until(phone, "() => navigator.onLine === false")
    phone.set_input_files(
        "#capture-camera",
        {"name": "IMG_0003.JPG", "mimeType": "image/jpeg", "buffer": imagery.jpeg()},
    )
    phone.wait_for_selector("li.photo[data-state=waiting]")
    # Meanwhile, at the office, the leader closes the case.
    ViolationCase.objects.filter(pk=case.pk).update(stage=Stage.CLOSED, outcome="cancelled")

    phone.context.set_offline(False)
    # Refused at once with the server's reason, kept on the phone, never retried.
    queued = read_store(phone, "photos")
    for _ in range(100):
        if queued[0]["state"] == "refused":
            break
        phone.wait_for_timeout(200)
        queued = read_store(phone, "photos")
    assert len(queued) == 1
    assert queued[0].get("attempts", 0) == 0
    assert case.code in queued[0]["lastError"] and queued[0]["size"] > 0
    phone.wait_for_timeout(1500)
    assert read_store(phone, "photos")[0]["state"] == "refused"
    assert SitePhoto.objects.count() == 0

    # Back on the list the closed case is gone, but the photo and the reason
    # are shown there until the inspector removes it from the phone.
    phone.goto(f"{live_server.url}/field/#/cases")
    phone.wait_for_selector("#field[data-ready=true]")
    section = phone.locator("#refused-photos")
    section.wait_for()
    assert phone.locator(f"[data-case-id='{case.pk}']").count() == 0
    assert case.code in section.locator(".reason").inner_text()
    section.get_by_role("button").click()
    section.wait_for(state="detached")
    assert read_store(phone, "photos") == []
