"""The application's runtime database role: it may read and add history, never rewrite it.

Migrations run as the owner of the schema; the web processes should connect
as a separate role without UPDATE, DELETE or TRUNCATE on history tables (the
triggers refuse those anyway, whatever the role; this is the second lock).
`manage.py grant_runtime_role NAME`, run as the owner after every migrate,
creates the role if the owner may (CREATEROLE) and sets its privileges:

- every table: SELECT, INSERT, UPDATE, DELETE; every sequence: USAGE, SELECT;
- history tables (those carrying the ttxd_history_append_only trigger, see
  audit migration 0003: case events, workflow steps, site photos): SELECT and
  INSERT only;
- published chain heads (audit migration 0006): SELECT only, so the heads
  that prove yesterday's history are out of the application's reach;
- django_migrations and PostGIS's spatial_ref_sys: SELECT only (the schema
  is the owner's business);
- default privileges, so tables a later migration creates are covered too
  (ttxd_protect_history() revokes UPDATE/DELETE/TRUNCATE again on history).

With a password, the role gets LOGIN and that password, sent to the server
already hashed (SCRAM), so it appears in no statement log. A role that could
get round the triggers is refused: a superuser, a role that may create roles,
a member of the owner, or an owner of the tables.
"""

from __future__ import annotations

from django.db import connection, transaction
from psycopg2 import sql
from psycopg2.extensions import encrypt_password

HISTORY_TRIGGER = "ttxd_history_append_only"
# Append-only too, and written only by the owner (verify_audit --publish).
OWNER_ONLY_TABLES = ("audit_publishedhead",)


class RuntimeRoleRefused(Exception):
    """The named role exists with powers a runtime role must not have."""


UNSAFE_ROLE_SQL = """
SELECT r.rolsuper, r.rolcreaterole,
       pg_has_role(r.oid, current_user, 'MEMBER'),
       EXISTS (SELECT 1 FROM pg_class c
               WHERE c.relowner = r.oid AND c.relnamespace = 'public'::regnamespace)
FROM pg_roles r WHERE r.rolname = %s
"""


def history_tables() -> list[str]:
    """Tables protected as append-only history, found in the database itself."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = %s ORDER BY 1",
            [HISTORY_TRIGGER],
        )
        return [row[0] for row in cursor.fetchall()]


def owner_only_tables() -> list[str]:
    """The owner-only tables this database has (a fresh one may predate them)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM unnest(%s::text[]) AS name "
            "WHERE to_regclass('public.' || name) IS NOT NULL ORDER BY 1",
            [list(OWNER_ONLY_TABLES)],
        )
        return [row[0] for row in cursor.fetchall()]


def role_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name])
        return cursor.fetchone() is not None


def _refuse_unsafe(name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(UNSAFE_ROLE_SQL, [name])
        found = cursor.fetchone()
    if found is None:
        return
    reasons = [
        reason
        for reason, present in zip(
            (
                "is a superuser",
                "may create roles (and so join the owner's)",
                "is the schema owner or a member of it",
                "owns tables of the schema",
            ),
            found,
            strict=True,
        )
        if present
    ]
    if reasons:
        raise RuntimeRoleRefused(
            f"Role {name} {', '.join(reasons)}: it could switch the history triggers off. "
            "Name a role of its own for the application."
        )


@transaction.atomic
def runtime_role_grant(name: str, *, login: bool = False, password: str | None = None) -> list[str]:
    """Create (if missing) and grant the runtime role; returns its history tables
    (where it may SELECT and INSERT; see owner_only_tables() for SELECT only).

    A password (not empty) implies LOGIN.
    """
    if password is not None and not password:
        raise RuntimeRoleRefused(f"The password for role {name} is empty.")
    login = login or password is not None
    role = sql.Identifier(name)
    _refuse_unsafe(name)
    with connection.cursor() as cursor:
        if not role_exists(name):
            cursor.execute(
                sql.SQL("CREATE ROLE {} {} NOSUPERUSER NOCREATEDB NOCREATEROLE").format(
                    role, sql.SQL("LOGIN" if login else "NOLOGIN")
                )
            )
        elif login:
            cursor.execute(sql.SQL("ALTER ROLE {} LOGIN").format(role))
        if password is not None:
            # libpq hashes it as the server's password_encryption asks (SCRAM-SHA-256).
            verifier = encrypt_password(password, name, connection.connection)
            cursor.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(role, sql.Literal(verifier)))
        cursor.execute("SELECT current_database()")
        database = sql.Identifier(cursor.fetchone()[0])
        statements = [
            "GRANT CONNECT ON DATABASE {db} TO {role}",
            "GRANT USAGE ON SCHEMA public TO {role}",
            "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
            "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
            "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {role}",
            "REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON django_migrations FROM {role}",
        ]
        for statement in statements:
            cursor.execute(sql.SQL(statement).format(db=database, role=role))
        # PostGIS's table of coordinate systems is reference data, read-only at run time.
        cursor.execute("SELECT to_regclass('public.spatial_ref_sys') IS NOT NULL")
        if cursor.fetchone()[0]:
            cursor.execute(
                sql.SQL(
                    "REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON public.spatial_ref_sys FROM {}"
                ).format(role)
            )
        owner_only = owner_only_tables()
        tables = [t for t in history_tables() if t not in owner_only]
        for table in tables:
            cursor.execute(
                sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM {role}").format(
                    table=sql.SQL(table), role=role
                )
            )
        for table in owner_only:
            cursor.execute(
                sql.SQL("REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {table} FROM {role}").format(
                    table=sql.Identifier(table), role=role
                )
            )
    return tables
