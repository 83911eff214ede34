"""Field app tests store photos in a temporary folder, never in var/media."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _photos_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
