"""Appends under concurrency, and the runtime role that cannot rewrite history."""

from __future__ import annotations

import os
import threading
import time
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from psycopg2 import sql

from backend.audit.models import CaseEvent
from backend.audit.roles import history_tables
from backend.audit.services import case_event_record
from backend.audit.verification import chain_verify
from tests.factories import CaseFactory

THREADS = 6
PER_THREAD = 20


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_one_unbroken_chain(ward_a: Any, inspector_a: Any) -> None:
    case = CaseFactory(ward=ward_a, opened_by=inspector_a)
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def append(thread: int) -> None:
        try:
            start.wait(timeout=10)
            for i in range(PER_THREAD):
                # Each thread has its own connection; the service's transaction
                # outlives the append a little, as a real service's would.
                with transaction.atomic():
                    case_event_record(
                        case=case, actor=inspector_a, kind="note", payload={"t": thread, "i": i}
                    )
                    time.sleep(0.001)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=append, args=(n,)) for n in range(THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert not errors
    total = THREADS * PER_THREAD
    assert list(CaseEvent.objects.values_list("seq", flat=True)) == list(range(1, total + 1))
    report = chain_verify()
    assert report.intact and report.checked == total and report.head.count == total
    # Recording times follow the chain: the lock is taken before the clock is read.
    times = list(CaseEvent.objects.values_list("at", flat=True))
    assert times == sorted(times)


@pytest.mark.django_db
def test_the_runtime_role_appends_history_but_cannot_rewrite_it(
    ward_a: Any, inspector_a: Any
) -> None:
    case = CaseFactory(ward=ward_a, opened_by=inspector_a)
    case_event_record(case=case, actor=inspector_a, kind="note")
    # Roles belong to the whole cluster: a name of this run, rolled back with the test.
    role = f"ttxd_runtime_test_{os.getpid()}"
    out = StringIO()
    call_command("grant_runtime_role", role, stdout=out)
    assert "audit_caseevent" in out.getvalue()
    call_command("grant_runtime_role", role, stdout=StringIO())  # idempotent

    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(role)))
        cursor.execute("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone() == (role, False)
    # What the application does: read, open cases' events, update ordinary tables.
    event = case_event_record(case=case, actor=inspector_a, kind="note", payload={"as": "runtime"})
    assert event.seq == 2
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_violationcase SET address = 'mới' WHERE id = %s", [case.pk])
    # What it may not do, whatever the triggers say.
    for statement in (
        "UPDATE audit_caseevent SET kind = 'forged'",
        "DELETE FROM audit_caseevent",
        "TRUNCATE audit_caseevent CASCADE",
        "INSERT INTO django_migrations (app, name, applied) VALUES ('x', 'y', now())",
    ):
        with (
            pytest.raises(DatabaseError, match="permission denied"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
    assert chain_verify().intact


@pytest.mark.django_db
def test_another_history_table_is_protected_the_same_way() -> None:
    role = f"ttxd_runtime_test_{os.getpid()}"
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE test_history_steps (id serial PRIMARY KEY, what text)")
        cursor.execute("INSERT INTO test_history_steps (what) VALUES ('first')")
    call_command("grant_runtime_role", role, stdout=StringIO())
    with connection.cursor() as cursor:
        cursor.execute("SELECT ttxd_protect_history('test_history_steps')")
    assert "test_history_steps" in history_tables()
    for statement in ("UPDATE test_history_steps SET what = 'x'", "DELETE FROM test_history_steps"):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
    # The runtime role lost UPDATE and DELETE on it too, and keeps INSERT.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT has_table_privilege(%s, 'test_history_steps', 'UPDATE'), "
            "has_table_privilege(%s, 'test_history_steps', 'INSERT')",
            [role, role],
        )
        assert cursor.fetchone() == (False, True)
