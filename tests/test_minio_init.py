"""deploy/minio/init.sh, run by sh against a stand-in `mc` that answers as
MinIO's client does: it succeeds only once the app user really has its policy."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
INIT_SCRIPT = ROOT / "deploy" / "minio" / "init.sh"

# Answers `mc admin user info` with $USER_INFO, fails `mc admin policy attach`
# with $ATTACH_STATUS, and succeeds at everything else.
FAKE_MC = """#!/bin/sh
case "$1 $2 $3" in
  "admin user info") printf '%s\\n' "$USER_INFO" ;;
  "admin policy attach") echo "mc: attach refused" >&2; exit "$ATTACH_STATUS" ;;
esac
exit 0
"""


def user_info(policies: str | None, access_key: str = "ttxd-app") -> str:
    """`mc admin user info --json` as mc prints it (indented, one space)."""
    answer = {"status": "success", "accessKey": access_key, "userStatus": "enabled"}
    if policies is not None:
        answer["policyName"] = policies
    return json.dumps(answer, indent=1)


def run_init(tmp_path: Path, info: str, attach_status: int = 0) -> subprocess.CompletedProcess[str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    mc = bin_dir / "mc"
    mc.write_text(FAKE_MC)
    mc.chmod(0o755)
    env = {
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "MINIO_ROOT_USER": "root",
        "MINIO_ROOT_PASSWORD": "root-secret",
        "MINIO_BUCKET": "ttxd",
        "MINIO_APP_ACCESS_KEY": "ttxd-app",
        "MINIO_APP_SECRET_KEY": "app-secret",
        "USER_INFO": info,
        "ATTACH_STATUS": str(attach_status),
    }
    return subprocess.run(  # noqa: S603 - the project's own script
        ["sh", str(INIT_SCRIPT)], env=env, capture_output=True, text=True, timeout=30, check=False
    )


@pytest.mark.parametrize("policies", ["ttxd-app", "consoleAdmin,ttxd-app"])
def test_init_succeeds_once_the_app_user_has_its_policy(tmp_path: Path, policies: str) -> None:
    # Attaching a policy that is attached already fails: that is no error here.
    result = run_init(tmp_path, user_info(policies), attach_status=1)

    assert result.returncode == 0, result.stderr
    assert "has policy ttxd-app" in result.stdout


@pytest.mark.parametrize(
    "policies", [None, "", "readwrite", "ttxd-app-old"], ids=["none", "empty", "other", "prefix"]
)
def test_init_fails_when_the_policy_did_not_attach(tmp_path: Path, policies: str | None) -> None:
    # The access key is "ttxd-app" too: only the user's policy list may count.
    result = run_init(tmp_path, user_info(policies, access_key="ttxd-app"), attach_status=1)

    assert result.returncode != 0
    assert "policy ttxd-app is not attached to ttxd-app" in result.stderr
