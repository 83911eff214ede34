"""grant_runtime_role: what the runtime role may do, its password, and roles it refuses.

Roles belong to the whole cluster: every role here is created inside the
test's transaction under a name of this run, and goes with its rollback.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import os
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.gis.geos import Point
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from psycopg2 import sql

from backend.audit.verification import chain_verify
from backend.cases.models import CaseStep
from backend.cases.services.deadline_scan import deadlines_scan
from backend.cases.services.opening import case_open
from backend.cases.services.transition import case_transition
from backend.photos.models import SitePhoto
from backend.photos.services import photo_ingest
from tests.cases.conftest import data_for, seed_rules_and_calendar
from tests.photos.imagery import jpeg

pytestmark = pytest.mark.django_db

ROLE = f"ttxd_app_test_{os.getpid()}"
HISTORY = ("audit_caseevent", "cases_casestep", "photos_sitephoto")
PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE")


def privileges(role: str, table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p FROM unnest(%s::text[]) AS p WHERE has_table_privilege(%s, %s, p)",
            [list(PRIVILEGES), role, table],
        )
        return {row[0] for row in cursor.fetchall()}


def role_row(role: str) -> tuple[bool, str | None]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolcanlogin, rolpassword FROM pg_authid WHERE rolname = %s", [role])
        return cursor.fetchone()


def scram_matches(verifier: str, password: str) -> bool:
    """Check a SCRAM-SHA-256 verifier as the server would (RFC 5802, RFC 7677)."""
    method, rest = verifier.split("$", 1)
    assert method == "SCRAM-SHA-256"
    head, keys = rest.split("$")
    iterations, salt = head.split(":")
    stored_key, server_key = (base64.b64decode(k) for k in keys.split(":"))
    salted = hashlib.pbkdf2_hmac(
        "sha256", password.encode(), base64.b64decode(salt), int(iterations)
    )
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    return hmac.compare_digest(hashlib.sha256(client_key).digest(), stored_key) and (
        hmac.compare_digest(hmac.new(salted, b"Server Key", hashlib.sha256).digest(), server_key)
    )


def test_the_runtime_role_gets_what_the_application_needs_and_no_more() -> None:
    out = StringIO()
    call_command("grant_runtime_role", ROLE, stdout=out)
    for table in HISTORY:
        assert table in out.getvalue()
        assert privileges(ROLE, table) == {"SELECT", "INSERT"}, table
    for table in (
        "cases_violationcase",
        "accounts_user",
        "django_session",
        "core_idempotencyrecord",
    ):
        assert privileges(ROLE, table) == {"SELECT", "INSERT", "UPDATE", "DELETE"}, table
    assert privileges(ROLE, "django_migrations") == {"SELECT"}
    assert privileges(ROLE, "spatial_ref_sys") == {"SELECT"}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT has_sequence_privilege(%s, pg_get_serial_sequence('cases_violationcase', 'id'),"
            " 'USAGE'), has_database_privilege(%s, current_database(), 'CREATE'), "
            "has_schema_privilege(%s, 'public', 'USAGE')",
            [ROLE, ROLE, ROLE],
        )
        assert cursor.fetchone() == (True, False, True)
        cursor.execute(
            "SELECT rolsuper, rolcreatedb, rolcreaterole, rolcanlogin FROM pg_roles "
            "WHERE rolname = %s",
            [ROLE],
        )
        assert cursor.fetchone() == (False, False, False, False)
    # A table a later migration creates is covered by the default privileges.
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE test_later_table (id serial PRIMARY KEY)")
    assert privileges(ROLE, "test_later_table") == {"SELECT", "INSERT", "UPDATE", "DELETE"}


def test_the_password_comes_from_the_environment_hashed_never_in_clear(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TTXD_APP_DB_PASSWORD", "s3cret-Pass_word")
    out = StringIO()
    call_command(
        "grant_runtime_role", ROLE, "--login", "--password-env", "TTXD_APP_DB_PASSWORD", stdout=out
    )
    assert "password set" in out.getvalue() and "s3cret" not in out.getvalue()
    can_login, stored = role_row(ROLE)
    assert can_login and stored.startswith("SCRAM-SHA-256$")
    assert scram_matches(stored, "s3cret-Pass_word")
    assert not scram_matches(stored, "s3cret-Pass_wore")

    # Run again with another password (a rotation): the new one replaces it.
    monkeypatch.setenv("TTXD_APP_DB_PASSWORD", "rotated-0987")
    call_command(
        "grant_runtime_role", ROLE, "--password-env", "TTXD_APP_DB_PASSWORD", stdout=StringIO()
    )
    can_login, stored = role_row(ROLE)
    assert can_login and scram_matches(stored, "rotated-0987")


def test_the_password_may_come_from_a_secret_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    secret = tmp_path / "app_db_password"
    secret.write_text("from-a-file-123\n", encoding="utf-8")
    monkeypatch.delenv("TTXD_APP_DB_PASSWORD", raising=False)
    monkeypatch.setenv("TTXD_APP_DB_PASSWORD_FILE", str(secret))
    call_command(
        "grant_runtime_role", ROLE, "--password-env", "TTXD_APP_DB_PASSWORD", stdout=StringIO()
    )
    can_login, stored = role_row(ROLE)
    # A password implies LOGIN; the file's final newline is not part of it.
    assert can_login and scram_matches(stored, "from-a-file-123")


def test_a_missing_password_stops_the_command_before_any_role_exists(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("TTXD_APP_DB_PASSWORD", raising=False)
    monkeypatch.delenv("TTXD_APP_DB_PASSWORD_FILE", raising=False)
    with pytest.raises(CommandError, match="Set TTXD_APP_DB_PASSWORD"):
        call_command(
            "grant_runtime_role", ROLE, "--password-env", "TTXD_APP_DB_PASSWORD", stdout=StringIO()
        )
    monkeypatch.setenv("TTXD_APP_DB_PASSWORD", "")
    with pytest.raises(CommandError, match="Set TTXD_APP_DB_PASSWORD"):
        call_command(
            "grant_runtime_role", ROLE, "--password-env", "TTXD_APP_DB_PASSWORD", stdout=StringIO()
        )
    assert role_row(ROLE) is None


def test_login_without_a_password_leaves_the_password_unset() -> None:
    call_command("grant_runtime_role", ROLE, "--login", stdout=StringIO())
    assert role_row(ROLE) == (True, None)


def test_roles_that_could_switch_the_triggers_off_are_refused() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        owner = cursor.fetchone()[0]
        cursor.execute(sql.SQL("CREATE ROLE {} SUPERUSER").format(sql.Identifier(ROLE)))
        cursor.execute(
            sql.SQL("CREATE ROLE {} CREATEROLE").format(sql.Identifier(ROLE + "_creator"))
        )
        cursor.execute(sql.SQL("CREATE ROLE {}").format(sql.Identifier(ROLE + "_member")))
        cursor.execute(
            sql.SQL("GRANT {} TO {}").format(
                sql.Identifier(owner), sql.Identifier(ROLE + "_member")
            )
        )
    for name, reason in (
        (owner, "schema owner"),
        (ROLE, "superuser"),
        (ROLE + "_creator", "may create roles"),
        (ROLE + "_member", "member of it"),
    ):
        with pytest.raises(CommandError, match=reason):
            call_command("grant_runtime_role", name, stdout=StringIO())
    # None of them was granted anything.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT r.rolname FROM pg_class c, aclexplode(c.relacl) a "
            "JOIN pg_roles r ON r.oid = a.grantee WHERE starts_with(r.rolname, %s)",
            [ROLE],
        )
        assert cursor.fetchall() == []


def test_the_applications_writes_succeed_as_the_runtime_role(
    ward_a: Any, inspector_a: Any, leader_a: Any, settings: Any, tmp_path: Path
) -> None:
    """Open a case, take a documented step, add a photo, scan deadlines: all as the role."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media"), "base_url": "/media-not-public/"},
        },
    }
    seed_rules_and_calendar()
    call_command("grant_runtime_role", ROLE, stdout=StringIO())
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(ROLE)))

    case = case_open(
        actor=inspector_a,
        location=Point(106.69, 10.77, srid=4326),
        violation_type="art16_7",
        detected_at=timezone.now() - datetime.timedelta(days=30),
    )
    today = timezone.localdate()
    case = case_transition(
        actor=inspector_a,
        case=case,
        action="record_violation",
        data=data_for("record_violation", today),
    )
    result = photo_ingest(actor=inspector_a, case=case, data=jpeg(), idempotency_key="k-1")
    again = photo_ingest(actor=inspector_a, case=case, data=jpeg(), idempotency_key="k-1")
    scan = deadlines_scan(today=today + datetime.timedelta(days=400))

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == ROLE
    step = CaseStep.objects.get(case=case)
    assert step.document_number and step.action == "record_violation"
    assert result.created and again.replayed and SitePhoto.objects.filter(case=case).count() == 1
    assert scan.newly_marked == 1 and scan.notifications >= 1
    assert chain_verify().intact
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")


def test_map_tiles_work_as_the_runtime_role(
    client: Any, ward_a: Any, inspector_a: Any, django_assert_num_queries: Any
) -> None:
    """The first tile the ordinary way, the next one through the guard function."""
    from tests.maps.conftest import IN_A, features, make_case, tile_url

    make_case(ward_a, IN_A)
    call_command("grant_runtime_role", ROLE, stdout=StringIO())
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(ROLE)))
    client.force_login(inspector_a)
    url = tile_url("cases", *IN_A, 15)

    first = client.get(url)
    with django_assert_num_queries(1):
        again = client.get(url)

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == ROLE
        cursor.execute("RESET ROLE")
    assert len(features(first, "cases")) == 1
    assert again.content == first.content
