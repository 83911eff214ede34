"""The Content-Security-Policy as the settings build it from the environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
PRINT_POLICY = (
    "import json, django; django.setup(); from django.conf import settings; "
    "print(json.dumps(settings.CONTENT_SECURITY_POLICY['DIRECTIVES'], default=str))"
)


def policy_with(**env: str) -> dict[str, Any]:
    """The policy's directives in a fresh process whose settings read `env`."""
    base = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("AWS_", "TTXD_STORAGE", "TTXD_BASEMAP"))
    }
    result = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", PRINT_POLICY],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "backend.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    directives: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return directives


def test_with_s3_storage_the_field_apps_worker_may_follow_photos_to_the_object_store() -> None:
    # A worker's fetch of /photos/<id>/thumbnail/ is checked against
    # connect-src at the redirect to the signed URL; the page's <img> against img-src.
    directives = policy_with(
        TTXD_STORAGE="s3",
        AWS_S3_ENDPOINT_URL="http://minio:9000",
        AWS_S3_PUBLIC_ENDPOINT_URL="https://files.ttxd.example.gov.vn:9443/",
        TTXD_BASEMAP_URL="https://tiles.example.gov.vn/{z}/{x}/{y}.png",
    )

    store = "https://files.ttxd.example.gov.vn:9443"
    assert store in directives["connect-src"]
    assert store in directives["img-src"]
    # Only the store: the worker fetches no base map tiles, nor the store's inner address.
    assert "https://tiles.example.gov.vn" not in directives["connect-src"]
    assert "https://tiles.example.gov.vn" in directives["img-src"]
    assert "http://minio:9000" not in directives["connect-src"] + directives["img-src"]


def test_with_local_storage_nothing_but_the_app_is_connected_to() -> None:
    directives = policy_with(TTXD_STORAGE="local", AWS_S3_ENDPOINT_URL="http://minio:9000")

    assert directives["connect-src"] == ["'self'"]
