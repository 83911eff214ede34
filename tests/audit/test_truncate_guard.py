"""The TRUNCATE escape hatch of history tables opens only in test databases.

A session may set `ttxd.allow_history_truncate = on` whatever its role; the
trigger function (audit migration 0004) honours it only in a database whose
name starts with `test_`. The first test proves this on a real database of
another name: a scratch database created for the test, given the migration's
trigger function, then renamed to a test name to show the same function on
the same table lets TRUNCATE through once the name is a test one.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from typing import Any

import psycopg2
import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from psycopg2 import sql

from backend.audit.models import CaseEvent
from backend.audit.services import case_event_record
from tests.factories import CaseFactory

GUARD = importlib.import_module(
    "backend.audit.migrations.0004_history_truncate_only_in_test_databases"
)


def _connect(dbname: str) -> Any:
    db = settings.DATABASES["default"]
    return psycopg2.connect(
        dbname=dbname,
        user=db["USER"],
        password=db["PASSWORD"],
        host=db["HOST"],
        port=db["PORT"],
    )


@pytest.fixture
def scratch_database() -> Iterator[str]:
    """A database named like a production one, dropped afterwards."""
    name = f"ttxd_truncate_guard_{os.getpid()}"
    admin = _connect("postgres")
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        yield name
    finally:
        with admin.cursor() as cursor:
            for leftover in (name, f"test_{name}"):
                cursor.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(leftover)
                    )
                )
        admin.close()


def _truncate_with_the_setting_on(dbname: str, *, set_up: bool) -> str:
    """TRUNCATE a protected table with the escape hatch set; 'refused' or 'emptied'."""
    conn = _connect(dbname)
    try:
        with conn, conn.cursor() as cursor:
            if set_up:
                cursor.execute(GUARD.REFUSE_UNLESS_TEST_DATABASE)
                cursor.execute("CREATE TABLE history (id serial PRIMARY KEY, what text)")
                cursor.execute(
                    "CREATE TRIGGER guard BEFORE UPDATE OR DELETE OR TRUNCATE ON history "
                    "FOR EACH STATEMENT EXECUTE FUNCTION ttxd_history_refuse()"
                )
            cursor.execute("INSERT INTO history (what) VALUES ('recorded')")
        with conn, conn.cursor() as cursor:
            cursor.execute("SET ttxd.allow_history_truncate = on")
            try:
                cursor.execute("TRUNCATE history")
            except psycopg2.Error as exc:
                assert "append-only: TRUNCATE refused" in str(exc)
                conn.rollback()
                cursor.execute("SELECT count(*) FROM history")
                assert cursor.fetchone()[0] >= 1
                return "refused"
            cursor.execute("SELECT count(*) FROM history")
            assert cursor.fetchone()[0] == 0
            return "emptied"
    finally:
        conn.close()


def test_the_truncate_setting_does_nothing_outside_a_test_database(
    scratch_database: str,
) -> None:
    assert _truncate_with_the_setting_on(scratch_database, set_up=True) == "refused"
    # The same function, table and setting: only the database's name changes.
    admin = _connect("postgres")
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(
                sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                    sql.Identifier(scratch_database), sql.Identifier(f"test_{scratch_database}")
                )
            )
    finally:
        admin.close()
    assert _truncate_with_the_setting_on(f"test_{scratch_database}", set_up=False) == "emptied"


def test_the_suite_database_is_a_test_database_running_the_guarded_function(db: Any) -> None:
    # What the transactional tests rely on: their database is named test_… and
    # its history tables carry 0004's function, not 0003's.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_database(), pg_get_functiondef('ttxd_history_refuse'::regproc)"
        )
        name, definition = cursor.fetchone()
    assert name.startswith("test_")
    assert "starts_with(current_database(), 'test_')" in definition


@pytest.mark.django_db
def test_the_suite_may_truncate_history_in_its_own_database(ward_a: Any, inspector_a: Any) -> None:
    case = CaseFactory(ward=ward_a, opened_by=inspector_a)
    case_event_record(case=case, actor=inspector_a, kind="note")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL ttxd.allow_history_truncate = on")
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE audit_caseevent, cases_casestep, photos_sitephoto CASCADE")
        assert CaseEvent.objects.count() == 0
    with (
        pytest.raises(DatabaseError, match="TRUNCATE refused"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET LOCAL ttxd.allow_history_truncate = off")
        cursor.execute("TRUNCATE audit_caseevent CASCADE")
