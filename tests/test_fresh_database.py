"""`make run` on a new machine: every migration applies to an empty database.

The suite's own database is migrated once and kept; this test runs
`manage.py migrate` and `manage.py check --database default` as the setup
does, against a database created empty for it, so a check or a migration
that needs a table before it exists fails here first.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import psycopg2
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def _admin_connection() -> Any:
    db = settings.DATABASES["default"]
    conn = psycopg2.connect(
        dbname="postgres",
        user=db["USER"],
        password=db.get("PASSWORD") or None,
        host=db["HOST"],
        port=db["PORT"],
    )
    conn.autocommit = True
    return conn


@pytest.fixture
def empty_database() -> Any:
    name = f"ttxd_fresh_{uuid.uuid4().hex[:8]}"
    admin = _admin_connection()
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    try:
        yield f"postgis://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{name}"
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _manage(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_every_migration_and_check_runs_on_an_empty_database(empty_database: str) -> None:
    migrated = _manage(empty_database, "migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    checked = _manage(empty_database, "check", "--database", "default")
    assert checked.returncode == 0, checked.stderr[-3000:]
