"""Citizens' reports: photos stored in a temporary folder, a report in ward A."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from backend.intake.models import Tip, TipChannel
from backend.intake.services.submission import tip_check, tip_file

# Inside WARD_A_BOX (tests.factories).
TIP_LAT, TIP_LON = 10.7705, 106.6905


@pytest.fixture(autouse=True)
def photo_media(settings: Any, tmp_path: Path) -> Path:
    location = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location), "base_url": "/media-not-public/"},
        },
    }
    return location


def file_tip(**fields: Any) -> Tip:
    values: dict[str, Any] = {
        "lat": TIP_LAT,
        "lon": TIP_LON,
        "category": "beyond_permit",
        "description": "Nhà đang xây thêm tầng 5",
        "address": "12 Nguyễn Trãi",
        "reporter_name": "Nguyễn Văn Dân",
        "reporter_phone": "0901 234 567",
        "reporter_email": "dan@example.com",
    }
    key = fields.pop("submission_key", None)
    values.update(fields)
    return tip_file(tip_check(**values), channel=TipChannel.WEB, submission_key=key).tip


@pytest.fixture
def tip_a(ward_a: Any) -> Tip:
    return file_tip()
