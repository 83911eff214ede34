"""Two gunicorn instances, one PostGIS, one S3 server: helpers for the scale-out tests.

The children get their settings from the environment only (as replicas do):
tests.support.web_processes starts them; these helpers speak HTTP to them
with device tokens, as the field app and API clients do.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from backend.accounts.services import device_token_issue
from tests.cases.conftest import (  # noqa: F401 (fixtures)
    _english_messages,
    _fast_passwords,
    _seeded,
)
from tests.photos.conftest import S3Server, s3_server  # noqa: F401 (fixture)


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any
    headers: Any


def token_of(user: Any) -> str:
    """A device token for `user`, made by the accounts service (as the token endpoint does)."""
    return device_token_issue(user=user, device="scale-out test").token


def http(
    method: str,
    url: str,
    token: str,
    *,
    body: bytes | None = None,
    content_type: str | None = None,
    headers: dict[str, str] | None = None,
) -> Answer:
    sent = {"Authorization": f"Token {token}", "Accept-Language": "en", **(headers or {})}
    if content_type:
        sent["Content-Type"] = content_type
    request = urllib.request.Request(url, data=body, headers=sent, method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
            raw = response.read()
            return Answer(response.status, json.loads(raw) if raw else None, response.headers)
    except urllib.error.HTTPError as error:
        with error:
            raw = error.read()
            try:
                parsed = json.loads(raw)
            except ValueError:
                parsed = raw.decode("utf-8", "replace")
            return Answer(error.code, parsed, error.headers)


def post_json(url: str, token: str, payload: dict[str, Any]) -> Answer:
    return http(
        "POST", url, token, body=json.dumps(payload).encode(), content_type="application/json"
    )


def post_photo(
    url: str, token: str, data: bytes, *, key: str, fields: dict[str, str] | None = None
) -> Answer:
    """A multipart photo upload with an Idempotency-Key, the field app's request."""
    boundary = f"----ttxd{uuid.uuid4().hex}"
    parts = []
    for name, value in (fields or {}).items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="photo.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return http(
        "POST",
        url,
        token,
        body=b"".join(parts),
        content_type=f"multipart/form-data; boundary={boundary}",
        headers={"Idempotency-Key": key},
    )


def at_once(*jobs: Callable[[], Any]) -> list[Any]:
    """Run each job in its own thread, released together; results (or exceptions) in order."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def worker(index: int, job: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = job()
        except Exception as exc:  # asserted by the test
            results[index] = exc

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def s3_env(server: S3Server, bucket: str) -> dict[str, str]:
    """What a replica's environment says to store files in the S3 server (settings.py)."""
    return {
        "TTXD_STORAGE": "s3",
        "AWS_STORAGE_BUCKET_NAME": bucket,
        "AWS_S3_ENDPOINT_URL": server.endpoint,
        "AWS_ACCESS_KEY_ID": server.access_key,
        "AWS_SECRET_ACCESS_KEY": server.secret_key,
    }


@pytest.fixture
def s3_bucket(s3_server: S3Server) -> str:  # noqa: F811
    """A bucket of this test's own in the shared S3 server."""
    name = f"scaleout-{uuid.uuid4().hex[:12]}"
    s3_server.client().create_bucket(Bucket=name)
    return name
