"""The object-store user the compose stack gives the app, against a real S3 server.

deploy/minio/init.sh writes the app user's policy and attaches it in MinIO.
Here the very same document (the script's heredoc, with the bucket name
filled in as the shell does) is attached to a user of the SeaweedFS test
server through its IAM API, and the app works with that user's keys.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import io
import json
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from django.core.management import call_command

from backend.cases.models import CaseStep
from backend.photos.services import photo_ingest
from backend.photos.storage import object_store, photo_key, photo_storage
from tests.photos import imagery
from tests.photos.conftest import S3Server

ROOT = Path(__file__).resolve().parents[2]
INIT_SCRIPT = (ROOT / "deploy" / "minio" / "init.sh").read_text()
# Where a workflow step's signed scan is stored (CaseStep.attachment).
STEP_SCAN = dt.date(2026, 1, 31).strftime(CaseStep._meta.get_field("attachment").upload_to) + (
    "2" * 32 + ".pdf"
)


def app_policy(bucket: str) -> dict[str, Any]:
    """The policy minio-init attaches to the app user, for this bucket."""
    match = re.search(r"<<POLICY\n(.*?)\nPOLICY\n", INIT_SCRIPT, re.S)
    assert match, "deploy/minio/init.sh no longer writes the policy in a <<POLICY heredoc"
    body = match.group(1)
    # The heredoc expands variables: the bucket must be the only one.
    assert set(re.findall(r"\$\{?(\w+)", body)) == {"MINIO_BUCKET"}
    return json.loads(body.replace("${MINIO_BUCKET}", bucket))


def allowed(policy: dict[str, Any], action: str, resource: str) -> bool:
    """Whether an Allow statement grants `action` on `resource` (the policy has no Deny)."""
    for statement in policy["Statement"]:
        assert statement["Effect"] == "Allow"
        actions = (
            statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        )
        if any(fnmatch.fnmatchcase(action, pattern) for pattern in actions) and any(
            fnmatch.fnmatchcase(resource, pattern) for pattern in statement["Resource"]
        ):
            return True
    return False


def test_policy_never_lets_the_app_delete_originals_or_step_scans() -> None:
    policy = app_policy("ttxd")
    sha = "ab" * 32
    original = "arn:aws:s3:::ttxd/" + photo_key("original", sha)
    scan = "arn:aws:s3:::ttxd/" + STEP_SCAN
    for action in (
        "s3:DeleteObject",
        "s3:DeleteObjectVersion",
        "s3:PutObjectRetention",
        "s3:PutObjectLegalHold",
        "s3:BypassGovernanceRetention",
    ):
        assert not allowed(policy, action, original), action
        assert not allowed(policy, action, scan), action
    for bucket_action in ("s3:PutBucketVersioning", "s3:PutBucketPolicy", "s3:DeleteBucket"):
        assert not allowed(policy, bucket_action, "arn:aws:s3:::ttxd"), bucket_action
    # What the app needs.
    assert allowed(policy, "s3:PutObject", original) and allowed(policy, "s3:GetObject", original)
    assert allowed(policy, "s3:ListBucket", "arn:aws:s3:::ttxd")
    for derivative in ("preview", "thumbnail"):
        assert allowed(policy, "s3:DeleteObject", "arn:aws:s3:::ttxd/" + photo_key(derivative, sha))
    # Nothing outside its bucket.
    for statement in policy["Statement"]:
        for resource in statement["Resource"]:
            assert resource == "arn:aws:s3:::ttxd" or resource.startswith("arn:aws:s3:::ttxd/")


@dataclass(frozen=True)
class AppUser:
    access_key: str
    secret_key: str
    bucket: str

    def client(self, server: S3Server) -> Any:
        return boto3.client(
            "s3",
            endpoint_url=server.endpoint,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name="us-east-1",
        )


@dataclass(frozen=True)
class Store:
    """The bucket, through a client signed in as the app user."""

    s3: Any
    bucket: str


@pytest.fixture(scope="module")
def app_user(s3_server: S3Server) -> Iterator[AppUser]:
    """A versioned bucket and a user holding exactly the compose policy, as minio-init makes them."""
    bucket = "ttxd-app-" + secrets.token_hex(4)
    admin = s3_server.client()
    admin.create_bucket(Bucket=bucket)
    admin.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    iam = boto3.client(
        "iam",
        endpoint_url=s3_server.endpoint,
        aws_access_key_id=s3_server.access_key,
        aws_secret_access_key=s3_server.secret_key,
        region_name="us-east-1",
    )
    name = "ttxd-app-" + secrets.token_hex(4)
    iam.create_user(UserName=name)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    iam.put_user_policy(
        UserName=name, PolicyName="ttxd-app", PolicyDocument=json.dumps(app_policy(bucket))
    )
    yield AppUser(key["AccessKeyId"], key["SecretAccessKey"], bucket)


@pytest.fixture
def store(settings: Any, s3_server: S3Server, app_user: AppUser) -> Store:
    """The app's default storage signed in as the app user, as compose configures it."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": app_user.bucket,
                "endpoint_url": s3_server.endpoint,
                "access_key": app_user.access_key,
                "secret_key": app_user.secret_key,
                "region_name": "us-east-1",
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": False,
                "addressing_style": "path",
                "signature_version": "s3v4",
            },
        },
    }
    return Store(app_user.client(s3_server), app_user.bucket)


def access_denied(call: Any) -> bool:
    try:
        call()
    except ClientError as error:
        return error.response["Error"]["Code"] == "AccessDenied"
    return False


@pytest.mark.django_db
def test_app_user_stores_and_reads_photos(store: Store, inspector_a: Any, case_a: Any) -> None:
    data = imagery.jpeg()
    photo = photo_ingest(actor=inspector_a, case=case_a, data=data).photo
    assert store.s3.get_object(Bucket=store.bucket, Key=photo.original.name)["Body"].read() == data
    with photo_storage().open(photo.thumbnail.name, "rb") as handle:
        assert handle.read(3) == b"\xff\xd8\xff"


def test_app_user_writes_large_originals_in_parts(store: Store) -> None:
    # Above boto3's 8 MB threshold: a multipart upload, as a big phone photo is.
    data = secrets.token_bytes(9 * 1024 * 1024)
    key = photo_key("original", "9" * 64)
    assert object_store(photo_storage(), key, data)
    assert store.s3.head_object(Bucket=store.bucket, Key=key)["ContentLength"] == len(data)


def test_app_user_cannot_delete_an_original_or_a_step_scan(store: Store) -> None:
    original = photo_key("original", "1" * 64)
    for key in (original, STEP_SCAN):
        store.s3.put_object(Bucket=store.bucket, Key=key, Body=b"evidence")
        assert access_denied(lambda key=key: store.s3.delete_object(Bucket=store.bucket, Key=key))
        assert store.s3.get_object(Bucket=store.bucket, Key=key)["Body"].read() == b"evidence"


def test_app_user_deletes_derivatives(store: Store) -> None:
    for variant in ("preview", "thumbnail"):
        key = photo_key(variant, "3" * 64)
        store.s3.put_object(Bucket=store.bucket, Key=key, Body=b"jpeg")
        store.s3.delete_object(Bucket=store.bucket, Key=key)
        assert not store.s3.list_objects_v2(Bucket=store.bucket, Prefix=key).get("Contents")


def test_an_overwritten_original_keeps_its_first_bytes_out_of_the_apps_reach(
    store: Store, s3_server: S3Server
) -> None:
    key = photo_key("original", "4" * 64)
    store.s3.put_object(Bucket=store.bucket, Key=key, Body=b"as taken")
    store.s3.put_object(Bucket=store.bucket, Key=key, Body=b"forged")
    admin = s3_server.client()
    versions = admin.list_object_versions(Bucket=store.bucket, Prefix=key)["Versions"]
    kept = {
        admin.get_object(Bucket=store.bucket, Key=key, VersionId=v["VersionId"])["Body"].read()
        for v in versions
    }
    assert kept == {b"as taken", b"forged"}
    # The app can neither remove the first version nor stop versioning.
    first = next(v["VersionId"] for v in versions if not v["IsLatest"])
    assert access_denied(
        lambda: store.s3.delete_object(Bucket=store.bucket, Key=key, VersionId=first)
    )
    assert access_denied(
        lambda: store.s3.put_bucket_versioning(
            Bucket=store.bucket, VersioningConfiguration={"Status": "Suspended"}
        )
    )


def test_app_user_reaches_no_other_bucket(store: Store, s3_server: S3Server) -> None:
    assert access_denied(
        lambda: store.s3.put_object(Bucket=s3_server.bucket, Key="photos/x", Body=b"x")
    )
    assert access_denied(lambda: store.s3.list_objects_v2(Bucket=s3_server.bucket))
    assert access_denied(lambda: store.s3.create_bucket(Bucket="ttxd-elsewhere"))


@pytest.mark.django_db
def test_cleanup_as_the_app_removes_orphan_derivatives_and_reports_originals_kept(
    store: Store,
) -> None:
    orphan_original = photo_key("original", "5" * 64)
    orphan_preview = photo_key("preview", "5" * 64)
    for key in (orphan_original, orphan_preview):
        store.s3.put_object(Bucket=store.bucket, Key=key, Body=b"left by a crash")
    listing = io.StringIO()
    call_command("photos_cleanup", "--older-than-hours", "0", "--delete", stdout=listing)
    output = listing.getvalue()
    assert f"kept {orphan_original}: the store refuses to delete it" in output
    keys = {
        item["Key"]
        for item in store.s3.list_objects_v2(Bucket=store.bucket, Prefix="photos/").get(
            "Contents", []
        )
    }
    assert orphan_original in keys and orphan_preview not in keys
